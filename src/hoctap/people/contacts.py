"""Vietnamese phone numbers and e-mail addresses: parse to one stored form, mask for publication."""

from __future__ import annotations

import re

from hoctap.errors import ContactError
from hoctap.text import normalize

PHONE_HINT = (
    "Số di động có 10 chữ số, bắt đầu bằng 0 (ví dụ 0912 345 678 hoặc +84 912 345 678); "
    "số cố định có mã vùng 02xx (ví dụ 0206 3852 123)."
)
# Mobile prefixes in use since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
_MOBILE = re.compile(r"0[35789]\d{8}")
# Landlines since 2017: 0 + a two- or three-digit area code starting with 2, 11 digits in all
# (Cao Bằng: 0206 xxx xxxx; Hà Nội: 024 xxxx xxxx).
_LANDLINE = re.compile(r"02\d{9}")
_SEPARATORS = re.compile(r"[\s.\-()/]+")


def parse_phone(value: object) -> str:
    """The number in its stored form: national digits with the leading 0 ("0912345678").

    Accepts spaces, dots, dashes and brackets, a +84 / 84 / 0084 prefix, and the 9-digit form a
    spreadsheet leaves when it stores a number and drops the leading 0. Empty input gives "".
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = str(value)
    # Digits and separators need no repair of legacy encodings: skip the text normaliser.
    text = _SEPARATORS.sub("", raw if raw.isascii() else normalize(raw))
    if not text:
        return ""
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("0084"):
        text = "0" + text[4:]
    elif text.startswith("84") and len(text) in (11, 12):
        text = "0" + text[2:]
    elif len(text) in (9, 10) and text[0] in "35789" and text.isdigit():
        text = "0" + text  # a spreadsheet number that lost its leading zero
    if text.startswith("00"):
        text = text[1:]
    if _MOBILE.fullmatch(text) or _LANDLINE.fullmatch(text):
        return text
    raise ContactError(f"'{value}' không phải số điện thoại Việt Nam hợp lệ.", PHONE_HINT)


def mask_phone(phone: str) -> str:
    """The form a public list shows: first four and last three digits ("0912•••678")."""
    if len(phone) < 8:
        return "•" * len(phone)
    return f"{phone[:4]}•••{phone[-3:]}"


EMAIL_HINT = "Địa chỉ thư điện tử có dạng ten@mien.vn, không có dấu cách hay dấu tiếng Việt."
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def parse_email(value: object) -> str:
    """The address in its stored form (trimmed, lower case), or "" when empty."""
    text = normalize(value).strip().strip("<>").lower()
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    if not text:
        return ""
    if not _EMAIL.fullmatch(text) or ".." in text:
        raise ContactError(f"'{value}' không phải địa chỉ thư điện tử hợp lệ.", EMAIL_HINT)
    return text
