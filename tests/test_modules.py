"""Every training module end to end: validate, release, fetch, submit, collect, autograde, feedback.

Slow: real nbgrader commands and kernels. Golden submissions per module: full marks, partial,
empty, and an empty one whose locked test cells were edited to pass (nbgrader restores them).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hoctap.grading import course
from hoctap.kit.exercises import ANSWERS_FILE
from hoctap.people.units import open_province_database
from hoctap.settings import Settings
from tests.support.modules import (
    COURSES,
    MODULES,
    ModuleSpec,
    load,
    nbgrader_meta,
    read_module,
    source,
)

pytestmark = pytest.mark.slow

KINDS = ("full", "partial", "empty", "tamper")


def validate(paths: list[Path], invert: bool = False) -> dict[Path, str]:
    """``nbgrader validate`` of several notebooks in one process (each in its own folder, as
    nbgrader runs them); returns each notebook's part of the output."""
    argv = [sys.executable, "-m", "nbgrader", "validate", *map(str, paths)]
    result = subprocess.run(
        argv + (["--invert"] if invert else []),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )
    parts = re.split(r"^\[ValidateApp \| INFO\] Validating '(.+)'$", result.stdout, flags=re.M)
    found = {Path(n).resolve(): text for n, text in zip(parts[1::2], parts[2::2], strict=True)}
    missing = f"nbgrader reported on {sorted(map(str, found))}, not on this notebook"
    return {path: found.get(path.resolve(), missing) for path in paths}


@dataclass
class Graded:
    spec: ModuleSpec
    settings: Settings
    scores: dict[str, tuple[float, float, bool]]
    """Student -> (score, max score, needs manual grading)."""
    release: Path
    feedback: dict[str, str]


def student(kind: str) -> str:
    return f"hv-{kind}"


