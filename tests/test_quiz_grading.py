"""Grading bank questions: one rule per type, and a whole contest graded column by column."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pandas as pd
import pytest

from hoctap.contest.grading import answer_fraction, grade_answers, total_points
from hoctap.quiz.model import Answer, Question
from hoctap.quiz.yamlbank import read_yaml

BANK = """
questions:
  - name: single
    type: single_choice
    text: Đề án được phê duyệt bằng văn bản nào?
    answers:
      - {text: Quyết định số 1373/QĐ-TTg, correct: true}
      - Quyết định số 1307/QĐ-BTTTT
  - name: multi
    type: multiple_choice
    text: Những sự kiện nào diễn ra hằng năm?
    points: 2
    answers:
      - {text: Tuần lễ học tập suốt đời, fraction: 0.5}
      - {text: Ngày Sách và Văn hóa đọc Việt Nam, fraction: 0.5}
      - {text: Tết Nguyên đán, fraction: -0.5}
  - name: tf
    type: true_false
    text: Đơn vị học tập được chấm trên thang 100 điểm.
    answer: true
  - name: short
    type: short_answer
    text: Số hiệu quyết định phê duyệt Đề án?
    answers: ["1373/QĐ-TTg", {text: "1373", fraction: 0.5}]
  - name: short_accents
    type: short_answer
    text: Tỉnh nào?
    ignore_accents: true
    ignore_spaces: true
    answers: [Cao Bằng]
  - name: number
    type: numeric
    text: Đề án đến năm nào?
    answers: [{value: 2030, tolerance: 0, correct: true}, {min: 2025, max: 2035, fraction: 0.5}]
  - name: pairs
    type: matching
    text: Ghép văn bản với nội dung.
    answers:
      - {left: QĐ 1373/QĐ-TTg, right: Phê duyệt Đề án}
      - {left: QĐ 1307/QĐ-BTTTT, right: Kế hoạch truyền thông}
      - {right: Không liên quan}
  - name: essay
    type: essay
    text: Viết một đoạn tin ngắn.
  - name: guess
    type: prediction
    text: Có bao nhiêu người tham gia?
"""
QUESTIONS, PROBLEMS, _ = read_yaml(BANK)
BY_NAME = {q.name: q for q in QUESTIONS}

CASES = [
    ("single", "Quyết định số 1373/QĐ-TTg", 1.0),
    ("single", "quyết định số 1373/qđ-ttg ", 1.0),
    ("single", "Quyết định số 1307/QĐ-BTTTT", 0.0),
    ("single", "", 0.0),
    ("multi", "Tuần lễ học tập suốt đời; Ngày Sách và Văn hóa đọc Việt Nam", 1.0),
    ("multi", "Tuần lễ học tập suốt đời", 0.5),
    ("multi", "Tuần lễ học tập suốt đời; Tết Nguyên đán", 0.0),
    ("multi", "Tết Nguyên đán", 0.0),  # a penalty never takes the total below 0
    ("tf", "Đúng", 1.0),
    ("tf", "dung", 1.0),
    ("tf", "Sai", 0.0),
    ("tf", "có lẽ", 0.0),
    ("short", "1373/qđ-ttg", 1.0),  # case ignored by default
    ("short", "1373", 0.5),
    ("short", "1373/QD-TTg", 0.0),  # diacritics count unless the question says not
    ("short_accents", "cao bang", 1.0),
    ("short_accents", "CaoBằng", 1.0),
    ("number", "2030", 1.0),
    ("number", "2.030", 1.0),  # a thousands dot
    ("number", "2030,0", 1.0),  # a decimal comma
    ("number", "2031", 0.5),
    ("number", "năm 2030", 0.0),
    ("pairs", "QĐ 1373/QĐ-TTg -> Phê duyệt Đề án; QĐ 1307/QĐ-BTTTT -> Kế hoạch truyền thông", 1.0),
    ("pairs", "QĐ 1373/QĐ-TTg -> Phê duyệt Đề án; QĐ 1307/QĐ-BTTTT -> Không liên quan", 0.5),
]


@pytest.mark.parametrize("name, response, fraction", CASES)
def test_each_type_s_rule(name: str, response: str, fraction: float) -> None:
    assert PROBLEMS == []
    assert answer_fraction(BY_NAME[name], response) == pytest.approx(fraction)


@pytest.mark.parametrize("name", ["essay", "guess"])
def test_essays_and_predictions_are_not_auto_graded(name: str) -> None:
    assert math.isnan(answer_fraction(BY_NAME[name], "anything"))


def test_a_whole_contest_is_graded_as_each_attempt_would_be() -> None:
    rng = random.Random(5)
    responses = {name: [r for n, r, _ in CASES if n == name] + [""] for name in BY_NAME}
    rows = [{name: rng.choice(options) for name, options in responses.items()} for _ in range(3000)]
    answers = pd.DataFrame(rows)
    graded = grade_answers(QUESTIONS, answers)
    for index in rng.sample(range(len(rows)), 200):
        expected = 0.0
        full = 0
        for question in QUESTIONS:
            fraction = answer_fraction(question, rows[index][question.name])
            if math.isnan(fraction):
                assert math.isnan(graded.at[index, question.name])
                continue
            expected += fraction * question.points
            full += fraction >= 1
        assert graded.at[index, "score"] == pytest.approx(expected)
        assert graded.at[index, "correct"] == full
    assert total_points(QUESTIONS) == 8.0  # essay and prediction do not count


def test_a_missing_answer_column_is_named() -> None:
    with pytest.raises(ValueError, match="single"):
        grade_answers(QUESTIONS, pd.DataFrame({"multi": ["x"]}))


def test_any_other_number_earns_only_its_own_fraction() -> None:
    question = Question(
        "numeric", "Năm?", answers=[Answer(value=2030, fraction=1.0), Answer(feedback="Chưa đúng")]
    )
    assert answer_fraction(question, "1999") == 0.0


def test_weights_that_do_not_divide_evenly_still_make_full_marks() -> None:
    from hoctap.quiz.gift import read_gift

    questions, _ = read_gift("::w:: Chọn ba? {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    question = replace(questions[0], name="w")
    assert answer_fraction(question, "a; b; c") == 1.0
    graded = grade_answers([question], pd.DataFrame({"w": ["a;b;c", "a;b", pd.NA]}))
    assert graded["correct"].tolist() == [1, 0, 0]
    assert graded["w"].iloc[2] == 0.0  # a missing answer is a blank one
