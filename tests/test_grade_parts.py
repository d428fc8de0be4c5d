"""The parts of ``hoctap grade`` that need no kernel: what to preload, the log, the summary."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from hoctap.grading.batch import GradeRun, Outcome
from hoctap.grading.pipeline import _records
from hoctap.grading.submissions import GradeLog, Submission, imported_modules
from hoctap.grading.summary import summarize


def test_preloads_installed_modules_the_source_imports(tmp_path: Path) -> None:
    v4 = nbformat.v4
    cells = [
        v4.new_code_cell("%matplotlib inline\nimport pandas as pd\nimport os.path"),
        v4.new_code_cell("from numpy import array\nfrom . import helpers"),
        v4.new_code_cell("import khong_co_goi_nay"),
        v4.new_code_cell("def f(:\n    pass"),  # a cell that does not parse is skipped
        v4.new_markdown_cell("import sqlite3"),
        v4.new_code_cell("def g():\n    import json  # not at the top level: loaded on use"),
    ]
    nbformat.write(v4.new_notebook(cells=cells), tmp_path / "a.ipynb")
    assert imported_modules([tmp_path / "a.ipynb"]) == ["numpy", "os", "pandas"]


class _FakeCourse:
    def __init__(self, root: Path) -> None:
        self.root = root


def test_grade_log_survives_a_line_cut_short(tmp_path: Path) -> None:
    log = GradeLog(_FakeCourse(tmp_path))  # type: ignore[arg-type]
    first = Submission("hv1", "ps1", (), "d1")
    log.add(first, 3.0)
    log.add(Submission("hv2", "ps1", (), "d2"), 1.0)
    log.add(Submission("hv1", "ps1", (), "d3"), 5.0)
    log.started(Submission("hv2", "ps1", (), "d2"))  # regrading hv2 began, never ended
    with log.path.open("a", encoding="utf-8") as out:
        out.write('{"assignment": "ps1", "student": "hv3", "dig')  # killed mid-write
    assert log.graded() == {("ps1", "hv1"): "d3", ("ps1", "hv2"): None}
    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["score"] == 3.0


def test_only_gradebook_writers_wait_for_the_lock() -> None:
    from nbgrader.converters import Autograde

    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    names = [step.__name__ for step in steps if not _records(step)]
    assert names[:4] == ["Execute", "IgnorePattern", "ClearMetadataPreprocessor", "LimitOutput"]
    assert [s.__name__ for s in steps if _records(s)] == ["SaveAutoGrades", "AssignLatePenalties"]


def test_summary_in_vietnamese_with_units() -> None:
    run = GradeRun(
        outcomes=[
            Outcome("hv1", "hp1", "graded", score=8, max_score=10),
            Outcome("hv2", "hp1", "graded", score=5, max_score=10, seconds_late=3600, penalty=1),
            Outcome("hv3", "hp1", "failed", reason="Kernel dừng bất thường (mã -9)."),
            Outcome("hv4", "hp1", "unchanged"),
        ],
        seconds=12.25,
        scores={"hv1": (8.0, 10.0, False), "hv2": (4.0, 10.0, True), "hv4": (10.0, 10.0, False)},
    )
    units = {"hv1": ("X01", "Xã Hưng Đạo"), "hv2": ("X01", "Xã Hưng Đạo")}
    summary = summarize(run, "hp1", units)
    assert summary.lines[0] == (
        "Đã chấm 2 bài, 1 bài lỗi, 1 bài nộp muộn, 1 bài không đổi từ lần chấm trước (12,2 giây)."
    )
    assert summary.lines[1].startswith("Điểm trung bình hp1: 73,3% (3 bài")
    assert summary.by_unit == [
        {"Mã đơn vị": "", "Đơn vị": "(không có trong danh sách)", "Số bài đã chấm": 1,
         "Điểm trung bình (%)": 100.0, "Nộp muộn": 0},
        {"Mã đơn vị": "X01", "Đơn vị": "Xã Hưng Đạo", "Số bài đã chấm": 2,
         "Điểm trung bình (%)": 60.0, "Nộp muộn": 1},
    ]  # fmt: skip
    assert summary.failures == ["hv3: Kernel dừng bất thường (mã -9)."]
    assert summarize(run, "hp1").by_unit == []  # another nbgrader course: no units


def test_zygote_refuses_to_fork_after_an_import_starts_a_thread(tmp_path: Path) -> None:
    import os

    from hoctap.grading.kernels import Zygote

    (tmp_path / "starts_thread.py").write_text(
        "import threading, time\n"
        "threading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    quiet = Zygote(env, tmp_path)
    try:
        assert quiet.preload(["json", "khong_co_goi_nay"])  # missing modules are left out
    finally:
        quiet.close()
    threaded = Zygote(env, tmp_path)
    try:
        assert not threaded.preload(["starts_thread"])
    finally:
        threaded.close()
