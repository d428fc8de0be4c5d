"""Moodle's Aiken format."""

from __future__ import annotations

from hoctap.quiz.aiken import read_aiken

SOURCE = """\ufeffĐề án "Xây dựng xã hội học tập" áp dụng cho
giai đoạn nào?
A. 2016-2020
B) 2021-2030
C. 2031-2035
ANSWER: B

Câu thiếu đáp án
A. một
B. hai
ANSWER: E
Câu có một phương án
A. một
ANSWER: A
Câu đúng?
A. Có
B. Không
ANSWER: a
"""


def test_reads_questions_and_reports_the_bad_ones_by_line() -> None:
    questions, problems = read_aiken(SOURCE)
    assert [(q.type, q.text, q.line) for q in questions] == [
        ("single_choice", 'Đề án "Xây dựng xã hội học tập" áp dụng cho giai đoạn nào?', 1),
        ("single_choice", "Câu đúng?", 15),
    ]
    assert [(a.text, a.fraction) for a in questions[0].answers] == [
        ("2016-2020", 0.0),
        ("2021-2030", 1.0),
        ("2031-2035", 0.0),
    ]
    assert [(p.line, p.message.split(" ")[0]) for p in problems] == [(11, "ANSWER:"), (12, "Cần")]


def test_a_question_without_answer_line_at_the_end() -> None:
    questions, problems = read_aiken("Câu?\nA. x\nB. y\n")
    assert questions == []
    assert problems[0].line == 1 and "ANSWER" in problems[0].message
