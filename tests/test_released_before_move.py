"""Modules released before the notebooks' kit moved to ``hoctap.kit`` still run.

Trainees keep the copies they fetched: hp4 (charts) and hp5 (sms) released by ``hoctap course
release`` at 0.1.0 import ``hoctap.exercises``, ``hoctap.writing``, ``hoctap.sms`` and
``hoctap.charts`` (tests/data/released-0.1/README.md). Slow: a real kernel runs each one, answered
in full as a trainee who gets everything right, and no cell may fail.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from hoctap.kit.exercises import ANSWERS_FILE
from tests.support.modules import nbgrader_meta, read_module

pytestmark = pytest.mark.slow

RELEASED = Path(__file__).parent / "data" / "released-0.1"
OLD_PATHS = ("hoctap.exercises", "hoctap.writing", "hoctap.sms", "hoctap.charts")


@pytest.mark.parametrize("module", ["hp4-du-lieu-infographic", "hp5-mang-xa-hoi"])
def test_a_module_released_before_the_move_runs_answered_in_full(
    module: str, tmp_path: Path
) -> None:
    folder = tmp_path / module
    shutil.copytree(RELEASED / module, folder)
    notebook = nbformat.read(folder / f"{module}.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells)
    old = {m for m in OLD_PATHS if re.search(rf"\bfrom {re.escape(m)} import", text)}
    assert old, "the fixture should use the kit's old paths"
    assert "hoctap.kit" not in text

    spec = read_module(module)
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            cell.source = spec.solutions[meta["grade_id"]]
    (folder / ANSWERS_FILE).write_text(json.dumps(spec.answers, ensure_ascii=False), "utf-8")

    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(folder)}}).execute()
    errors = [
        f"{output.ename}: {output.evalue}"
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert errors == []
    graded = [c for c in notebook.cells if nbgrader_meta(c).get("grade") and c.cell_type == "code"]
    assert graded and all(c.get("execution_count") for c in graded)
