"""``hoctap grade``: the same grades as ``nbgrader autograde``, faster, and never a silent zero.

Each test grades real submissions with real kernels, in an nbgrader course that knows nothing
of hoctap (tests/gradecourse.py), and compares gradebooks with what nbgrader itself wrote.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

from hoctap.grading.batch import GradeRun, grade
from hoctap.grading.kernels import Limits
from tests.support import gradecourse as gc
from tests.support.servers import PostgresServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def base_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated course on SQLite, no submissions (made once: nbgrader takes ~10 s)."""
    course = tmp_path_factory.mktemp("grade") / "course"
    gc.generate(course, gc.source_notebook(), timeout=3)
    return course


@pytest.fixture(scope="session")
def pg_base_course(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer
) -> tuple[Path, str]:
    """The same course with its gradebook on PostgreSQL; returns it and the template database."""
    url = postgres_server.create_database()
    course = tmp_path_factory.mktemp("grade-pg") / "course"
    gc.generate(course, gc.source_notebook(), db_url=url, timeout=3)
    return course, url.rsplit("/", 1)[1]


SUBMISSIONS = {"sqlite": 12, "postgresql": 6}


@pytest.fixture(params=["sqlite", "postgresql"])
def two_courses(
    request: pytest.FixtureRequest, base_course: Path, tmp_path: Path
) -> tuple[Path, Path, int]:
    """Two copies of one course with the same submissions: one for nbgrader, one for hoctap;
    and how many submissions."""
    if request.param == "sqlite":
        origin = gc.copy_course(base_course, tmp_path / "origin")
        urls: list[str | None] = [None, None]
    else:
        pg_course, template = request.getfixturevalue("pg_base_course")
        server: PostgresServer = request.getfixturevalue("postgres_server")
        origin = gc.copy_course(pg_course, tmp_path / "origin")
        urls = [server.create_database(template=template) for _ in range(2)]
    # PostgreSQL changes where the grades are written, not how they are computed: six
    # submissions prove the same there as twelve (nbgrader grades them one by one, 2 s each).
    gc.add_submissions(origin, SUBMISSIONS[request.param], loops=1)
    first = gc.copy_course(origin, tmp_path / "nbgrader", urls[0])
    second = gc.copy_course(origin, tmp_path / "hoctap", urls[1])
    return first, second, SUBMISSIONS[request.param]


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _statuses(run: GradeRun) -> dict[str, str]:
    return {o.student: o.status for o in run.outcomes}


def test_same_grades_as_nbgrader(two_courses: tuple[Path, Path, int]) -> None:
    nbgrader_course, hoctap_course, submissions = two_courses
    gc.nbgrader(nbgrader_course, "autograde", gc.ASSIGNMENT)
    run = grade(hoctap_course, gc.ASSIGNMENT, workers=2)

    assert set(_statuses(run).values()) == {"graded"}, [o.reason for o in run.outcomes]
    expected = gc.scores(gc.db_url_of(nbgrader_course))
    assert gc.scores(gc.db_url_of(hoctap_course)) == expected
    assert len(expected) == submissions * (
        1 + 3 + 3
    )  # per submission: totals, 3 grades, 3 comments
    assert _files(hoctap_course / "autograded") == _files(nbgrader_course / "autograded")
    late = [o for o in run.outcomes if o.late]
    assert [o.penalty for o in late] == [o.score for o in late]  # penalty_method = zero


