"""Vietnamese phone numbers and e-mail addresses: one stored form, clear refusals, masking."""

from __future__ import annotations

import pytest

from hoctap.errors import ContactError
from hoctap.people.contacts import mask_phone, parse_email, parse_phone


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("(+84) 386 123 456", "0386123456"),
        (912345678, "0912345678"),  # a spreadsheet number that lost its leading 0
        (912345678.0, "0912345678"),
        ("0206 3852 123", "02063852123"),  # Cao Bằng landline
        ("024 3825 1234", "02438251234"),  # Hà Nội landline
        ("", ""),
        (None, ""),
    ],
)
def test_phone_forms(raw: object, stored: str) -> None:
    assert parse_phone(raw) == stored


@pytest.mark.parametrize(
    "raw",
    ["09123", "0112345678", "091234567890", "abc", "0212345", "+1 415 555 0100", "0912 345 67x"],
)
def test_bad_phone_numbers_are_refused_with_a_hint(raw: str) -> None:
    with pytest.raises(ContactError) as error:
        parse_phone(raw)
    assert "10 chữ số" in error.value.hint


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("An.Nguyen@Example.com", "an.nguyen@example.com"),
        ("  hoa@caobang.gov.vn ", "hoa@caobang.gov.vn"),
        ("mailto:ai@example.com", "ai@example.com"),
        ("", ""),
    ],
)
def test_email_forms(raw: str, stored: str) -> None:
    assert parse_email(raw) == stored


@pytest.mark.parametrize(
    "raw", ["an@", "an nguyen@example.com", "nguyễn@example.com", "a@b", "a..b@c.vn"]
)
def test_bad_emails_are_refused(raw: str) -> None:
    with pytest.raises(ContactError, match="không phải địa chỉ thư điện tử hợp lệ"):
        parse_email(raw)


def test_mask_phone() -> None:
    assert mask_phone("0912345678") == "0912•••678"
