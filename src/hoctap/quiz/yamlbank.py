"""The bank's own text form: a YAML file a trainer edits, validated question by question.

A file holds ``title`` and ``questions``, a list of mappings. Question keys: ``name``, ``type``,
``category``, ``level``, ``points``, ``text``, ``answers``, ``answer`` (true/false questions
only), ``feedback``, ``source`` and, for short answers, ``ignore_case``, ``ignore_accents``,
``ignore_spaces``; ``text_format`` (GIFT's markdown, html, plain or moodle). Answer keys:
``text``, ``correct`` (a fraction of 1) or ``fraction``,
``feedback``; ``value`` and ``tolerance`` or ``min`` and ``max`` for numbers; ``left`` and
``right`` for matching. ``quizzes/README.md`` documents it for trainers, in Vietnamese.
"""

from __future__ import annotations

from typing import Any

import yaml

from hoctap.errors import QuestionError
from hoctap.io.yamlfile import SYNTAX_HINT, compose_yaml, parse_yaml, syntax_problem
from hoctap.quiz.model import TYPES, Answer, Problem, Question

_QUESTION_KEYS = {
    "name",
    "type",
    "category",
    "level",
    "points",
    "text",
    "answers",
    "answer",
    "feedback",
    "source",
    "ignore_case",
    "ignore_accents",
    "ignore_spaces",
    "text_format",
}
_ANSWER_KEYS = {
    "text",
    "correct",
    "fraction",
    "feedback",
    "value",
    "tolerance",
    "min",
    "max",
    "left",
    "right",
}
_TRUTH = {"đúng": True, "sai": False, "true": True, "false": False}