def test_nbgrader_tamper_and_loop_fixtures(tmp_path: Path) -> None:
    """nbgrader's own cheat attempts, changed cells, infinite loop and side effects."""
    origin = tmp_path / "origin"
    gc.fixture_course(origin)
    nbgrader_course = gc.copy_course(origin, tmp_path / "nbgrader")
    hoctap_course = gc.copy_course(origin, tmp_path / "hoctap")
    for assignment, (_, submissions) in gc.FIXTURE_ASSIGNMENTS.items():
        gc.nbgrader(nbgrader_course, "autograde", assignment)
        run = grade(hoctap_course, assignment, workers=2)
        assert _statuses(run) == dict.fromkeys(submissions, "graded"), run.outcomes
    found = gc.scores(gc.db_url_of(hoctap_course))
    assert found == gc.scores(gc.db_url_of(nbgrader_course))
    # What nbgrader's own tests expect of these fixtures (test_showtraceback_exploit, ...):
    assert found["unchanged/tamper"]["score"] == 1
    assert found["cheat/tamper"]["score"] == 1
    assert found["cheat2/tamper"]["score"] == 1
    assert found["env/envvar"]["score"] == 0
    assert (hoctap_course / "autograded/effects/effects/side-effect.txt").is_file()
    assert not (hoctap_course / "submitted/effects/effects/side-effect.txt").exists()
    # The notebook "half" did not hand in scores 0, every grade of it, as in nbgrader.
    missing = {
        k: v for k, v in found.items() if k.startswith("half/multi/p2/") and "comment" not in k
    }
    assert missing and all(v[0] == 0 and v[2] is False for v in missing.values())
    assert found["half/multi"]["score"] < found["both/multi"]["score"]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hoctap", "grade", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_a_dead_kernel_is_a_reported_failure_not_a_zero(base_course: Path, tmp_path: Path) -> None:
    origin = gc.copy_course(base_course, tmp_path / "origin")
    killer = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    gc.submit(origin, "hv-chet", gc.with_words_cell(origin, killer))
    gc.submit(origin, "hv-dung", gc.submission(origin, "correct"))
    nbgrader_course = gc.copy_course(origin, tmp_path / "nbgrader")
    hoctap_course = gc.copy_course(origin, tmp_path / "hoctap")

    # nbgrader #174: the student is in the gradebook with 0 points and the run "succeeds".
    gc.nbgrader(nbgrader_course, "autograde", gc.ASSIGNMENT, check=False)
    silent = gc.scores(gc.db_url_of(nbgrader_course))
    assert silent["hv-chet/ps1"]["score"] == 0

    result = _cli(gc.ASSIGNMENT, "--course-dir", str(hoctap_course))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "hv-chet: Kernel dừng bất thường" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Đã chấm 1 bài, 1 bài lỗi" in result.stdout
    found = gc.scores(gc.db_url_of(hoctap_course))
    assert "hv-chet/ps1" not in found  # no grade at all rather than a false 0
    assert found["hv-dung/ps1"]["score"] == 5
    assert not (hoctap_course / "autograded" / "hv-chet").exists() or not any(
        (hoctap_course / "autograded" / "hv-chet").rglob("*.ipynb")
    )
    assert "hv-chet" not in _graded_in_log(hoctap_course)

    again = _cli(gc.ASSIGNMENT, "--course-dir", str(hoctap_course))
    assert again.returncode == 1
    assert "1 bài đã chấm và không đổi" in again.stderr  # only the failed one is tried again

    # A resubmission that cannot be graded: the earlier grade stays, and the trainer is told.
    gc.submit(hoctap_course, "hv-dung", gc.with_words_cell(hoctap_course, killer), gc.LATE)
    third = _cli(gc.ASSIGNMENT, "--course-dir", str(hoctap_course))
    assert third.returncode == 1
    assert "Sổ điểm vẫn giữ điểm của lần nộp trước" in third.stderr
    assert gc.scores(gc.db_url_of(hoctap_course))["hv-dung/ps1"]["score"] == 5


def test_a_kernel_that_dies_once_is_retried(
    base_course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = gc.copy_course(base_course, tmp_path / "course")
    marker = tmp_path / "died-once"
    monkeypatch.setenv("HOCTAP_TEST_MARKER", str(marker))
    code = (
        "import os, pathlib, signal\n"
        "marker = pathlib.Path(os.environ['HOCTAP_TEST_MARKER'])\n"
        "if not marker.exists():\n"
        "    marker.touch()\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "def count_words(text):\n"
        "    return len(text.split())"
    )
    gc.submit(course, "hv-mot-lan", gc.with_words_cell(course, code))
    run = grade(course, gc.ASSIGNMENT, workers=1)
    (outcome,) = run.outcomes
    assert (outcome.status, outcome.attempts, outcome.score) == ("graded", 2, 5)


def _graded_in_log(course: Path) -> list[str]:
    """Students with a "graded" line in the course's grade log."""
    log = course / ".hoctap" / "grade-log.jsonl"
    if not log.is_file():
        return []
    entries = []
    for line in log.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError):  # the last line of a killed run may be cut short
            entries.append(json.loads(line))
    return [e["student"] for e in entries if e.get("digest")]


