"""What a contest page's form sends, turned into the choice ``sessions.answer_text`` checks.

Browsers send text. A position must be written as a plain non-negative integer ("1", never
"true", "1.5", " 1" or "01"); anything else is refused here, before the rules see it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from hoctap.contest.sessions import Shown
from hoctap.errors import Refused

_POSITION = re.compile(r"0|[1-9][0-9]{0,3}")
NONE = "-1"
"""A matching pair left unchosen."""


def _position(text: str) -> int:
    if not _POSITION.fullmatch(text):
        raise Refused("Phương án không có trong câu hỏi.", "Chọn một phương án trên màn hình.")
    return int(text)


def choice_from_form(shown: Shown, fields: Mapping[str, Sequence[str]]) -> object:
    """The choice in the form's fields: ``chon`` (positions), ``ghep`` (one per left side, in
    order) or ``tra_loi`` (text)."""
    if shown.type in ("single_choice", "true_false"):
        values = fields.get("chon", [])
        if len(values) != 1:
            raise Refused("Chưa chọn phương án nào.", "Chọn một phương án rồi lưu.")
        return _position(values[0])
    if shown.type == "multiple_choice":
        return [_position(v) for v in fields.get("chon", [])]
    if shown.type == "matching":
        return [-1 if v == NONE else _position(v) for v in fields.get("ghep", [])]
    values = fields.get("tra_loi", [])
    if len(values) != 1:
        raise Refused("Câu trả lời phải là chữ hoặc số.", "Gõ câu trả lời vào ô.")
    return values[0]


def revision_from_form(fields: Mapping[str, Sequence[str]]) -> int:
    values = fields.get("rev", [])
    if len(values) != 1 or not re.fullmatch(r"[1-9][0-9]{0,8}", values[0]):
        raise Refused("Yêu cầu lưu câu trả lời không hợp lệ.", "Tải lại trang.")
    return int(values[0])