def _text(value: object, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise QuestionError(f"'{key}' phải là một đoạn chữ, không phải danh sách hay bảng.")
    return str(value)


def _number(value: object, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise QuestionError(f"'{key}' phải là một số (ví dụ {key}: 2).")
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        raise QuestionError(
            f"'{key}: {value}' không phải là số; viết số, ví dụ {key}: 2."
        ) from None


def _flag(value: object, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUTH:
        return _TRUTH[value.strip().lower()]
    raise QuestionError(f"'{key}' chỉ nhận true (đúng) hoặc false (sai).")


def _unknown(keys: object, allowed: set[str], where: str) -> None:
    assert isinstance(keys, dict)
    extra = sorted(str(k) for k in keys if k not in allowed)
    if extra:
        raise QuestionError(
            f"{where} có khóa không dùng được: {', '.join(extra)}. "
            f"Các khóa dùng được: {', '.join(sorted(allowed))}."
        )


def _fraction(record: dict[str, Any], kind: str, number: int) -> float:
    if "fraction" in record and "correct" in record:
        raise QuestionError(f"Đáp án thứ {number} có cả 'correct' và 'fraction'; chỉ giữ một.")
    if "fraction" in record:
        fraction = _number(record["fraction"], "fraction")
        if not -1 <= fraction <= 1:
            raise QuestionError(
                f"Đáp án thứ {number}: fraction {record['fraction']} phải nằm trong -1..1 "
                "(1 là đúng hoàn toàn, 0,5 là được nửa số điểm, số âm là bị trừ điểm)."
            )
        return fraction
    if "correct" in record:
        return 1.0 if _flag(record["correct"], "correct") else 0.0
    # A short answer listed is an accepted one; a matching pair is a pair.
    return 1.0 if kind in ("short_answer", "matching") else 0.0


def _answer(item: object, kind: str, number: int) -> Answer:
    if not isinstance(item, dict):
        if kind in ("single_choice", "multiple_choice", "short_answer") and item is not None:
            return Answer(text=str(item), fraction=1.0 if kind == "short_answer" else 0.0)
        raise QuestionError(f"Đáp án thứ {number} phải có dạng 'text: …' (xem quizzes/README.md).")
    _unknown(item, _ANSWER_KEYS, f"Đáp án thứ {number}")
    answer = Answer(fraction=_fraction(item, kind, number))
    answer.feedback = _text(item.get("feedback"), "feedback")
    if kind == "matching":
        if "right" not in item:
            raise QuestionError(f"Đáp án thứ {number} của câu ghép đôi cần 'left' và 'right'.")
        answer.text = _text(item.get("left"), "left")
        answer.match = _text(item["right"], "right")
    elif kind == "numeric":
        if "min" in item or "max" in item:
            if "min" not in item or "max" not in item:
                raise QuestionError(f"Đáp án thứ {number}: khoảng số cần cả 'min' và 'max'.")
            answer.low, answer.high = _number(item["min"], "min"), _number(item["max"], "max")
            if answer.low > answer.high:
                raise QuestionError(f"Đáp án thứ {number}: 'min' lớn hơn 'max'; đổi chỗ hai số.")
        elif "value" in item:
            answer.value = _number(item["value"], "value")
            answer.tolerance = _number(item.get("tolerance", 0), "tolerance")
    else:
        if "text" not in item:
            raise QuestionError(f"Đáp án thứ {number} thiếu 'text' (nội dung đáp án).")
        answer.text = _text(item["text"], "text")
    return answer


def problem_with(question: Question) -> str:
    """What makes a question unusable in a contest (Vietnamese, with the fix), or ""."""
    try:
        _check(question)
    except QuestionError as error:
        return str(error)
    return ""


def _check(question: Question) -> None:
    """The rules a question of each type must keep, so a contest never holds an unanswerable one."""
    kind, answers = question.type, question.answers
    if not question.text.strip():
        raise QuestionError("Câu hỏi chưa có nội dung.")
    right = [a for a in answers if a.fraction > 0]
    if kind in ("single_choice", "multiple_choice") and len(answers) < 2:
        raise QuestionError("Câu trắc nghiệm cần ít nhất hai phương án trong 'answers'.")
    if kind == "single_choice" and not any(a.fraction == 1 for a in answers):
        raise QuestionError("Chưa có phương án đúng; thêm 'correct: true' vào phương án đúng.")
    if kind == "multiple_choice" and not right:
        raise QuestionError("Chưa có phương án đúng; cho các phương án đúng 'fraction' dương.")
    if kind == "short_answer" and not right:
        raise QuestionError(
            "Câu trả lời ngắn cần ít nhất một đáp án được chấp nhận trong 'answers'."
        )
    if kind == "numeric" and not right:
        raise QuestionError("Câu hỏi số cần một đáp án, ví dụ 'answers: [{value: 2030}]'.")
    if kind == "matching" and len([a for a in answers if a.text]) < 2:
        raise QuestionError("Câu ghép đôi cần ít nhất hai cặp 'left' – 'right'.")
    if kind in ("essay", "prediction") and answers:
        raise QuestionError(
            "Câu tự luận và câu dự đoán không có 'answers' (câu dự đoán lấy đáp án từ kết quả thi)."
        )


def _question(item: object, number: int) -> Question:
    if not isinstance(item, dict):
        raise QuestionError("Mỗi câu hỏi là một bảng khóa: giá trị, bắt đầu bằng '- type: …'.")
    _unknown(item, _QUESTION_KEYS, "Câu hỏi")
    kind = _text(item.get("type"), "type").strip()
    if kind not in TYPES:
        hint = f"'{kind}' không phải loại câu hỏi" if kind else "Thiếu 'type'"
        raise QuestionError(f"{hint}; dùng một trong: {', '.join(TYPES)}.")
    text = _text(item.get("text"), "text").strip()
    if not text:
        raise QuestionError("Thiếu 'text' (nội dung câu hỏi).")
    question = Question(kind, text)
    question.name = _text(item.get("name"), "name").strip()
    question.category = _text(item.get("category"), "category").strip()
    question.level = _text(item.get("level"), "level").strip()
    question.source = _text(item.get("source"), "source").strip()
    question.feedback = _text(item.get("feedback"), "feedback").strip()
    question.text_format = _text(item.get("text_format"), "text_format").strip()
    if question.text_format not in ("", "markdown", "html", "plain", "moodle"):
        raise QuestionError("'text_format' chỉ nhận markdown, html, plain hoặc moodle.")
    if "points" in item:
        question.points = _number(item["points"], "points")
        if question.points < 0:
            raise QuestionError("'points' không được âm.")
    for key in ("ignore_case", "ignore_accents", "ignore_spaces"):
        if key in item:
            setattr(question, key, _flag(item[key], key))
    if kind in ("essay", "prediction") and item.get("answers"):
        raise QuestionError(
            "Câu tự luận và câu dự đoán không có 'answers' (câu dự đoán lấy đáp án từ kết quả thi)."
        )
    if "answer" in item:
        if kind != "true_false":
            raise QuestionError("'answer' chỉ dùng cho câu đúng/sai; câu này dùng 'answers'.")
        if "answers" in item:
            raise QuestionError("Câu đúng/sai có cả 'answer' và 'answers'; chỉ giữ một.")
        truth = _flag(item["answer"], "answer")
        question.answers = [
            Answer(text="Đúng", fraction=1.0 if truth else 0.0),
            Answer(text="Sai", fraction=0.0 if truth else 1.0),
        ]
    else:
        raw = item.get("answers") or []
        if not isinstance(raw, list):
            raise QuestionError(
                "'answers' phải là một danh sách, mỗi đáp án một dòng bắt đầu bằng '-'."
            )
        question.answers = [_answer(a, kind, n) for n, a in enumerate(raw, start=1)]
        if kind == "true_false":
            texts = sorted(a.text for a in question.answers)
            if texts != ["Sai", "Đúng"]:
                raise QuestionError("Câu đúng/sai cần 'answer: true' hoặc 'answer: false'.")
    _check(question)
    return question


def _lines(source: str) -> list[int]:
    """The first line (1-based) of each item of ``questions``, to point messages at."""
    root = compose_yaml(source)
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "questions" and isinstance(value, yaml.SequenceNode):
            return [node.start_mark.line + 1 for node in value.value]
    return []


def read_yaml(source: str) -> tuple[list[Question], list[Problem], str]:
    """(questions, problems, title) of a bank file; each problem names its question and the fix."""
    try:
        data = parse_yaml(source)
    except yaml.YAMLError as error:
        bad = syntax_problem(error)
        message = (
            f"Tệp YAML viết sai cú pháp ({bad.reason}); xem lại dòng {bad.line}. {SYNTAX_HINT}"
        )
        return [], [Problem(bad.line, message)], ""
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return [], [Problem(1, "Tệp cần khóa 'questions:' chứa danh sách câu hỏi.")], ""
    title = _text(data.get("title"), "title").strip()
    lines = _lines(source)
    questions: list[Question] = []
    problems: list[Problem] = []
    for number, item in enumerate(data["questions"], start=1):
        line = lines[number - 1] if number <= len(lines) else 0
        label = f"Câu {number}"
        if isinstance(item, dict) and item.get("name"):
            label += f" ({item['name']})"
        try:
            question = _question(item, number)
        except QuestionError as error:
            problems.append(Problem(line, f"{label}: {error}"))
            continue
        question.line = line
        questions.append(question)
    return questions, problems, title


# -- writing --------------------------------------------------------------------------------


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _answer_record(question: Question, answer: Answer) -> dict[str, Any]:
    record: dict[str, Any] = {}
    if question.type == "matching":
        record = {"left": answer.text, "right": answer.match}
    elif question.type == "numeric":
        if answer.low is not None or answer.high is not None:
            record = {"min": _plain(answer.low or 0.0), "max": _plain(answer.high or 0.0)}
        elif answer.value is not None:
            record = {"value": _plain(answer.value)}
            if answer.tolerance:
                record["tolerance"] = _plain(answer.tolerance)
    else:
        record = {"text": answer.text}
    default = 1.0 if question.type in ("short_answer", "matching") else 0.0
    if answer.fraction != default:
        if answer.fraction in (0.0, 1.0):
            record["correct"] = answer.fraction == 1.0
        else:
            record["fraction"] = answer.fraction
    if answer.feedback:
        record["feedback"] = answer.feedback
    return record


def _question_record(question: Question) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key in ("name", "type", "category", "level"):
        if getattr(question, key):
            record[key] = getattr(question, key)
    record["points"] = _plain(question.points)
    record["text"] = question.text
    answers = question.answers
    if question.type == "true_false" and not any(a.feedback for a in answers):
        record["answer"] = any(a.text == "Đúng" and a.fraction == 1 for a in answers)
    elif answers:
        record["answers"] = [_answer_record(question, a) for a in answers]
    if question.feedback:
        record["feedback"] = question.feedback
    if question.source:
        record["source"] = question.source
    if question.text_format:
        record["text_format"] = question.text_format
    defaults = Question("", "")
    for key in ("ignore_case", "ignore_accents", "ignore_spaces"):
        if getattr(question, key) != getattr(defaults, key):
            record[key] = getattr(question, key)
    return record


def write_yaml(questions: list[Question], title: str = "") -> str:
    """A bank file that ``read_yaml`` reads back to the same questions."""
    data: dict[str, Any] = {}
    if title:
        data["title"] = title
    data["questions"] = [_question_record(q) for q in questions]
    header = (
        "# Ngân hàng câu hỏi của hoctap. Cách viết: xem quizzes/README.md.\n"
        "# Kiểm tra tệp bằng: hoctap quiz check TEN_TEP.yaml\n"
    )
    return header + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )
