"""The Excel template for question banks: one question per row, options in columns A, B, C, D, ….

Columns (headers matched without regard to case or diacritics): ``Câu hỏi``, ``A`` … ``Z``,
``Đáp án``, ``Chủ đề``, ``Mức độ``, ``Giải thích``, and optional ``Tên``, ``Loại``, ``Điểm``,
``Nguồn``, ``Phản hồi A`` …, ``Cách so đáp án``, ``Định dạng``. The ``Hướng dẫn`` sheet of
``hoctap quiz template`` explains each to the trainer; ``_GUIDE`` below is that text.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import ascii_uppercase

from hoctap.errors import HoctapError, QuestionError
from hoctap.io.readers import Column, read_table
from hoctap.quiz.model import TYPES, Answer, Problem, Question
from hoctap.text import fold, normalize_lines

LABELS = {
    "single_choice": "Một lựa chọn",
    "multiple_choice": "Nhiều lựa chọn",
    "true_false": "Đúng/Sai",
    "short_answer": "Trả lời ngắn",
    "numeric": "Số",
    "matching": "Ghép đôi",
    "essay": "Tự luận",
    "prediction": "Dự đoán",
}
_KINDS = {fold(label): kind for kind, label in LABELS.items()} | {
    fold(kind): kind for kind in TYPES
}
_COMPARE = {
    "ignore_case": ("phân biệt hoa thường", False),
    "ignore_accents": ("bỏ qua dấu", True),
    "ignore_spaces": ("bỏ qua khoảng trắng", True),
}
_FORMATS = ("markdown", "html", "plain", "moodle")
_WEIGHTED = re.compile(r"^([A-Z])\s*(?:=\s*(-?\d+(?:[.,]\d+)?)\s*%)?$")
_NUMBER = r"-?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^({_NUMBER})\s*\.\.\s*({_NUMBER})$")
_TOLERANCE = re.compile(rf"^({_NUMBER})\s*(?:(?:±|\+-|:)\s*({_NUMBER}))?$")
_OTHER = "*"

_FIXED = [
    Column("name", "Tên", ("Mã câu", "Name")),
    Column("type", "Loại", ("Loại câu hỏi", "Type")),
    Column("text", "Câu hỏi", ("Nội dung câu hỏi", "Question"), required=True),
    Column("key", "Đáp án", ("Đáp án đúng", "Answer")),
    Column("points", "Điểm", ("Points",)),
    Column("category", "Chủ đề", ("Category",)),
    Column("level", "Mức độ", ("Level",)),
    Column("feedback", "Giải thích", ("Feedback",)),
    Column("source", "Nguồn", ("Nguồn trích dẫn", "Source")),
    Column("compare", "Cách so đáp án"),
    Column("format", "Định dạng"),
]
_OPTIONS = [Column(letter, letter) for letter in ascii_uppercase]
_FEEDBACK = [Column(f"fb{letter}", f"Phản hồi {letter}") for letter in ascii_uppercase]

_GUIDE = [
    ("Cột", "Cách điền"),
    ("Câu hỏi", "Nội dung câu hỏi (bắt buộc). Mỗi câu một dòng."),
    (
        "A, B, C, D, …",
        "Các phương án. Thêm cột E, F, … nếu cần. Câu ghép đôi: 'vế trái -> vế phải'.",
    ),
    (
        "Đáp án",
        "Chữ cái của phương án đúng: B. Nhiều phương án đúng: A;C (chia đều điểm), hoặc có trọng "
        "số: A=50%;C=50%;D=-50%. Câu Đúng/Sai: Đúng hoặc Sai. Câu số: 2030, 2030±1 hoặc 10..20. "
        "Câu trả lời ngắn (cột Loại ghi 'Trả lời ngắn'): để trống, mọi phương án A, B, … đều "
        "được chấp nhận.",
    ),
    ("Chủ đề", "Nhóm câu hỏi, ví dụ: Chủ trương, chính sách."),
    ("Mức độ", "Nhận biết, Thông hiểu hoặc Vận dụng."),
    ("Giải thích", "Hiện cho người thi sau khi trả lời."),
    (
        "Loại (không bắt buộc)",
        "Một lựa chọn, Nhiều lựa chọn, Đúng/Sai, Trả lời ngắn, Số, Ghép đôi, Tự luận, Dự đoán. "
        "Để trống: đoán từ cột Đáp án.",
    ),
    ("Điểm (không bắt buộc)", "Số điểm của câu; mặc định 1."),
    ("Nguồn (không bắt buộc)", "Văn bản, điều khoản làm căn cứ cho câu hỏi."),
    ("Tên (không bắt buộc)", "Mã riêng của câu hỏi, ví dụ cs-001."),
    ("Phản hồi A, … (không bắt buộc)", "Lời nhắn riêng khi người thi chọn phương án đó."),
    (
        "Cách so đáp án (không bắt buộc)",
        "Câu trả lời ngắn: 'bỏ qua dấu', 'phân biệt hoa thường', 'bỏ qua khoảng trắng', "
        "cách nhau bằng dấu ;.",
    ),
]


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _percent(fraction: float) -> str:
    text = repr(round(fraction * 100, 5))
    return text[:-2] if text.endswith(".0") else text


def _spec(text: str) -> Answer:
    """A numeric answer cell: ``2030``, ``2030±1`` (or ``2030:1``), ``10..20``, ``*`` (any)."""
    text = text.strip()
    if text == _OTHER:
        return Answer()
    if match := _RANGE.match(text):
        return Answer(low=_number(match.group(1)), high=_number(match.group(2)))
    if match := _TOLERANCE.match(text):
        return Answer(value=_number(match.group(1)), tolerance=_number(match.group(2) or "0"))
    raise QuestionError(f"'{text}' không phải đáp án số; viết 2030, 2030±1 hoặc 10..20.")


def _spec_text(answer: Answer) -> str:
    def num(value: float | None) -> str:
        text = repr(float(value or 0.0))
        return text[:-2] if text.endswith(".0") else text

    if answer.low is not None or answer.high is not None:
        return f"{num(answer.low)}..{num(answer.high)}"
    if answer.value is None:
        return _OTHER
    return num(answer.value) + (f"±{num(answer.tolerance)}" if answer.tolerance else "")


def _weights(key: str, letters: list[str]) -> dict[str, float] | None:
    """``B``, ``A;C`` or ``A=50%;C=50%`` -> letter -> fraction; None when ``key`` is not that."""
    pieces = [p.strip().upper() for p in re.split(r"[;,]", key) if p.strip()]
    if not pieces:
        return None
    found: dict[str, float | None] = {}
    for piece in pieces:
        match = _WEIGHTED.match(piece.replace(" ", ""))
        if not match:
            return None
        letter, weight = match.group(1), match.group(2)
        if letter not in letters:
            raise QuestionError(f"Đáp án '{letter}' nhưng cột {letter} trống hoặc không có.")
        found[letter] = None if weight is None else round(_number(weight) / 100, 7)
    if all(v is None for v in found.values()):
        share = round(1 / len(found), 7)
        return dict.fromkeys(found, 1.0 if len(found) == 1 else share)
    if any(v is None for v in found.values()):
        raise QuestionError("Đáp án ghi trọng số cho phương án này mà không cho phương án kia.")
    weights = {k: float(v or 0.0) for k, v in found.items()}
    if any(not -1 <= v <= 1 for v in weights.values()):
        raise QuestionError("Trọng số phải nằm trong -100%..100%.")
    return weights


def _kind(label: str, key: str, options: list[str]) -> str:
    if label:
        kind = _KINDS.get(fold(label))
        if kind is None:
            raise QuestionError(f"Loại '{label}' không có; dùng: {', '.join(LABELS.values())}.")
        return kind
    if not key:
        if options:  # a forgotten key must not turn a choice question into a short answer
            raise QuestionError(
                "Cột Đáp án trống; ghi chữ cái của phương án đúng (câu trả lời ngắn: ghi "
                "'Trả lời ngắn' vào cột Loại)."
            )
        return "essay"
    if fold(key) in ("dung", "sai", "true", "false") and not options:
        return "true_false"
    if not options:
        try:
            _spec(key)
        except QuestionError:
            return "short_answer"
        return "numeric"
    weights = _weights(key, [letter for letter, _ in _letters(options)])
    if weights is not None and len([w for w in weights.values() if w > 0]) > 1:
        return "multiple_choice"
    return "single_choice"


def _letters(options: list[str]) -> list[tuple[str, str]]:
    return list(zip(ascii_uppercase, options, strict=False))


def _row(cells: dict[str, object], prefer: str) -> Question:
    def cell(key: str) -> str:
        value = cells.get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return normalize_lines(value, prefer)  # type: ignore[arg-type]

    text = cell("text")
    if not text:
        raise QuestionError("Cột 'Câu hỏi' trống.")
    # Options run from A to the last filled column; a gap in between is a mistake to report.
    filled = [letter for letter in ascii_uppercase if cell(letter)]
    last = ascii_uppercase.index(filled[-1]) + 1 if filled else 0
    options = [cell(letter) for letter in ascii_uppercase[:last]]
    if "" in options:
        gap = ascii_uppercase[options.index("")]
        raise QuestionError(
            f"Cột {gap} trống mà các cột sau nó có phương án; dồn các phương án lại."
        )
    key = cell("key")
    kind = _kind(cell("type"), key, options)
    question = Question(kind, text)
    question.name, question.category = cell("name"), cell("category")
    question.level, question.feedback, question.source = (
        cell("level"),
        cell("feedback"),
        cell("source"),
    )
    if cell("points"):
        try:
            question.points = _number(cell("points"))
        except ValueError:
            raise QuestionError(f"Điểm '{cell('points')}' không phải là số.") from None
    text_format = cell("format").lower()
    if text_format and text_format not in _FORMATS:
        raise QuestionError(f"Định dạng '{text_format}' không có; dùng: {', '.join(_FORMATS)}.")
    question.text_format = text_format
    compare = {fold(p) for p in cell("compare").split(";") if p.strip()}
    for attribute, (words, value) in _COMPARE.items():
        if fold(words) in compare:
            setattr(question, attribute, value)
            compare.discard(fold(words))
    if compare:
        raise QuestionError(
            "Cột 'Cách so đáp án' chỉ nhận: " + ", ".join(w for w, _ in _COMPARE.values()) + "."
        )
    letters = [letter for letter, _ in _letters(options)]
    feedback = {letter: cell(f"fb{letter}") for letter in letters}
    _answers(question, key, options, feedback)
    return question


def _answers(question: Question, key: str, options: list[str], feedback: dict[str, str]) -> None:
    kind = question.type
    letters = [letter for letter, _ in _letters(options)]
    if kind in ("essay", "prediction"):
        if options or key:
            raise QuestionError(
                "Câu tự luận và câu dự đoán không có phương án và đáp án; để trống."
            )
        return
    if kind == "true_false" and not options:
        truth = fold(key)
        if truth not in ("dung", "sai", "true", "false"):
            raise QuestionError("Câu Đúng/Sai: ghi Đúng hoặc Sai vào cột Đáp án.")
        right = truth in ("dung", "true")
        question.answers = [
            Answer(text="Đúng", fraction=1.0 if right else 0.0),
            Answer(text="Sai", fraction=0.0 if right else 1.0),
        ]
        return
    if kind == "numeric" and not options:
        if not key:
            raise QuestionError("Câu số cần đáp án ở cột Đáp án, ví dụ 2030 hoặc 10..20.")
        answer = _spec(key)
        answer.fraction = 1.0
        question.answers = [answer]
        return
    if not options:
        raise QuestionError("Chưa có phương án nào ở các cột A, B, C, ….")
    if kind == "matching":
        for letter, option in _letters(options):
            left, arrow, pair = option.partition("->")
            if not arrow:
                raise QuestionError(f"Cột {letter}: câu ghép đôi viết 'vế trái -> vế phải'.")
            question.answers.append(
                Answer(
                    text=left.strip(), match=pair.strip(), fraction=1.0, feedback=feedback[letter]
                )
            )
        return
    folded = [fold(o) for o in options]
    if kind == "true_false" and fold(key) in folded:  # "Đúng" naming the option, not a letter
        key = letters[folded.index(fold(key))]
    weights = _weights(key, letters) if key else None
    if key and weights is None:
        raise QuestionError(f"Không hiểu đáp án '{key}'; ghi chữ cái như B, A;C hoặc A=50%;C=50%.")
    if weights is None:  # short answers: every option is accepted
        if kind != "short_answer":
            raise QuestionError("Cột Đáp án trống; ghi chữ cái của phương án đúng.")
        weights = dict.fromkeys(letters, 1.0)
    for letter, option in _letters(options):
        answer = _spec(option) if kind == "numeric" else Answer(text=option)
        answer.fraction = weights.get(letter, 0.0)
        answer.feedback = feedback[letter]
        question.answers.append(answer)
    if kind == "single_choice" and sum(1 for a in question.answers if a.fraction == 1) != 1:
        raise QuestionError("Câu một lựa chọn cần đúng một phương án đúng ở cột Đáp án.")


def read_excel(path: Path, sheet: str | None = None) -> tuple[list[Question], list[Problem]]:
    """The questions of a bank spreadsheet (.xlsx or .csv); a problem per unreadable row."""
    table = read_table(path, [*_FIXED, *_OPTIONS, *_FEEDBACK], sheet)
    questions: list[Question] = []
    problems: list[Problem] = []
    for number, cells in table.rows:
        try:
            question = _row(cells, table.encoding)
        except QuestionError as error:
            problems.append(Problem(number, str(error)))
            continue
        question.line = number
        questions.append(question)
    return questions, problems


# -- writing --------------------------------------------------------------------------------


def _inline(question: Question) -> bool:
    """Whether the whole answer fits the Đáp án cell (no option columns needed)."""
    answers = question.answers
    if question.type == "true_false":
        return not any(a.feedback for a in answers)
    if question.type == "numeric":
        return (
            len(answers) == 1
            and answers[0].fraction == 1
            and not answers[0].feedback
            and _spec_text(answers[0]) != _OTHER
        )
    return False


def _key_text(question: Question) -> str:
    kind, answers = question.type, question.answers
    if kind in ("essay", "prediction", "matching"):
        return ""
    if kind == "true_false" and _inline(question):
        return next(("Đúng" if a.text == "Đúng" else "Sai" for a in answers if a.fraction == 1), "")
    if kind == "numeric" and _inline(question):
        return _spec_text(answers[0])
    if kind == "short_answer" and all(a.fraction == 1 for a in answers):
        return ""
    right = [(letter, a.fraction) for letter, a in zip(ascii_uppercase, answers, strict=False)]
    chosen = [(letter, f) for letter, f in right if f]
    positive = [f for _, f in chosen if f > 0]
    share = round(1 / len(positive), 7) if positive else 0
    plain = all(f > 0 for _, f in chosen) and all(
        f == (1.0 if len(positive) == 1 else share) for f in positive
    )
    if plain:
        return ";".join(letter for letter, _ in chosen)
    return ";".join(f"{letter}={_percent(f)}%" for letter, f in chosen)


def _options(question: Question) -> list[str]:
    kind, answers = question.type, question.answers
    if kind == "matching":
        return [f"{a.text} -> {a.match}" for a in answers]
    if kind in ("essay", "prediction") or _inline(question):
        return []
    if kind == "numeric":
        return [_spec_text(a) for a in answers]
    return [a.text for a in answers]


def rows(questions: list[Question]) -> tuple[list[str], list[list[object]]]:
    """The header and one row per question, as ``read_excel`` reads them back."""
    width = max([4, *(len(_options(q)) for q in questions)])
    letters = list(ascii_uppercase[:width])
    feedback = any(a.feedback for q in questions for a in q.answers)
    compare = any(
        getattr(q, attribute) == value
        for q in questions
        for attribute, (_, value) in _COMPARE.items()
    )
    formats = any(q.text_format for q in questions)
    header = ["Tên", "Loại", "Câu hỏi", *letters, "Đáp án", "Điểm", "Chủ đề", "Mức độ"]
    header += ["Giải thích", "Nguồn"]
    header += [f"Phản hồi {letter}" for letter in letters] if feedback else []
    header += ["Cách so đáp án"] if compare else []
    header += ["Định dạng"] if formats else []
    out: list[list[object]] = []
    for q in questions:
        options = _options(q)
        points: object = int(q.points) if float(q.points).is_integer() else q.points
        row: list[object] = [q.name, LABELS[q.type], q.text]
        row += [*options, *[""] * (width - len(options))]
        row += [_key_text(q), points, q.category, q.level, q.feedback, q.source]
        if feedback:
            messages = [a.feedback for a in q.answers] if options else []
            row += [*messages, *[""] * (width - len(messages))]
        if compare:
            row.append("; ".join(w for a, (w, v) in _COMPARE.items() if getattr(q, a) == v))
        if formats:
            row.append(q.text_format)
        out.append(row)
    return header, out


def write_excel(questions: list[Question], output: Path, title: str = "") -> None:
    """A bank as the Excel template, with the guide sheet; ``questions`` may be empty."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    header, body = rows(questions)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Câu hỏi"
    sheet.append(header)
    for row in body:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:  # "= 2 + 3" is an answer's text, not a formula to compute
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    widths = {"Câu hỏi": 60, "Giải thích": 40, "Nguồn": 30, "Loại": 16, "Chủ đề": 20}
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 18)
    sheet.freeze_panes = "D2"
    kinds = DataValidation(
        type="list", formula1='"' + ",".join(LABELS.values()) + '"', allow_blank=True
    )
    kinds.error, kinds.errorTitle = "Chọn một loại câu hỏi trong danh sách.", "Loại câu hỏi"
    sheet.add_data_validation(kinds)
    kinds.add("B2:B2000")
    guide = workbook.create_sheet("Hướng dẫn")
    if title:
        guide.append([title])
        guide.append([])
    for line in _GUIDE:
        guide.append(list(line))
    guide.column_dimensions["A"].width = 32
    guide.column_dimensions["B"].width = 100
    for row_cells in guide.iter_rows():
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        workbook.save(output)
    except OSError as error:
        raise HoctapError(f"Không ghi được {output}: {error.strerror}.") from error
