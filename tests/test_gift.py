"""Moodle's GIFT format: Moodle's own examples and importer fixture, and each construct."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoctap.quiz.gift import read_gift
from hoctap.quiz.model import Question

MOODLE = Path(__file__).resolve().parent / "data" / "moodle-gift"  # see its README.md


FIXTURE_QUESTIONS = [
    ("Q8", "essay"),
    ("Moodle activities", "matching"),
    ("Q2", "single_choice"),
    ("colours", "multiple_choice"),
    ("Q5", "numeric"),
    ("Shortanswer", "short_answer"),
    ("Q1", "true_false"),
    ("2-08 TSL", "true_false"),
    ("2-08 TSL", "true_false"),
]
"""questions.gift.txt: each question's name and type, in file order."""
# examples.txt: one letter per question, in file order, checked by hand against the file and
# Moodle's GIFT documentation: S single choice, M multiple choice (no '=' answer), T true/false,
# A short answer (only '=' answers), N numeric ({#...}), G matching (->).
EXAMPLE_LETTERS = "SSTANSSSSAATTGGNNNNNASSAATSSAMMSSSSTANGSSAN"
LETTERS = {"single_choice": "S", "multiple_choice": "M", "true_false": "T",
           "short_answer": "A", "numeric": "N", "matching": "G"}  # fmt: skip
KINDS = {letter: kind for kind, letter in LETTERS.items()}
MOODLE_FILES = {
    # name: (each question's type in file order, the first question's text, the last one's)
    "examples.txt": (
        [KINDS[letter] for letter in EXAMPLE_LETTERS],
        "Who's buried in Grant's tomb?",
        "When was Ulysses S. Grant born?",
    ),
    "questions.gift.txt": (
        [kind for _, kind in FIXTURE_QUESTIONS],
        "How are you?",
        "TSL is blablabla.",
    ),
}


def _read(name: str) -> str:
    path = MOODLE / name
    assert path.is_file(), f"test data missing: {path}"
    return path.read_text(encoding="utf-8")


def _moodle_questions(name: str) -> list[Question]:
    """A Moodle file's questions, checked to be all there: each type in order, first and last."""
    questions, problems = read_gift(_read(name))
    assert problems == []
    kinds, first, last = MOODLE_FILES[name]
    assert [q.type for q in questions] == kinds
    assert (questions[0].text, questions[-1].text) == (first, last)
    return questions


def test_moodle_importer_fixture_gets_the_right_types() -> None:
    questions, problems = read_gift(_read("questions.gift.txt"))
    assert problems == []
    assert [(q.name, q.type) for q in questions] == FIXTURE_QUESTIONS
    by_name = {q.name: q for q in questions}
    activities = by_name["Moodle activities"]
    assert activities.text_format == "html"
    assert [(a.text, a.match) for a in activities.answers][-2:] == [
        ("A collection of web pages that anyone can add to or edit.", "Wiki"),
        ("", "Chat"),  # a distractor: a right side with no left
    ]
    colours = by_name["colours"]
    assert [a.fraction for a in colours.answers] == [0.5, -1.0, 0.5, -1.0]
    assert colours.answers[3].text == "blue"
    q5 = by_name["Q5"]
    assert (q5.answers[0].value, q5.answers[0].tolerance) == (3.0, 2.0)
    assert (q5.answers[1].value, q5.answers[1].feedback) == (None, "Completely wrong")
    q1 = by_name["Q1"]
    assert q1.feedback == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    right = next(a for a in q1.answers if a.fraction == 1)
    assert right.text == "Sai" and right.feedback == "You gave the right answer."


def test_moodle_examples_all_read_with_a_type() -> None:
    questions, problems = read_gift(_read("examples.txt"))
    assert problems == []
    assert len(questions) == 43  # one per answer block in the file
    types = {q.type for q in questions}
    assert types == {
        "single_choice", "multiple_choice", "short_answer", "true_false", "matching", "numeric",
    }  # fmt: skip
    special = next(q for q in questions if q.name == "GIFT Control Characters")
    assert [a.text for a in special.answers] == ["~", "=", "#", "{", "}", "\\"]
    assert special.answers[-1].fraction == 1.0
    assert special.answers[-1].feedback.startswith("Correct! \\ (backslash)")


