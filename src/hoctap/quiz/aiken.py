"""Moodle's Aiken format: single-choice questions as plain lines, one ``ANSWER:`` each.

    Đề án "Xây dựng xã hội học tập" giai đoạn nào?
    A. 2016-2020
    B. 2021-2030
    ANSWER: B

Options are ``A.`` or ``A)``; the question may span several lines; questions are separated by
``ANSWER:`` lines (blank lines between them are optional).
"""

from __future__ import annotations

import re

from hoctap.quiz.model import Answer, Problem, Question

_OPTION = re.compile(r"^([A-Z])[.)]\s+(.*)$")
_ANSWER = re.compile(r"^ANSWER:\s*([A-Z])\s*$", re.I)


def read_aiken(source: str) -> tuple[list[Question], list[Problem]]:
    """The questions of an Aiken text, and a problem (with its line) for each unreadable one."""
    questions: list[Question] = []
    problems: list[Problem] = []
    stem: list[str] = []
    options: list[tuple[str, str]] = []
    start = 0
    for number, raw in enumerate(source.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if not stem and not options:
            start = number
        answer, option = _ANSWER.match(line), _OPTION.match(line)
        if answer:
            letter = answer.group(1).upper()
            letters = [key for key, _ in options]
            if not stem or len(options) < 2:
                problems.append(Problem(start, "Cần câu hỏi và ít nhất hai phương án A., B. …"))
            elif letter not in letters:
                problems.append(
                    Problem(number, f"ANSWER: {letter} không có trong các phương án {letters}.")
                )
            else:
                answers = [Answer(text=t, fraction=1.0 if k == letter else 0.0) for k, t in options]
                questions.append(
                    Question("single_choice", " ".join(stem), answers=answers, line=start)
                )
            stem, options = [], []
        elif option and stem:
            options.append((option.group(1), option.group(2).strip()))
        elif options:
            problems.append(Problem(number, "Sau các phương án phải là dòng ANSWER: <chữ cái>."))
            stem, options = [], []
        else:
            stem.append(line)
    if stem or options:
        problems.append(Problem(start, "Câu hỏi cuối thiếu dòng ANSWER: <chữ cái>."))
    return questions, problems
