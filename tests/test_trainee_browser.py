"""A trainee in the browser: fetch a module, answer by clicking, submit; the trainer grades it.

Slow: a real JupyterLab in the trainee's workspace (Vietnamese UI, nbgrader's assignment list),
driven by Debian's Chromium; collect and autograde are the real nbgrader commands.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from hoctap import course
from hoctap.db import open_database
from hoctap.exercises import ANSWERS_FILE
from hoctap.roster import import_roster
from hoctap.settings import Settings

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
        page.goto(lab.lab_url(), wait_until="domcontentloaded")
        menubar = page.locator("#jp-menu-panel")
        menubar.get_by_text("Tệp", exact=True).wait_for(timeout=90_000)  # the Vietnamese UI

        # Nbgrader → Assignment List → Fetch the released module.
        menubar.get_by_text("Nbgrader", exact=True).click()
        page.locator(".lm-Menu").get_by_text("Assignment List", exact=True).click()
        assignments = page.locator("#nbgrader-assignment-list")
        assignments.get_by_role("button", name="Fetch", exact=True).click(timeout=60_000)
        notebook_link = assignments.get_by_text(MODULE, exact=True).last
        notebook_link.wait_for(timeout=60_000)

        # Open the notebook from the file browser and run every cell.
        page.goto(lab.lab_url(f"/lab/tree/{MODULE}/{MODULE}.ipynb"), wait_until="domcontentloaded")
        # "Run All Cells" before the kernel is up does nothing: wait for it, as a person would.
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
        menubar = page.locator("#jp-menu-panel")
        menubar.get_by_text("Chạy", exact=True).click(timeout=90_000)
        # The language pack leaves "Run All Cells" untranslated; accept either.
        page.locator(".lm-Menu").get_by_text(
            re.compile(r"^(Run All Cells|Chạy tất cả các ô)$")
        ).click()

        # Answer the first knowledge check by clicking: no Python.
        page.get_by_label(RIGHT_ANSWER, exact=True).check(timeout=120_000)
        page.get_by_text(f"Đã lưu lựa chọn: {RIGHT_ANSWER}").wait_for(timeout=30_000)
        # "Sở Tài chính" is also an option of question 7: question 9 is the last one.
        page.get_by_label(LAST_ANSWER, exact=True).last.check(timeout=30_000)
        page.get_by_text(f"Đã lưu lựa chọn: {LAST_ANSWER}").wait_for(timeout=30_000)
        # A failed check reads as one Vietnamese line, not a Python traceback.
        assert page.get_by_text("Chưa đạt: Bạn chưa chọn đáp án cho câu này.").count() >= 1
        assert page.get_by_text("Traceback (most recent call last)").count() == 0
        page.keyboard.press("Control+s")
        page.screenshot(path="/tmp/trainee-notebook.png")

        # Back to the assignment list and submit.
        page.goto(lab.lab_url(), wait_until="domcontentloaded")
        menubar = page.locator("#jp-menu-panel")
        menubar.get_by_text("Nbgrader", exact=True).click(timeout=90_000)
        page.locator(".lm-Menu").get_by_text("Assignment List", exact=True).click()
        assignments = page.locator("#nbgrader-assignment-list")
        assignments.get_by_role("button", name="Submit", exact=True).first.click(timeout=60_000)
        assignments.locator("#submitted_assignments_list").get_by_text(MODULE).first.wait_for(
            timeout=60_000
        )

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