CONSTRUCTS = [
    ("Ai? {=Hồ Chí Minh ~Lê Lợi}", "single_choice", lambda q: q.answers[0].fraction == 1),
    ("Chọn hai. {~%50%A ~%50%B ~%-100%C}", "multiple_choice", lambda q: len(q.answers) == 3),
    ("Hà Nội là thủ đô.{T}", "true_false", lambda q: q.answers[0].fraction == 1),
    ("Hà Nội là thủ đô.{FALSE}", "true_false", lambda q: q.answers[1].fraction == 1),
    ("Hai cộng hai? {=bốn =4}", "short_answer", lambda q: len(q.answers) == 2),
    ("Năm? {#2021:1}", "numeric", lambda q: q.answers[0].tolerance == 1),
    ("Khoảng? {#1..5}", "numeric", lambda q: (q.answers[0].low, q.answers[0].high) == (1, 5)),
    ("Ghép. {=A -> 1 =B -> 2}", "matching", lambda q: q.answers[1].match == "2"),
    ("Viết cảm nghĩ. {}", "essay", lambda q: q.answers == []),
    ("Đề án {=xã hội ~đô thị} đến 2030.", "single_choice", lambda q: "_____ đến" in q.text),
    ("Dấu \\{ và \\}: {=đúng}", "short_answer", lambda q: q.text == "Dấu { và }:"),
    ("$CATEGORY: de-an\n\nCâu? {=a ~b}", "single_choice", lambda q: q.category == "de-an"),
]


@pytest.mark.parametrize(("source", "kind", "check"), CONSTRUCTS)
def test_constructs(source: str, kind: str, check: object) -> None:
    questions, problems = read_gift(source)
    assert problems == []
    (question,) = questions
    assert question.type == kind
    assert check(question)  # type: ignore[operator]


def test_a_bad_question_is_reported_by_line_and_the_rest_are_read() -> None:
    source = (
        "Câu một? {=a ~b}\n\n// chú thích\nCâu hai thiếu đáp án\n\n"
        "Câu ba? {~%150%a =b}\n\nCâu bốn? {=c}"
    )
    questions, problems = read_gift(source)
    assert [q.text for q in questions] == ["Câu một?", "Câu bốn?"]
    assert [(p.line, p.message[:20]) for p in problems] == [
        (4, "Không có phần đáp án"),
        (6, "Trọng số 150% nằm ng"),
    ]


@pytest.mark.parametrize("name", MOODLE_FILES)
def test_json_interchange_round_trip_keeps_every_question(name: str) -> None:
    from dataclasses import replace

    from hoctap.quiz.interchange import read_json, write_json

    questions = _moodle_questions(name)
    again, problems = read_json(write_json(questions))
    assert problems == []
    assert [replace(q, line=0) for q in again] == [replace(q, line=0) for q in questions]


def test_json_records_give_numbers_their_range_and_pairs_their_sides() -> None:
    from hoctap.quiz.interchange import to_records

    numeric = to_records(read_gift("Năm? {#2021:1}\n\nKhoảng? {#1..5}")[0])
    assert numeric[0]["answers"] == [{"value": 2021.0, "tolerance": 1.0, "fraction": 1.0}]
    assert numeric[1]["answers"] == [{"min": 1.0, "max": 5.0, "fraction": 1.0}]
    matching = to_records(read_gift("Ghép. {=A -> 1 = -> 2}")[0])
    assert matching[0]["answers"] == [{"left": "A", "right": "1"}, {"left": "", "right": "2"}]


@pytest.mark.parametrize("name", MOODLE_FILES)
def test_gift_round_trip_keeps_every_question(name: str) -> None:
    from dataclasses import replace

    from hoctap.quiz.gift import write_gift

    questions = _moodle_questions(name)
    again, problems = read_gift(write_gift(questions))
    assert problems == []
    assert [replace(q, line=0) for q in again] == [replace(q, line=0) for q in questions]


def test_moodle_examples_each_get_the_right_type() -> None:
    questions, problems = read_gift(_read("examples.txt"))
    assert problems == []
    assert "".join(LETTERS[q.type] for q in questions) == EXAMPLE_LETTERS
    lines = {q.line: q.type for q in questions}
    assert lines[115] == "single_choice"  # "~wrong ~%50%half =full": one right answer
    assert lines[123] == "short_answer"  # "=Nazareth =%75%Nazereth =%25%Bethlehem"
    assert lines[130] == "multiple_choice"  # "~%50%Grant ~%50%Grant's wife": no '='
