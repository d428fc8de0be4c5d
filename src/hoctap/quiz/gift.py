"""Moodle's GIFT format: read a text into questions, reporting each unreadable one by line.

The syntax (https://docs.moodle.org/en/GIFT_format): questions separated by blank lines; ``//``
comment lines; ``$CATEGORY: path``; ``::name::``; a ``[markdown]``/``[html]``/``[plain]``/
``[moodle]`` prefix; answers between ``{`` and ``}``, text after them making a missing-word
question; ``=`` right and ``~`` wrong answers with ``%weight%`` (negative allowed), ``#feedback``
and ``####general feedback``; ``{T}``/``{FALSE}``; ``{#value:tolerance}``, ``{#min..max}`` and
``{#=...=...}``; ``left -> right`` matching; ``{}`` essay; ``\\`` escapes ``~ = # { } :`` and
itself.
"""

from __future__ import annotations

import json
import re

from hoctap.errors import QuestionError
from hoctap.quiz.model import Answer, Problem, Question

_ESCAPABLE = "~=#{}:\\"
_FORMATS = ("markdown", "html", "plain", "moodle")
_FORMAT = re.compile(r"^\s*\[(markdown|html|plain|moodle)\]", re.I)
_NOTE = "hoctap:"
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")


def _find(text: str, chars: str, start: int = 0) -> int:
    """Index of the first unescaped character of ``chars`` from ``start``, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in chars:
            return i
        i += 1
    return -1


def _split(text: str, chars: str) -> list[str]:
    """Split on unescaped ``chars``, keeping each separator at the start of its piece."""
    pieces: list[str] = []
    start = 0
    while (i := _find(text, chars, start if not pieces else start + 1)) != -1:
        pieces.append(text[start:i])
        start = i
    pieces.append(text[start:])
    return pieces


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPABLE:
            out.append(text[i + 1])
            i += 2
        elif text[i] == "\\" and i + 1 < len(text) and text[i + 1] == "n":
            out.append("\n")
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _clean(text: str) -> str:
    """Unescaped, with a leading format prefix dropped and the lines' spacing tidied."""
    text = _FORMAT.sub("", text, count=1)
    return unescape(" ".join(line.strip() for line in text.strip().splitlines()).strip())


def _feedback(piece: str) -> tuple[str, str]:
    """``answer#feedback`` -> (answer, feedback), both still escaped."""
    i = _find(piece, "#")
    return (piece, "") if i == -1 else (piece[:i], piece[i + 1 :])


def _weight(piece: str, default: float) -> tuple[float, str]:
    match = _WEIGHT.match(piece)
    if not match:
        return default, piece
    value = round(float(match.group(1)) / 100, 7)  # Moodle's 33.33333% is 0.3333333
    if not -1 <= value <= 1:
        raise QuestionError(f"Trọng số {match.group(1)}% nằm ngoài khoảng -100%..100%.")
    return value, piece[match.end() :]


def _number(text: str) -> float:
    try:
        return float(text.strip())
    except ValueError as exc:
        raise QuestionError(f"'{text.strip()}' không phải là số.") from exc


def _numeric_answer(spec: str, fraction: float, feedback: str) -> Answer:
    spec = spec.strip()
    if ".." in spec:
        low, high = spec.split("..", 1)
        return Answer(fraction=fraction, feedback=feedback, low=_number(low), high=_number(high))
    if ":" in spec:
        value, tolerance = spec.split(":", 1)
        return Answer(
            fraction=fraction, feedback=feedback, value=_number(value), tolerance=_number(tolerance)
        )
    return Answer(fraction=fraction, feedback=feedback, value=_number(spec))


def _numeric(body: str) -> list[Answer]:
    body = body[1:]  # after '#'
    if _find(body, "=~") == -1:  # {#value:tolerance} or {#min..max}, maybe with #feedback
        spec, feedback = _feedback(body)
        return [_numeric_answer(spec, 1.0, _clean(feedback))]
    answers = []
    for piece in _split(body.strip(), "=~"):
        if not piece.strip():
            continue
        if piece[0] in "=~":
            right, piece = piece[0] == "=", piece[1:]
        else:  # {#3:2~#...}: the first answer needs no '='
            right = True
        fraction, piece = _weight(piece, 1.0 if right else 0.0)
        spec, feedback = _feedback(piece)
        if not spec.strip():  # "~#feedback": any other number
            answers.append(Answer(fraction=fraction, feedback=_clean(feedback)))
        else:
            answers.append(_numeric_answer(spec, fraction, _clean(feedback)))
    return answers


