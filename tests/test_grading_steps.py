"""hoctap's steps in nbgrader's pipelines, on small notebooks: keys removed, feedback cleaned."""

from __future__ import annotations

from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from hoctap.errors import HoctapError
from hoctap.grading.policy import LatePenalty, parse_policy
from hoctap.grading.preprocessors import ClearAnswerKeys, SimplifyTestErrors


def meta(grade: bool, solution: bool = False) -> dict[str, object]:
    return {
        "nbgrader": {
            "grade": grade,
            "solution": solution,
            "locked": True,
            "grade_id": "x",
            "points": 1,
            "schema_version": 3,
        }
    }


def test_answer_key_regions_disappear_without_a_stub() -> None:
    cell = new_code_cell(
        "q1 = choice('q1', '?', ['A', 'B'])\n### BEGIN ANSWER KEY\nq1.select(1)\n### END ANSWER KEY"
    )
    notebook, _ = ClearAnswerKeys().preprocess(new_notebook(cells=[cell]), {})
    assert notebook.cells[0].source == "q1 = choice('q1', '?', ['A', 'B'])"


@pytest.mark.parametrize(
    "source",
    [
        "### BEGIN ANSWER KEY\nx\n",
        "### END ANSWER KEY\n",
        "### BEGIN ANSWER KEY\n### BEGIN ANSWER KEY\n",
    ],
)
def test_broken_answer_key_regions_are_refused(source: str) -> None:
    with pytest.raises(RuntimeError):
        ClearAnswerKeys().preprocess(new_notebook(cells=[new_code_cell(source)]), {})


def test_failed_test_cells_show_only_their_message() -> None:
    error = new_output(
        "error",
        ename="FeedbackError",
        evalue="Chưa đúng. Xem lại mục 2.",
        traceback=["check_choice(q1, 2, ...)  # the key"],
    )
    test = new_code_cell("check_choice(q1, 2, '...')", outputs=[error], metadata=meta(grade=True))
    answer = new_code_cell("x = 1", outputs=[error], metadata=meta(grade=True, solution=True))
    notebook, _ = SimplifyTestErrors().preprocess(new_notebook(cells=[test, answer]), {})
    assert notebook.cells[0].outputs == [
        {"output_type": "stream", "name": "stderr", "text": "Chưa đạt: Chưa đúng. Xem lại mục 2.\n"}
    ]
    assert notebook.cells[1].outputs[0]["output_type"] == "error"  # not a test cell: unchanged


@pytest.mark.parametrize(
    ("seconds", "penalty"),
    [(0, 0), (-5, 0), (1, 1.0), (86400, 1.0), (86401, 2.0), (3 * 86400, 3.0), (30 * 86400, 5.0)],
)
def test_late_penalty(seconds: float, penalty: float) -> None:
    assert LatePenalty(percent_per_day=10, max_percent=50).penalty(10.0, seconds) == penalty


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {
                "modules": {"a": {"title": "A"}},
                "late_penalty": {"percent_per_day": 120, "max_percent": 5},
            },
            "percent_per_day",
        ),
        ({"modules": {}, "late_penalty": {"percent_per_day": 1, "max_percent": 5}}, "modules"),
        (
            {"modules": {"a": {}}, "late_penalty": {"percent_per_day": 1, "max_percent": 5}},
            "modules.a",
        ),
        (
            {
                "modules": {"a": {"title": "A", "due": "31/12/2026"}},
                "late_penalty": {"percent_per_day": 1, "max_percent": 5},
            },
            "modules.a.due",
        ),
    ],
)
def test_policy_mistakes_name_the_key(raw: object, message: str) -> None:
    with pytest.raises(HoctapError) as error:
        parse_policy(raw, Path("policy.yaml"))
    assert f"mục '{message}'" in error.value.message


def test_the_shipped_policy_loads_with_every_module() -> None:
    from hoctap.grading.policy import load_policy
    from tests.support.modules import MODULES

    policy = load_policy()
    assert set(MODULES) <= set(policy.modules)
    assert all(m.due is not None and m.due.utcoffset() is not None for m in policy.modules.values())
