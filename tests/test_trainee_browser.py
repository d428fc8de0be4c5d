"""A trainee in the browser: fetch a module, answer by clicking, submit; the trainer grades it.

Slow: a real JupyterLab in the trainee's workspace (Vietnamese UI, nbgrader's assignment list),
driven by Debian's Chromium; collect and autograde are the real nbgrader commands.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hoctap import course
from hoctap.db import open_database
from hoctap.exercises import ANSWERS_FILE
from hoctap.roster import import_roster
from hoctap.settings import Settings

from . import labsteps
from .conftest import write_xlsx
from .platform import chromium, running

pytestmark = [pytest.mark.slow, pytest.mark.browser]

MODULE = "hp1-chu-truong-chinh-sach"
RIGHT_ANSWER = "Quyết định số 1373/QĐ-TTg ngày 30/7/2021"  # question 1
LAST_ANSWER = "Sở Tài chính"  # question 9, near the end: "Run All Cells" went past the checks


def test_trainee_answers_by_clicking_submits_and_is_graded(
    home: Path, sqlite_gradebook: Path, tmp_path: Path
) -> None:
    (home / "course").mkdir(parents=True)
    shutil.copyfile(sqlite_gradebook, home / "course" / "gradebook.db")
    settings = Settings.from_env()
    db = open_database(settings)
    import_roster(
        db, write_xlsx(tmp_path / "hv.xlsx", [["Nguyễn Văn An", "Xã Hưng Đạo", "", "", "", "", ""]])
    )
    db.close()
    trainee = "annv-01351"
    course.release(settings, MODULE)

    with running(home, "--no-voila", "--trainee", trainee) as lab, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        labsteps.fetch(page, lab.lab_url, MODULE)
        labsteps.open_and_run_all(page, lab.lab_url, MODULE)
        # Answer by clicking: no Python.
        labsteps.choose(page, RIGHT_ANSWER)
        # "Sở Tài chính" is also an option of question 7: question 9 is the last one.
        labsteps.choose(page, LAST_ANSWER, nth=1)
        # A failed check reads as one Vietnamese line, not a Python traceback.
        assert page.get_by_text("Chưa đạt: Bạn chưa chọn đáp án cho câu này.").count() >= 1
        assert page.get_by_text("Traceback (most recent call last)").count() == 0
        page.keyboard.press("Control+s")
        page.screenshot(path="/tmp/trainee-notebook.png")
        labsteps.submit(page, lab.lab_url, MODULE)

    workspace = home / "trainees" / trainee / MODULE
    assert json.loads((workspace / ANSWERS_FILE).read_text(encoding="utf-8")) == {"q1": 1, "q9": 2}
    assert course.collect(settings, MODULE) == [trainee]
    course.autograde(settings, MODULE)
    with course.gradebook_of(settings) as gradebook:
        submission = gradebook.find_submission(MODULE, trainee)
        assert submission.score == 2.0  # the two questions answered, and nothing else
    records = {r["Mã học viên"]: r for r in course.status(settings, MODULE)}
    assert records[trainee]["Đơn vị"] == "Xã Hưng Đạo"
    assert (
        records[trainee]["Đã tải bài"]
        and records[trainee]["Đã nộp"]
        and records[trainee]["Đã chấm"]
    )