def _true_false(body: str) -> tuple[list[Answer], bool] | None:
    parts = [p.strip() for p in _split(body, "#")]
    word = parts[0].upper()
    if word not in ("T", "TRUE", "F", "FALSE"):
        return None
    truth = word.startswith("T")
    wrong_feedback = _clean(parts[1][1:]) if len(parts) > 1 else ""
    right_feedback = _clean(parts[2][1:]) if len(parts) > 2 else ""
    answers = [
        Answer(text="Đúng", fraction=1.0 if truth else 0.0),
        Answer(text="Sai", fraction=0.0 if truth else 1.0),
    ]
    # GIFT's first feedback is for a wrong answer, the second for the right one.
    for answer in answers:
        answer.feedback = right_feedback if answer.fraction == 1.0 else wrong_feedback
    return answers, truth


def _choices(body: str) -> list[tuple[bool, Answer]]:
    answers = []
    for piece in _split(body.strip(), "=~"):
        if not piece.strip():
            continue
        if piece[0] not in "=~":
            raise QuestionError(
                f"Đáp án '{_clean(piece)[:40]}' không bắt đầu bằng = (đúng) hoặc ~ (sai)."
            )
        right, piece = piece[0] == "=", piece[1:]
        fraction, piece = _weight(piece, 1.0 if right else 0.0)
        text, feedback = _feedback(piece)
        answers.append(
            (right, Answer(text=_clean(text), fraction=fraction, feedback=_clean(feedback)))
        )
    return answers


def _answers(question: Question, body: str) -> None:
    general = body.find("####")
    if general != -1:
        question.feedback = _clean(body[general + 4 :])
        body = body[:general]
    stripped = body.strip()
    if not stripped:
        question.type = "essay"
        return
    if stripped.startswith("#"):
        question.type, question.answers = "numeric", _numeric(stripped)
        return
    tf = _true_false(stripped)
    if tf is not None:
        question.type, question.answers = "true_false", tf[0]
        return
    pieces = _choices(stripped)
    if any("->" in a.text for _, a in pieces):
        question.type = "matching"
        for right, answer in pieces:
            if not right:
                raise QuestionError("Câu ghép đôi chỉ có các dòng '=trái -> phải'.")
            left, _, match = answer.text.partition("->")
            answer.text, answer.match, answer.fraction = (
                _FORMAT.sub("", left).strip(),
                match.strip(),
                1.0,
            )
        question.answers = [a for _, a in pieces]
        return
    question.answers = [a for _, a in pieces]
    if all(right for right, _ in pieces):
        question.type = "short_answer"
    elif not any(right for right, _ in pieces):
        question.type = "multiple_choice"  # Moodle: no '=' answer means several may be right
    else:
        question.type = "single_choice"
    for answer in question.answers:
        answer.text = _FORMAT.sub("", answer.text).strip()


def _question(block: str, line: int, category: str) -> Question:
    text = block.strip()
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            raise QuestionError("Tên câu hỏi mở bằng '::' nhưng không có '::' đóng.")
        name, text = unescape(text[2:end].strip()), text[end + 2 :]
    text_format = ""
    match = _FORMAT.match(text)
    if match:
        text_format, text = match.group(1).lower(), text[match.end() :]
    opening = _find(text, "{")
    if opening == -1:
        raise QuestionError("Không có phần đáp án {…}; thêm đáp án, hoặc {} nếu là câu tự luận.")
    closing = _find(text, "}", opening)
    if closing == -1:
        raise QuestionError("Thiếu dấu '}' đóng phần đáp án.")
    before, body, after = text[:opening], text[opening + 1 : closing], text[closing + 1 :]
    stem = _clean(before) + (" _____ " + _clean(after) if after.strip() else "")
    question = Question(type="", text=stem.strip(), name=name, category=category, line=line)
    question.text_format = text_format
    _answers(question, body)
    return question


def _blocks(source: str) -> list[tuple[int, str, str]]:
    """(first line number, text, hoctap note) of each question or ``$CATEGORY`` block.

    Comments are dropped, except a ``// hoctap: {…}`` line, which carries what GIFT has no syntax
    for (points, level, source, the prediction type) to the question that follows it.
    """
    blocks: list[tuple[int, str, str]] = []
    current: list[str] = []
    start, note = 0, ""
    for number, line in enumerate(source.splitlines(), start=1):
        if line.lstrip().startswith("//"):
            comment = line.lstrip()[2:].strip()
            if comment.startswith(_NOTE) and not current:
                note = comment[len(_NOTE) :].strip()
            continue
        if not line.strip():
            if current:
                blocks.append((start, "\n".join(current), note))
                current, note = [], ""
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current), note))
    return blocks


def _apply_note(question: Question, note: str) -> None:
    """Set what a ``// hoctap:`` note says; a note that cannot be read is an error to report."""
    try:
        values = json.loads(note)
    except json.JSONDecodeError:
        raise QuestionError("Dòng ghi chú '// hoctap:' không đọc được; xóa dòng đó đi.") from None
    if not isinstance(values, dict):
        raise QuestionError("Dòng ghi chú '// hoctap:' phải là một bảng {…}; xóa dòng đó đi.")
    if values.get("type") == "prediction" and question.type == "essay":
        question.type = "prediction"
    if "points" in values:
        question.points = float(values["points"])
    for key in ("level", "source"):
        if key in values:
            setattr(question, key, str(values[key]))
    for key in ("ignore_case", "ignore_accents", "ignore_spaces"):
        if key in values:
            setattr(question, key, bool(values[key]))


