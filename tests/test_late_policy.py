"""Late submissions follow grading/policy.yaml: nbgrader's autograde applies hoctap's penalty."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hoctap.grading import course
from hoctap.grading.policy import load_policy
from hoctap.kit.exercises import ANSWERS_FILE
from hoctap.people.units import open_province_database
from hoctap.settings import Settings
from tests.support.modules import read_module

pytestmark = pytest.mark.slow

MODULE = "hp1-chu-truong-chinh-sach"


def test_a_late_submission_loses_the_policy_share(home: Path, sqlite_gradebook: Path) -> None:
    (home / "course").mkdir(parents=True)
    shutil.copyfile(sqlite_gradebook, home / "course" / "gradebook.db")
    settings = Settings.from_env()
    open_province_database(settings).close()
    course.release(settings, MODULE)
    # The module fell due two and a half days ago: three started days late.
    with course.gradebook_of(settings) as gradebook:
        due = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=2, hours=12)
        gradebook.update_or_create_assignment(MODULE, duedate=due)
    spec = read_module(MODULE)
    choices = {k: v for k, v in spec.answers.items() if isinstance(v, int)}
    for student in ("hv-late",):
        folder = course.fetch(settings, MODULE, student)
        (folder / ANSWERS_FILE).write_text(json.dumps(choices), encoding="utf-8")
        course.submit(settings, MODULE, student)
    course.collect(settings, MODULE)
    graded = subprocess.run(
        [sys.executable, "-m", "hoctap", "grade", MODULE], capture_output=True, text=True
    )
    assert graded.returncode == 0, graded.stderr
    assert "Đã chấm 1 bài, 0 bài lỗi, 1 bài nộp muộn" in graded.stdout
    assert "(không có trong danh sách)" in graded.stdout  # hv-late is not in the roster
    earned = float(len(choices))  # one point per knowledge check
    late = load_policy().late
    expected_penalty = late.penalty(earned, (2 * 24 + 12) * 3600)
    assert expected_penalty == pytest.approx(earned * 0.3)  # 10% per day, three days
    with course.gradebook_of(settings) as gradebook:
        submission = gradebook.find_submission(MODULE, "hv-late")
        assert submission.total_seconds_late > 2 * 86400
        assert submission.score == pytest.approx(earned)  # nbgrader keeps the penalty apart
        assert submission.late_submission_penalty == pytest.approx(expected_penalty)
    [record] = [r for r in course.status(settings, MODULE) if r.code == "hv-late"]
    assert record.score == pytest.approx(earned - expected_penalty)
