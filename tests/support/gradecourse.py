"""A plain nbgrader course (no hoctap configuration) with submissions of every kind.

Used by the grading tests and by benchmarks/bench_grade.py: the same submissions are graded
by ``nbgrader autograde`` and by ``hoctap grade`` and the gradebooks compared cell by cell.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import nbformat

from hoctap.grading import nbgrader_cli

ASSIGNMENT = "ps1"
NOTEBOOK = "bai1"
DUE = "2026-11-20 12:00:00 UTC"
ON_TIME = "2026-11-19 09:30:00.000000 UTC"
LATE = "2026-11-21 08:00:00.000000 UTC"
NBGRADER_FIXTURES = Path(__import__("nbgrader").__file__).parent / "tests" / "apps" / "files"

SOLUTIONS = {
    "squares": "def squares(n):\n    return [i * i for i in range(1, n + 1)]",
    "words": "def count_words(text):\n    return len(text.split())",
}
WRONG = {
    "squares": "def squares(n):\n    return [i * i for i in range(n)]",
    "words": "def count_words(text):\n    return len(text)",
}


def _meta(grade_id: str, **flags: Any) -> dict[str, Any]:
    meta = {"grade": False, "solution": False, "locked": False, "schema_version": 3}
    meta.update(flags, grade_id=grade_id)
    return {"nbgrader": meta}


def source_notebook() -> Any:
    """Two functions to write (auto-graded, with a hidden test) and one written answer."""
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell(
            "# Bài 1\nViết các hàm theo yêu cầu.", metadata=_meta("intro", locked=True)
        ),
        v4.new_code_cell(
            "def squares(n):\n    ### BEGIN SOLUTION\n    return [i * i for i in range(1, n + 1)]\n"
            "    ### END SOLUTION",
            metadata=_meta("squares", solution=True),
        ),
        v4.new_code_cell(
            "assert squares(1) == [1]\nassert squares(3) == [1, 4, 9]\n"
            "### BEGIN HIDDEN TESTS\nassert squares(10)[-1] == 100\n### END HIDDEN TESTS",
            metadata=_meta("test-squares", grade=True, locked=True, points=3),
        ),
        v4.new_code_cell(
            "def count_words(text):\n    ### BEGIN SOLUTION\n    return len(text.split())\n"
            "    ### END SOLUTION",
            metadata=_meta("words", solution=True),
        ),
        v4.new_code_cell(
            'assert count_words("học tập suốt đời") == 4\nprint("Đúng!")',
            metadata=_meta("test-words", grade=True, locked=True, points=2),
        ),
        v4.new_markdown_cell("Vì sao cần học tập suốt đời?", metadata=_meta("why-md", locked=True)),
        v4.new_markdown_cell(
            "YOUR ANSWER HERE", metadata=_meta("why", solution=True, grade=True, points=2)
        ),
    ]
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    return notebook


def nbgrader(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = nbgrader_cli.run(course, *args)
    if check and result.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


def write_config(course: Path, db_url: str | None, timeout: int, extra: str = "") -> None:
    lines = [
        "c = get_config()  # noqa: F821",
        f"c.CourseDirectory.root = {str(course)!r}",
        "c.CourseDirectory.course_id = 'bench'",
        f"c.Execute.timeout = {timeout}",
        "c.LateSubmissionPlugin.penalty_method = 'zero'",
    ]
    if db_url:
        lines.append(f"c.CourseDirectory.db_url = {db_url!r}")
    (course / "nbgrader_config.py").write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")


def generate(course: Path, source: Any, db_url: str | None = None, timeout: int = 5) -> None:
    """An nbgrader course with the assignment generated (gradebook filled), no submissions."""
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(source, course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    write_config(course, db_url, timeout)
    nbgrader(course, "db", "assignment", "add", ASSIGNMENT, "--duedate", DUE)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--create")


def _fill(notebook: Any, code: dict[str, str]) -> Any:
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in code:
            cell.source = code[grade_id]
    return notebook


def submission(course: Path, kind: str) -> Any:
    """The released notebook as a trainee of this kind would hand it in."""
    released = course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    notebook = nbformat.read(released, as_version=4)
    if kind == "correct" or kind == "late":
        return _fill(notebook, SOLUTIONS)
    if kind == "partial":
        return _fill(notebook, {"squares": SOLUTIONS["squares"], "words": WRONG["words"]})
    if kind == "wrong":
        return _fill(notebook, WRONG)
    if kind == "empty":
        return notebook
    if kind == "error":
        return _fill(notebook, {"squares": "def squares(n)\n    return n", "words": "1 / 0"})
    if kind == "tampered":  # weakened tests, inflated points: autograde restores both
        _fill(notebook, {"squares": WRONG["squares"], "words": WRONG["words"]})
        for cell in notebook.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                cell.source = "pass"
                meta["points"] = 100
        return notebook
    if kind == "written":
        _fill(notebook, SOLUTIONS)
        for cell in notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "why":
                cell.source = "Để thích ứng với thay đổi của công việc."
        return notebook
    if kind == "noisy":  # lots of output: LimitOutput trims it
        return _fill(
            notebook,
            {
                **SOLUTIONS,
                "words": SOLUTIONS["words"] + "\nfor i in range(3000):\n    print('dòng', i)",
            },
        )
    if kind == "loop":
        return _fill(notebook, {**SOLUTIONS, "words": "while True:\n    pass"})
    raise ValueError(kind)


def with_words_cell(course: Path, code: str) -> Any:
    """A correct submission whose second answer cell runs ``code`` instead."""
    return _fill(submission(course, "correct"), {"words": code})


KINDS = ["correct", "partial", "empty", "tampered", "wrong", "written", "error", "late", "noisy"]


def submit(course: Path, student: str, notebook: Any, when: str = ON_TIME) -> Path:
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / f"{NOTEBOOK}.ipynb")
    (folder / "timestamp.txt").write_text(when, encoding="utf-8")
    return folder


def add_submissions(course: Path, count: int, loops: int = 1) -> dict[str, str]:
    """``count`` submissions cycling through KINDS, ``loops`` of them infinite loops."""
    kinds: dict[str, str] = {}
    for i in range(count):
        kind = "loop" if i < loops else KINDS[i % len(KINDS)]
        student = f"hv{i:03d}"
        submit(course, student, submission(course, kind), LATE if kind == "late" else ON_TIME)
        kinds[student] = kind
    return kinds


def copy_course(course: Path, target: Path, db_url: str | None = None) -> Path:
    """A copy of the course folder; its gradebook is the copied file, or ``db_url``."""
    shutil.copytree(course, target)
    config = (course / "nbgrader_config.py").read_text(encoding="utf-8")
    config = config.replace(str(course), str(target))
    if db_url:
        config = "\n".join(
            line for line in config.splitlines() if "CourseDirectory.db_url" not in line
        )
        config += f"\nc.CourseDirectory.db_url = {db_url!r}\n"
    (target / "nbgrader_config.py").write_text(config, "utf-8")
    return target


def db_url_of(course: Path) -> str:
    for line in (course / "nbgrader_config.py").read_text(encoding="utf-8").splitlines():
        if "CourseDirectory.db_url" in line:
            return str(line.split("=", 1)[1].strip().strip("'\""))
    return sqlite_url(course)


FIXTURE_ASSIGNMENTS: dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]] = {
    # assignment: ({notebook: source file}, {student: {notebook: submitted file}}), files from
    # nbgrader's own tests (nbgrader/tests/apps/files)
    "tamper": (
        {"p1": "submitted-unchanged.ipynb"},
        {
            "unchanged": {"p1": "submitted-unchanged.ipynb"},
            "changed": {"p1": "submitted-changed.ipynb"},
            "cheat": {"p1": "submitted-cheat-attempt.ipynb"},
            "cheat2": {"p1": "submitted-cheat-attempt-alternative.ipynb"},
            "gradecell": {"p1": "submitted-grade-cell-changed.ipynb"},
            "lockedcell": {"p1": "submitted-locked-cell-changed.ipynb"},
        },
    ),
    "loop": ({"p1": "infinite-loop.ipynb"}, {"looper": {"p1": "infinite-loop.ipynb"}}),
    "envvar": (
        {"p1": "validating-environment-variable.ipynb"},
        {"env": {"p1": "validating-environment-variable.ipynb"}},
    ),
    "effects": ({"p1": "side-effects.ipynb"}, {"effects": {"p1": "side-effects.ipynb"}}),
    "multi": (  # two notebooks; one trainee hands in only the first
        {"p1": "submitted-unchanged.ipynb", "p2": "test.ipynb"},
        {
            "both": {"p1": "submitted-changed.ipynb", "p2": "test.ipynb"},
            "half": {"p1": "submitted-changed.ipynb"},
        },
    ),
}


def fixture_course(course: Path, timeout: int = 2) -> None:
    """nbgrader's tamper, infinite-loop, environment and side-effect fixtures as one course."""
    course.mkdir(parents=True, exist_ok=True)
    write_config(course, None, timeout)
    for assignment, (sources, submissions) in FIXTURE_ASSIGNMENTS.items():
        (course / "source" / assignment).mkdir(parents=True)
        for notebook, name in sources.items():
            shutil.copy(
                NBGRADER_FIXTURES / name, course / "source" / assignment / f"{notebook}.ipynb"
            )
        nbgrader(course, "db", "assignment", "add", assignment, "--duedate", DUE)
        nbgrader(course, "generate_assignment", assignment, "--create")
        for student, notebooks in submissions.items():
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True)
            for notebook, name in notebooks.items():
                shutil.copy(NBGRADER_FIXTURES / name, folder / f"{notebook}.ipynb")
            (folder / "timestamp.txt").write_text(ON_TIME, encoding="utf-8")


def scores(db_url: str) -> dict[str, Any]:
    """Every grade and submission total in a gradebook, for comparing two of them."""
    from nbgrader.api import Gradebook

    found: dict[str, Any] = {}
    with Gradebook(db_url, "bench") as gb:
        for assignment in gb.assignments:
            for sub in gb.assignment_submissions(assignment.name):
                key = f"{sub.student.id}/{assignment.name}"
                found[key] = {
                    "score": sub.score,
                    "max_score": sub.max_score,
                    "penalty": sub.late_submission_penalty,
                    "needs_manual_grade": sub.needs_manual_grade,
                    "timestamp": str(sub.timestamp),
                }
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        found[f"{key}/{nb.name}/{grade.name}"] = (
                            grade.auto_score,
                            grade.manual_score,
                            grade.needs_manual_grade,
                        )
                    for comment in nb.comments:
                        found[f"{key}/{nb.name}/{comment.name}/comment"] = comment.auto_comment
    return found


def sqlite_url(course: Path) -> str:
    return f"sqlite:///{course / 'gradebook.db'}"