def read_gift(source: str) -> tuple[list[Question], list[Problem]]:
    """The questions of a GIFT text, and a problem (with its line) for each unreadable one."""
    questions: list[Question] = []
    problems: list[Problem] = []
    category = ""
    for line, block, note in _blocks(source.lstrip("\ufeff")):
        stripped = block.strip()
        if stripped.startswith("$CATEGORY:"):
            category = stripped[len("$CATEGORY:") :].strip()
            continue
        try:
            question = _question(block, line, category)
            if note:
                _apply_note(question, note)
            questions.append(question)
        except QuestionError as error:
            problems.append(Problem(line, str(error)))
    return questions, problems


# -- writing --------------------------------------------------------------------------------


def escape(text: str) -> str:
    return "".join("\\" + c if c in _ESCAPABLE else c for c in text).replace("\n", "\\n")


def _num(value: float | None) -> str:
    text = repr(float(value or 0.0))
    return text[:-2] if text.endswith(".0") else text


def _weight_text(fraction: float) -> str:
    return f"%{_num(fraction * 100)}%"


def _feedback_text(feedback: str) -> str:
    return f"#{escape(feedback)}" if feedback else ""


def _answer_text(question: Question) -> str:
    kind, answers = question.type, question.answers
    if kind in ("essay", "prediction"):  # GIFT has no prediction; the note says which
        body = ""
    elif kind == "true_false":
        truth = next((a.text == "Đúng" for a in answers if a.fraction == 1), True)
        wrong = next((a.feedback for a in answers if a.fraction != 1), "")
        right = next((a.feedback for a in answers if a.fraction == 1), "")
        body = ("TRUE" if truth else "FALSE") + (
            f"#{escape(wrong)}#{escape(right)}" if wrong or right else ""
        )
    elif kind == "numeric":
        lines = []
        for a in answers:
            if a.low is not None or a.high is not None:
                spec = f"{_num(a.low)}..{_num(a.high)}"
            elif a.value is not None:
                spec = _num(a.value) + (f":{_num(a.tolerance)}" if a.tolerance else "")
            else:
                spec = ""
            mark = "=" if spec else "~"
            weight = (
                ""
                if (mark == "=" and a.fraction == 1) or (mark == "~" and a.fraction == 0)
                else _weight_text(a.fraction)
            )
            lines.append(f"{mark}{weight}{spec}{_feedback_text(a.feedback)}")
        body = "#\n    " + "\n    ".join(lines) + "\n"
    elif kind == "matching":
        body = "\n" + "".join(f"    ={escape(a.text)} -> {escape(a.match)}\n" for a in answers)
    else:
        lines = []
        for a in answers:
            if kind == "short_answer":
                mark, weight = "=", "" if a.fraction == 1 else _weight_text(a.fraction)
            elif kind == "single_choice" and a.fraction == 1:
                mark, weight = "=", ""
            else:
                mark, weight = "~", "" if a.fraction == 0 else _weight_text(a.fraction)
            lines.append(f"    {mark}{weight}{escape(a.text)}{_feedback_text(a.feedback)}\n")
        body = "\n" + "".join(lines)
    if question.feedback:
        body += f"####{escape(question.feedback)}\n"
    return "{" + body + "}"


def _note(question: Question) -> str:
    """The ``// hoctap:`` line for what GIFT cannot say, or nothing when there is nothing."""
    values: dict[str, object] = {}
    if question.type == "prediction":
        values["type"] = "prediction"
    if question.points != 1:
        values["points"] = question.points
    for key in ("level", "source"):
        if getattr(question, key):
            values[key] = getattr(question, key)
    defaults = Question("", "")
    for key in ("ignore_case", "ignore_accents", "ignore_spaces"):
        if getattr(question, key) != getattr(defaults, key):
            values[key] = getattr(question, key)
    return f"// {_NOTE} {json.dumps(values, ensure_ascii=False)}\n" if values else ""


def write_gift(questions: list[Question]) -> str:
    """GIFT text that ``read_gift`` reads back to the same questions.

    Points, level, source and the prediction type ride in a ``// hoctap: {…}`` comment line before
    the question, which Moodle ignores.
    """
    out: list[str] = []
    category = ""
    for q in questions:
        if q.category != category:
            category = q.category
            out.append(f"$CATEGORY: {category}\n")
        head = f"::{escape(q.name)}::" if q.name else ""
        head += f"[{q.text_format}]" if q.text_format else ""
        before, gap, after = q.text.partition(" _____ ")
        text = escape(before) + " " + _answer_text(q) + (f" {escape(after)}" if gap else "")
        out.append(f"// {q.type}\n{_note(q)}{head}{text}\n")
    return "\n".join(out)