def make_submission(folder: Path, spec: ModuleSpec, kind: str) -> None:
    """Answer the fetched module as a trainee of the given kind would."""
    notebook_path = folder / f"{spec.id}.ipynb"
    notebook = load(notebook_path)
    answers: dict[str, object] = {}
    if kind in ("full", "partial"):
        answers = dict(spec.answers)
    if kind == "partial":
        choices = [k for k, v in spec.answers.items() if isinstance(v, int)]
        for key in (
            choices[: len(choices) // 2]
            + [k for k, v in spec.answers.items() if isinstance(v, str)][:1]
        ):
            answers.pop(key)
    for cell in notebook["cells"]:
        meta = nbgrader_meta(cell)
        if kind in ("full", "partial") and meta.get("solution"):
            if cell["cell_type"] == "code":
                cell["source"] = spec.solutions[meta["grade_id"]]
            else:
                cell["source"] = (
                    "Bài viết của học viên: ba việc cụ thể, có thời gian và người phụ trách."
                )
        if kind == "tamper" and meta.get("grade") and not meta.get("solution"):
            cell["source"] = "pass  # học viên sửa ô kiểm tra cho qua"
    notebook_path.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    if answers:
        (folder / ANSWERS_FILE).write_text(
            json.dumps(answers, ensure_ascii=False), encoding="utf-8"
        )


def expected_auto_score(spec: ModuleSpec, kind: str) -> float:
    if kind == "full":
        return spec.auto_points
    if kind == "partial":
        choices = [k for k, v in spec.answers.items() if isinstance(v, int)]
        removed = set(choices[: len(choices) // 2])
        removed |= set([k for k, v in spec.answers.items() if isinstance(v, str)][:1])
        return spec.auto_points - spec.points_depending_on(removed)
    return 0.0


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory, sqlite_gradebook: Path) -> Settings:
    """One course with every module released by one nbgrader process, as ``hoctap demo`` and a
    trainer releasing the year's modules do (one process per module cost 3 s each)."""
    home = tmp_path_factory.mktemp("modules") / "home"
    (home / "course").mkdir(parents=True)
    shutil.copyfile(sqlite_gradebook, home / "course" / "gradebook.db")
    settings = Settings.from_env({"HOCTAP_HOME": str(home)})
    open_province_database(settings).close()
    course.release_many(settings, list(MODULES))
    return settings


@pytest.fixture(scope="module", params=MODULES)
def graded(request: pytest.FixtureRequest, released: Settings) -> Iterator[Graded]:
    module: str = request.param
    spec = read_module(module)
    settings = released
    home = settings.home
    for kind in KINDS:
        folder = course.fetch(settings, module, student(kind))
        make_submission(folder, spec, kind)
        course.submit(settings, module, student(kind))
    assert course.collect(settings, module) == sorted(student(k) for k in KINDS)
    course.autograde(settings, module)
    from nbgrader.api import Gradebook

    with Gradebook(settings.gradebook_url) as gradebook:
        scores = {}
        for kind in KINDS:
            submission = gradebook.find_submission(module, student(kind))
            scores[kind] = (submission.score, submission.max_score, submission.needs_manual_grade)
    course.feedback(settings, module)
    feedback = {
        kind: next(
            (home / "course" / "feedback" / student(kind) / module).glob("*.html")
        ).read_text(encoding="utf-8")
        for kind in KINDS
    }
    yield Graded(spec, settings, scores, home / "course" / "release" / module, feedback)


@pytest.fixture(scope="module")
def validated(released: Settings) -> dict[Path, str]:
    """Every module's source (which must pass its tests) and released notebook (which must
    fail them), validated by nbgrader: two processes rather than two per module."""
    sources = [COURSES / m / f"{m}.ipynb" for m in MODULES]
    releases = [released.course_dir / "release" / m / f"{m}.ipynb" for m in MODULES]
    return validate(sources) | validate(releases, invert=True)


def test_source_passes_nbgrader_validate(graded: Graded, validated: dict[Path, str]) -> None:
    output = validated[COURSES / graded.spec.id / f"{graded.spec.id}.ipynb"]
    assert "Success! Your notebook passes all the tests." in output, output


def test_released_module_fails_its_tests(graded: Graded, validated: dict[Path, str]) -> None:
    output = validated[graded.release / f"{graded.spec.id}.ipynb"]
    assert "Success! The notebook does not pass any tests." in output, output


def test_released_files_hold_no_answer_key(graded: Graded) -> None:
    released = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in graded.release.rglob("*")
        if p.is_file()
    )
    assert not (graded.release / ANSWERS_FILE).exists()
    for marker in (
        "ANSWER KEY",
        "HIDDEN TESTS",
        "MARK SCHEME",
        "BEGIN SOLUTION",
        ".select(",
        ".set(",
    ):
        assert marker not in released, marker
    assert not re.search(r"check_choice\(\s*\w+\s*,\s*\d", released)
    for text in graded.spec.model_texts + graded.spec.rubric_lines:
        assert text not in released, text[:60]
    assert graded.spec.answers, "a module needs knowledge checks"


@pytest.mark.parametrize("kind", KINDS)
def test_golden_submissions_grade_to_known_scores(graded: Graded, kind: str) -> None:
    score, max_score, needs_manual = graded.scores[kind]
    assert max_score == graded.spec.auto_points + graded.spec.manual_points
    assert score == pytest.approx(expected_auto_score(graded.spec, kind))
    # A written answer waits for the trainer; an untouched one scores 0 on its own.
    assert needs_manual == (kind in ("full", "partial") and graded.spec.manual_points > 0)


def test_feedback_hides_tests_keys_and_rubric(graded: Graded) -> None:
    for kind, html in graded.feedback.items():
        for marker in (
            "HIDDEN TESTS",
            "check_choice(q",
            "MARK SCHEME",
            "Thang điểm",
            ".select(",
            ".set(",
        ):
            assert marker not in html, (kind, marker)
        for text in graded.spec.rubric_lines:
            assert text not in html, (kind, text[:60])
    text = re.sub(r"<[^>]+>", " ", graded.feedback["empty"])
    assert "Bạn chưa chọn đáp án cho câu này." in text
    assert "Chưa đạt:" in text


def test_status_shows_who_did_what(graded: Graded) -> None:
    records = {r.code: r for r in course.status(graded.settings, graded.spec.id)}
    for kind in KINDS:
        record = records[student(kind)]
        assert record.fetched and record.submitted and record.graded
        assert record.has_feedback
    assert records[student("full")].passed == (
        graded.spec.auto_points / (graded.spec.auto_points + graded.spec.manual_points) >= 0.5
    )
    assert not records[student("empty")].passed


def test_module_is_in_the_policy(graded: Graded) -> None:
    assert graded.spec.id in course.module_ids()
    cells = load(COURSES / graded.spec.id / f"{graded.spec.id}.ipynb")["cells"]
    assert any(
        "Nguồn" in source(c) or "mục" in source(c) for c in cells if c["cell_type"] == "markdown"
    )
