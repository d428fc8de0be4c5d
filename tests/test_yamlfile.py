"""The one way YAML files a province edits report a problem: file, line, key, what to do."""

from __future__ import annotations

import pytest
import yaml

from hoctap.awards.criteria import parse_criteria
from hoctap.contest.definition import parse_contest
from hoctap.errors import HoctapError
from hoctap.io.yamlfile import Problems, line_of, load_yaml

TEXT = """\
title: Thi thử
groups:
  - key: a
    indicators:
      - key: x
        rule: {yes_no: 10}
      - key: y
        rule:
          steps: [[50, 5]]
"""


@pytest.mark.parametrize(
    ("key", "line"),
    [
        ("title", 1),
        ("groups", 2),
        ("groups[1]", 3),
        ("groups[1].indicators[2]", 7),
        ("groups[1].indicators[2].rule", 8),
        ("groups[1].indicators[2].rule.steps", 9),
        ("groups[1].indicators[9]", 4),  # no such item: the nearest line that is written
        ("nothing", None),
    ],
)
def test_a_key_path_points_at_its_line(key: str, line: int | None) -> None:
    assert line_of(yaml.compose(TEXT), key) == line


def test_problems_list_every_key_with_its_line_and_the_fix() -> None:
    problems = Problems("Tệp thử.yaml", TEXT, "Sửa tệp.")
    assert not problems
    problems.add("groups[1].indicators[1].rule", "sai kiểu")
    problems.add("levels", "thiếu")
    with pytest.raises(HoctapError) as raised:
        problems.raise_if_any()
    assert raised.value.message == (
        "Tệp thử.yaml có 2 lỗi: dòng 6, groups[1].indicators[1].rule: sai kiểu; levels: thiếu."
    )
    assert raised.value.hint == "Sửa tệp."


def test_a_syntax_error_names_the_file_and_the_line() -> None:
    with pytest.raises(HoctapError, match=r"^a\.yaml viết sai cú pháp YAML ở dòng 2 \(") as raised:
        load_yaml("title: x\n  bad: : :\n", "a.yaml")
    assert "thụt lề" in raised.value.hint


def test_contest_definitions_and_criteria_say_where_the_mistake_is() -> None:
    with pytest.raises(HoctapError, match=r"dòng 3, colour: khóa không dùng được"):
        parse_contest("title: Thi\nbank: ngan-hang\ncolour: đỏ\n", "thi", None)
    criteria = "groups:\n  - key: g\n    name: G\n    points: 100\n    indicators: [1]\n"
    with pytest.raises(HoctapError, match=r"dòng 5, groups\[1\]\.indicators\[1\]: mỗi chỉ số"):
        parse_criteria(criteria)
