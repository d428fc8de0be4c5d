"""Which submissions a grading run has to grade: nbgrader's layout, digests, the grade log.

A submission is up to date when the grade log's last complete line about it carries the digest
of its files as they are now (and of the assignment's source notebooks), the gradebook has it,
and its autograded notebooks are there. Anything else is graded (again).
"""

from __future__ import annotations

import ast
import glob
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hoctap.errors import HoctapError
from hoctap.grading.pipeline import Course

LOG_NAME = ".hoctap/grade-log.jsonl"


@dataclass(frozen=True)
class Submission:
    student: str
    assignment: str
    notebooks: tuple[Path, ...]
    digest: str


# -- -----------------------------------------------------------------------


def _digest(paths: Iterable[Path], root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts]


def find_submissions(course: Course, assignment: str, students: list[str]) -> list[Submission]:
    """Submitted folders of the assignment (nbgrader's layout), with their digests."""
    from nbgrader.api import MissingEntry

    with course.lock, course.gradebook() as gb:
        try:
            known = {nb.name for nb in gb.find_assignment(assignment).notebooks}
        except MissingEntry as exc:
            raise HoctapError(
                f"Sổ điểm chưa có bài {assignment!r}.",
                f"Tạo bài trước: nbgrader generate_assignment {assignment}.",
            ) from exc
    master = course.path(course.coursedir.source_directory, ".", assignment)
    source_digest = _digest(master.glob("*.ipynb"), master) if master.is_dir() else ""
    excluded = set(filter(None, course.coursedir.student_id_exclude.split(",")))
    pattern = course.coursedir.notebook_id + ".ipynb"
    submitted = course.coursedir.submitted_directory
    shape = re.compile(course.coursedir.format_path(
        submitted, "(?P<student>[^/]+)", re.escape(assignment), escape=True) + "$")  # fmt: skip
    found = []
    for name in sorted(glob.glob(course.coursedir.format_path(submitted, "*", assignment))):
        folder, match = Path(name), shape.match(name)
        if match is None or not folder.is_dir():
            continue
        student = match.group("student")
        if student in excluded or (students and student not in students):
            continue
        notebooks = tuple(p for p in sorted(folder.glob(pattern)) if p.stem in known)
        digest = hashlib.sha256((source_digest + _digest(_files(folder), folder)).encode())
        found.append(Submission(student, assignment, notebooks, digest.hexdigest()))
    missing = sorted(set(students) - {s.student for s in found})
    if missing:
        raise HoctapError(
            f"Không có bài nộp {assignment} của: {', '.join(missing)}.",
            "Kiểm tra mã học viên, hoặc thu bài trước (hoctap course collect).",
        )
    return found


class GradeLog:
    """``.hoctap/grade-log.jsonl``: a line when a submission's grading starts (``digest``
    null: whatever was there is being replaced) and one when it is graded; appended, synced.
    The last complete line about a submission says what its autograded copy is."""

    def __init__(self, course: Course) -> None:
        self.path = course.root / LOG_NAME
        self._lock = threading.Lock()

    def graded(self) -> dict[tuple[str, str], str | None]:
        done: dict[tuple[str, str], str | None] = {}
        if not self.path.is_file():
            return done
        for line in self.path.read_text(encoding="utf-8").splitlines():
            with suppress(ValueError, KeyError, TypeError):  # a line cut short by a kill
                entry = json.loads(line)
                done[(entry["assignment"], entry["student"])] = entry["digest"]
        return done

    def _append(self, entry: dict[str, object]) -> None:
        entry["at"] = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
                out.flush()
                os.fsync(out.fileno())

    def started(self, submission: Submission) -> None:
        """Before anything is replaced: until ``add``, the submission counts as not graded."""
        self._append(
            {"assignment": submission.assignment, "student": submission.student, "digest": None}
        )

    def add(self, submission: Submission, score: float | None) -> None:
        self._append(
            {
                "assignment": submission.assignment,
                "student": submission.student,
                "digest": submission.digest,
                "score": score,
            }
        )


def up_to_date(course: Course, submissions: list[Submission]) -> set[str]:
    """Students whose submission was graded from these very files, and still is."""
    if not submissions:
        return set()
    assignment = submissions[0].assignment
    logged = GradeLog(course).graded()
    with course.lock, course.gradebook() as gb:
        in_gradebook = {s.student.id for s in gb.find_assignment(assignment).submissions}
    fresh = set()
    for sub in submissions:
        dest = course.path(course.coursedir.autograded_directory, sub.student, assignment)
        if (
            logged.get((assignment, sub.student)) == sub.digest
            and sub.student in in_gradebook
            and all((dest / nb.name).is_file() for nb in sub.notebooks)
        ):
            fresh.add(sub.student)
    return fresh


def imported_modules(notebooks: Iterable[Path]) -> list[str]:
    """Installed top-level modules the notebooks import (the zygote preloads them)."""
    import importlib.util

    import nbformat

    names: set[str] = set()
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:  # type: ignore[no-untyped-call]
            if cell.cell_type != "code":
                continue
            lines = [
                ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!"))
            ]
            try:
                tree = ast.parse("\n".join(lines))
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
    found = []
    for name in sorted(names):
        with suppress(ImportError, ValueError):
            if importlib.util.find_spec(name) is not None:
                found.append(name)
    return found
