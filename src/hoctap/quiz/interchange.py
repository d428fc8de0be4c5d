"""The bank's json interchange form: a list with one object per question, for other tools.

Keys: ``name``, ``type``, ``category``, ``text``, ``points``, ``answers`` (and ``feedback``,
``text_format``, ``level``, ``source`` when set, and the short-answer comparison flags
``ignore_case``, ``ignore_accents``, ``ignore_spaces`` when not the default). Answers:
``{"text", "fraction"}`` for choice and short answers,
``{"value", "tolerance"}`` or ``{"min", "max"}`` with ``"fraction"`` for numeric ones (neither:
any other number), ``{"left", "right"}`` for matching; ``"feedback"`` when set. Texts are plain:
no format's escapes.
"""

from __future__ import annotations

import json
from typing import Any

from hoctap.quiz.model import TYPES, Answer, Problem, Question

_FLAGS = ("ignore_case", "ignore_accents", "ignore_spaces")
_DEFAULTS = Question("", "")


def _answer_record(question: Question, answer: Answer) -> dict[str, Any]:
    record: dict[str, Any]
    if question.type == "matching":
        record = {"left": answer.text, "right": answer.match}
    elif question.type == "numeric":
        if answer.low is not None or answer.high is not None:
            record = {"min": answer.low, "max": answer.high}
        elif answer.value is not None:
            record = {"value": answer.value, "tolerance": answer.tolerance}
        else:
            record = {}
        record["fraction"] = answer.fraction
    else:
        record = {"text": answer.text, "fraction": answer.fraction}
    if answer.feedback:
        record["feedback"] = answer.feedback
    return record


def to_records(questions: list[Question]) -> list[dict[str, Any]]:
    records = []
    for q in questions:
        record: dict[str, Any] = {
            "name": q.name,
            "type": q.type,
            "category": q.category,
            "text": q.text,
            "points": q.points,
            "answers": [_answer_record(q, a) for a in q.answers],
        }
        if q.feedback:
            record["feedback"] = q.feedback
        if q.text_format:
            record["text_format"] = q.text_format
        for key in ("level", "source"):
            if getattr(q, key):
                record[key] = getattr(q, key)
        for key in _FLAGS:
            if getattr(q, key) != getattr(_DEFAULTS, key):
                record[key] = getattr(q, key)
        records.append(record)
    return records


def write_json(questions: list[Question]) -> str:
    return json.dumps(to_records(questions), ensure_ascii=False, indent=2) + "\n"


def _answer(kind: str, record: dict[str, Any]) -> Answer:
    answer = Answer(fraction=float(record.get("fraction", 1.0 if kind == "matching" else 0.0)))
    answer.feedback = str(record.get("feedback", ""))
    if kind == "matching":
        answer.text, answer.match = str(record.get("left", "")), str(record["right"])
    elif kind == "numeric":
        if "min" in record or "max" in record:
            answer.low, answer.high = float(record["min"]), float(record["max"])
        elif "value" in record:
            answer.value = float(record["value"])
            answer.tolerance = float(record.get("tolerance", 0.0))
    else:
        answer.text = str(record["text"])
    if not -1 <= answer.fraction <= 1:
        raise ValueError(f"fraction {answer.fraction} nằm ngoài khoảng -1..1")
    return answer


def _flag(value: object, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"'{key}' chỉ nhận true hoặc false")


def read_json(source: str) -> tuple[list[Question], list[Problem]]:
    """Questions from the interchange form; a problem per unreadable object (its index + 1)."""
    try:
        records = json.loads(source.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        return [], [Problem(error.lineno, f"Tệp không phải JSON hợp lệ: {error.msg}.")]
    if not isinstance(records, list):
        return [], [Problem(1, "Tệp JSON phải là một danh sách câu hỏi [ … ].")]
    questions: list[Question] = []
    problems: list[Problem] = []
    for number, record in enumerate(records, start=1):
        try:
            kind = str(record["type"])
            if kind not in TYPES:
                raise ValueError(f"loại '{kind}' không có; dùng một trong: {', '.join(TYPES)}")
            question = Question(kind, str(record["text"]), line=number)
            question.name = str(record.get("name", ""))
            question.category = str(record.get("category", ""))
            question.points = float(record.get("points", 1.0))
            question.feedback = str(record.get("feedback", ""))
            question.text_format = str(record.get("text_format", ""))
            question.level = str(record.get("level", ""))
            question.source = str(record.get("source", ""))
            for key in _FLAGS:
                setattr(question, key, _flag(record.get(key, getattr(_DEFAULTS, key)), key))
            question.answers = [_answer(kind, a) for a in record.get("answers", [])]
        except (KeyError, TypeError, ValueError) as error:
            problems.append(Problem(number, f"Câu thứ {number}: {error}"))
        else:
            questions.append(question)
    return questions, problems