def _zygotes() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"hoctap.grading.zygote" in cmdline:
                found.append(int(entry.name))
    return found


def _wait(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def test_killed_half_way_then_rerun_loses_nothing(base_course: Path, tmp_path: Path) -> None:
    origin = gc.copy_course(base_course, tmp_path / "origin")
    for i in range(8):
        gc.submit(origin, f"hv{i}", gc.submission(origin, gc.KINDS[i % 4]))
    reference = gc.copy_course(origin, tmp_path / "reference")
    course = gc.copy_course(origin, tmp_path / "course")
    grade(reference, gc.ASSIGNMENT, workers=2)

    process = subprocess.Popen(
        [sys.executable, "-m", "hoctap", "grade", gc.ASSIGNMENT, "--course-dir", str(course),
         "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert _wait(lambda: len(_graded_in_log(course)) >= 3, 120), "grading did not start"
    process.send_signal(signal.SIGKILL)
    process.wait()
    done_before = len(_graded_in_log(course))
    assert done_before < 8
    assert _wait(lambda: not _zygotes(), 10), "kernels outlived a killed grader"

    result = _cli(gc.ASSIGNMENT, "--course-dir", str(course))
    assert result.returncode == 0, result.stderr
    assert f"{done_before} bài đã chấm và không đổi" in result.stderr
    assert gc.scores(gc.db_url_of(course)) == gc.scores(gc.db_url_of(reference))
    assert _files(course / "autograded") == _files(reference / "autograded")


def test_rerun_regrades_only_changed_submissions(base_course: Path, tmp_path: Path) -> None:
    course = gc.copy_course(base_course, tmp_path / "course")
    for i in range(4):
        gc.submit(course, f"hv{i}", gc.submission(course, "wrong"))
    first = grade(course, gc.ASSIGNMENT, workers=2)
    assert {o.score for o in first.outcomes} == {0}

    gc.submit(course, "hv2", gc.submission(course, "correct"), when=gc.LATE.replace("08:", "09:"))
    counts: list[tuple[int, int]] = []
    second = grade(course, gc.ASSIGNMENT, on_start=lambda todo, fresh: counts.append((todo, fresh)))
    assert counts == [(1, 3)]
    assert _statuses(second) == {"hv0": "unchanged", "hv1": "unchanged", "hv2": "graded",
                                 "hv3": "unchanged"}  # fmt: skip
    assert second.scores["hv2"] == (0.0, 7.0, True)  # correct, but late: penalty "zero"

    forced = grade(course, gc.ASSIGNMENT, force=True)
    assert set(_statuses(forced).values()) == {"graded"}


def test_limits_stop_runaway_code(base_course: Path, tmp_path: Path) -> None:
    course = gc.copy_course(base_course, tmp_path / "course")
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write("c.Execute.timeout = 60\n")  # the limits, not the cell timeout, must act
    gc.submit(course, "hv-cpu", gc.with_words_cell(course, "x = 0\nwhile True:\n    x += 1"))
    gc.submit(course, "hv-wall", gc.with_words_cell(course, "import time\ntime.sleep(30)"))
    big = "big = bytearray(3 * 1024 ** 3)\ndef count_words(text):\n    return len(text.split())"
    gc.submit(course, "hv-ram", gc.with_words_cell(course, big))

    limits = Limits(wall_seconds=60, cpu_seconds=1, memory_mb=1024)
    run = grade(course, gc.ASSIGNMENT, students=["hv-cpu", "hv-ram"], workers=2, limits=limits)
    by_student = {o.student: o for o in run.outcomes}
    assert by_student["hv-cpu"].status == "failed"
    assert "giây CPU" in by_student["hv-cpu"].reason
    # Running out of memory is the trainee's error in that cell: the rest is graded.
    assert by_student["hv-ram"].status == "graded", by_student["hv-ram"].reason
    assert by_student["hv-ram"].score == 3
    executed = nbformat.read(course / "autograded/hv-ram/ps1/bai1.ipynb", as_version=4)
    errors = [o.ename for c in executed.cells for o in c.get("outputs", []) if "ename" in o]
    assert "MemoryError" in errors

    started = time.monotonic()
    (wall,) = grade(
        course, gc.ASSIGNMENT, students=["hv-wall"], limits=Limits(wall_seconds=3)
    ).outcomes
    assert time.monotonic() - started < 25  # stopped by the limit, not by the 30 s sleep
    assert wall.status == "failed"
    assert "giới hạn thời gian" in wall.reason
    assert "hv-wall/ps1" not in gc.scores(gc.db_url_of(course))


def test_feedback_has_no_hidden_tests(base_course: Path, tmp_path: Path) -> None:
    course = gc.copy_course(base_course, tmp_path / "course")
    gc.submit(course, "hv0", gc.submission(course, "correct"))
    run = grade(course, gc.ASSIGNMENT)
    autograded = (course / "autograded/hv0/ps1/bai1.ipynb").read_text(encoding="utf-8")
    assert "squares(10)" in autograded  # the hidden test did run
    assert oct((course / "autograded/hv0/ps1/bai1.ipynb").stat().st_mode)[-3:] == "444"
    # nbgrader's default feedback would show hidden tests: the trainer is told how to stop it.
    (warning,) = run.warnings
    assert "ClearHiddenTests" in warning and "SimplifyTestErrors" in warning
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(
            "from nbgrader.preprocessors import GetGrades, ClearHiddenTests\n"
            "from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor\n"
            "c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests,\n"
            "    'hoctap.grading.preprocessors.SimplifyTestErrors', CSSHTMLHeaderPreprocessor]\n"
        )
    assert grade(course, gc.ASSIGNMENT).warnings == []
    gc.nbgrader(course, "generate_feedback", gc.ASSIGNMENT)
    feedback = (course / "feedback/hv0/ps1/bai1.html").read_text(encoding="utf-8")
    assert "count_words" in feedback
    assert "squares(10)" not in feedback
    assert "HIDDEN TESTS" not in feedback


def test_forked_kernel_is_like_a_launched_one(base_course: Path, tmp_path: Path) -> None:
    """What notebook code can observe is the same in a forked kernel and a launched one."""
    probe = (
        "import os, sys, json\n"
        "facts = {'cwd': os.getcwd(), 'path': sys.path, 'argv': len(sys.argv), 'main': __name__,"
        " 'execution': os.environ.get('NBGRADER_EXECUTION'), 'mpl': os.environ.get('MPLBACKEND'),"
        " 'env': sorted(k for k in os.environ if not k.startswith('JPY_')), 'pid': os.getpid()}\n"
        "print(json.dumps(facts))\n"
        "def count_words(text):\n"
        "    return len(text.split())"
    )
    facts = []
    for fork in (True, False):
        course = gc.copy_course(base_course, tmp_path / f"course-{fork}")
        gc.submit(course, "hv0", gc.with_words_cell(course, probe))
        run = grade(course, gc.ASSIGNMENT, fork=fork)
        assert run.outcomes[0].score == 5
        executed = nbformat.read(course / "autograded/hv0/ps1/bai1.ipynb", as_version=4)
        text = next(o.text for c in executed.cells for o in c.get("outputs", []) if "text" in o)
        found = json.loads(text)
        assert found.pop("pid") != os.getpid()
        found["cwd"] = found["cwd"].replace(str(course), "COURSE")
        found["path"] = [p.replace(str(course), "COURSE") for p in found["path"]]
        facts.append(found)
    assert facts[0] == facts[1]
    assert facts[0]["execution"] == "autograde"
