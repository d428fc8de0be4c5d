"""Rules the exercises grade with (SMS size, reading time, leads, hashtags) and the answer store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hoctap.errors import FeedbackError
from hoctap.kit.exercises import AnswerStore, Choice, TextAnswer, check_choice
from hoctap.kit.sms import sms_size, strip_diacritics
from hoctap.kit.writing import hashtags, lead_elements, links, reading_seconds, word_count


@pytest.mark.parametrize(
    ("text", "encoding", "length", "parts"),
    [
        ("", "GSM-7", 0, 0),
        ("Ngay Sach va Van hoa doc Viet Nam 21/4", "GSM-7", 38, 1),
        ("Ngày Sách và Văn hóa đọc Việt Nam 21/4", "UCS-2", 38, 1),  # ă, ọ, ệ are not in GSM-7
        ("bé à è ù ì ò é", "GSM-7", 14, 1),  # these accented letters are in the GSM alphabet
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),  # 153 per part
        ("a" * 307, "GSM-7", 307, 3),
        ("ư" * 70, "UCS-2", 70, 1),
        ("ư" * 71, "UCS-2", 71, 2),
        ("ư" * 134, "UCS-2", 134, 2),  # 67 per part
        ("ư" * 135, "UCS-2", 135, 3),
        ("€" * 80, "GSM-7", 160, 1),  # an extension character counts two
        ("Học tập 😀", "UCS-2", 10, 1),  # an emoji is two UTF-16 units
    ],
)
def test_sms_size(text: str, encoding: str, length: int, parts: int) -> None:
    size = sms_size(text)
    assert (size.encoding, size.length, size.parts) == (encoding, length, parts)


def test_sms_counts_composed_text() -> None:
    import unicodedata

    assert sms_size(unicodedata.normalize("NFD", "Việt Nam")).length == 8


def test_strip_diacritics_fits_gsm7() -> None:
    plain = strip_diacritics("Ngày Sách và Văn hóa đọc Việt Nam, Đồng bào ơi!")
    assert plain == "Ngay Sach va Van hoa doc Viet Nam, Dong bao oi!"
    assert sms_size(plain).encoding == "GSM-7"


@pytest.mark.parametrize(
    ("text", "words", "seconds"),
    [
        ("Kính thưa bà con", 4, 2.0),
        ("Học tập suốt đời, học tập thường xuyên.", 8, 4.0),
        ("", 0, 0.0),
    ],
)
def test_reading_time(text: str, words: int, seconds: float) -> None:
    assert word_count(text) == words
    assert reading_seconds(text, 120) == pytest.approx(seconds)


def test_reading_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        reading_seconds("a", 0)


@pytest.mark.parametrize(
    ("lead", "missing"),
    [
        ("Sáng 21/4, tại Nhà văn hóa xã Hưng Đạo, Đoàn Thanh niên xã tổ chức Ngày Sách.", []),
        ("Đoàn Thanh niên tổ chức Ngày Sách rất vui.", ["khi nào", "ở đâu"]),
        ("Sáng 21/4 tại thư viện xã có nhiều hoạt động.", ["việc gì"]),
        ("Hôm nay, ở thôn Nà Lẹng, bà con hưởng ứng Ngày Sách.", []),
    ],
)
def test_lead_elements(lead: str, missing: list[str]) -> None:
    assert lead_elements(lead, ["Ngày Sách"]).missing() == missing


def test_hashtags_and_links() -> None:
    post = "Đọc sách mỗi ngày #NgaySach #HocTapSuotDoi https://caobang.gov.vn/tin-tuc. Cảm ơn!"
    assert hashtags(post) == ["#NgaySach", "#HocTapSuotDoi"]
    assert links(post) == ["https://caobang.gov.vn/tin-tuc."]
    assert hashtags("a#b") == []


def test_choices_are_saved_when_clicked_and_read_back(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path / "cau-tra-loi.json")
    question = Choice("q1", "Câu hỏi?", ["A", "B", "C"], store)
    assert question.value is None
    question._buttons.value = 2  # what a click does
    assert json.loads(store.path.read_text(encoding="utf-8")) == {"q1": 2}
    assert Choice("q1", "Câu hỏi?", ["A", "B", "C"], store).text == "C"


def test_answer_keys_set_answers_without_saving_them(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path / "cau-tra-loi.json")
    Choice("q1", "Câu hỏi?", ["A", "B"], store).select(1)
    TextAnswer("lead", "Viết", store).set("Mẫu")
    assert not store.path.exists()


def test_a_forged_saved_answer_is_ignored(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path / "cau-tra-loi.json")
    store.path.write_text('{"q1": 7, "lead": 3}', encoding="utf-8")
    assert Choice("q1", "?", ["A", "B"], store).value is None
    assert TextAnswer("lead", "?", store).value == ""


def test_check_choice_feedback(tmp_path: Path) -> None:
    question = Choice("q1", "?", ["A", "B"], AnswerStore(tmp_path / "x.json"))
    with pytest.raises(FeedbackError, match="chưa chọn"):
        check_choice(question, 1, "Xem lại mục 1.")
    question.select(0)
    with pytest.raises(FeedbackError, match=r"Chưa đúng\. Xem lại mục 1\."):
        check_choice(question, 1, "Xem lại mục 1.")
    question.select(1)
    check_choice(question, 1, "Xem lại mục 1.")
