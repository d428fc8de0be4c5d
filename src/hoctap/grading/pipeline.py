"""nbgrader's autograde steps for one submission, split so that several submissions run at once.

``nbgrader autograde`` does, for each submission: create the student and the submission in the
gradebook, copy the files, then for each notebook a *sanitize* export (ClearOutput,
DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata) and an *autograde*
export (Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
AssignLatePenalties, CheckCellMetadata). This module runs the very same preprocessors, built
from the course's own configuration (so a course that changed either list keeps its change),
in three stages:

1. *sanitize*, under the gradebook lock (it reads the gradebook);
2. *execute*: the steps before the first one that writes to the gradebook, with no lock;
   this is where the time goes, and where several submissions run side by side;
3. *record*, under the gradebook lock: the submission is created or updated, then the
   remaining steps (SaveAutoGrades, AssignLatePenalties, ...) save the grades.

Nothing is written to the gradebook for a submission until every notebook of it has run, so a
kernel that dies leaves no grade behind (nbgrader writes the submission first: nbgrader #174).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hoctap.errors import GradingError, HoctapError


@contextmanager
def in_folder(folder: Path) -> Iterator[None]:
    """Run with ``folder`` as the working folder (nbgrader reads its config from there)."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


@contextmanager
def shared_engines() -> Iterator[None]:
    """One database engine per gradebook URL for nbgrader, for the length of a grading run.

    Every ``nbgrader.api.Gradebook`` makes its own SQLAlchemy engine and disposes of it when
    closed; nbgrader's preprocessors open one or two per notebook (about 280 for 40
    submissions). With a new engine each time, SQLAlchemy compiles every query again and
    PostgreSQL opens a new connection each time: a third of what recording a submission cost.
    Here ``Gradebook`` gets a cached engine whose ``dispose`` waits for the end of the run.
    Sessions stay nbgrader's own, one per Gradebook, so nothing else changes.
    """
    import nbgrader.api

    real = getattr(nbgrader.api, "create_engine", None)
    if real is None:  # another nbgrader: grade as it does
        yield
        return
    engines: dict[str, Any] = {}

    def create_engine(url: str, **kwargs: Any) -> Any:
        key = f"{url}|{sorted(kwargs.items())}"
        if key not in engines:
            engine = real(url, **kwargs)
            engines[key] = (engine, engine.dispose)
            engine.dispose = lambda close=True: None
        return engines[key][0]

    nbgrader.api.create_engine = create_engine
    try:
        yield
    finally:
        nbgrader.api.create_engine = real
        for engine, dispose in engines.values():
            del engine.dispose
            dispose()


class Course:
    """An nbgrader course folder and its configuration, loaded as ``nbgrader autograde`` would."""

    def __init__(self, root: Path) -> None:
        from hoctap.grading.imports import defer_iri_grammar

        defer_iri_grammar()
        from nbgrader.apps.autogradeapp import AutogradeApp
        from nbgrader.converters import Autograde

        self.root = root.resolve()
        if not self.root.is_dir():
            raise HoctapError(f"Không có thư mục khoá học {root}.", "Kiểm tra lại --course-dir.")
        with in_folder(self.root):
            app = AutogradeApp()
            app.initialize([])
        app.coursedir.root = str(self.root)
        self.app = app
        self.coursedir = app.coursedir
        self.converter = Autograde(coursedir=app.coursedir, parent=app)
        self.db_url: str = app.coursedir.db_url
        self.course_id: str = app.coursedir.course_id
        self.lock = threading.Lock()
        """Held for every gradebook access of a grading run."""

    def path(self, step: str, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(step, student, assignment))

    def gradebook(self) -> Any:
        from nbgrader.api import Gradebook

        return Gradebook(self.db_url, self.course_id)


_RECORDING_STEPS = ("SaveAutoGrades", "AssignLatePenalties", "SaveCells")


def _records(step: type) -> bool:
    """Whether a preprocessor writes to the gradebook (it and all after it run under the lock)."""
    return any(base.__name__ in _RECORDING_STEPS for base in step.__mro__)


@dataclass
class Executed:
    """One notebook, run, waiting to be recorded."""

    notebook_id: str
    output: str
    resources: dict[str, Any]


@dataclass
class Work:
    """What a grading thread needs for one submission."""

    student: str
    assignment: str
    notebooks: list[Path]
    executed: list[Executed] = field(default_factory=list)
    recording_started: bool = False
    """Whether the gradebook may hold anything of this attempt."""
    previous_grade: bool = False
    """Whether the gradebook held a grade for this student's submission before this attempt."""


def _classes(steps: list[Any]) -> list[type]:
    """Preprocessors as classes (a configuration may name them by dotted path)."""
    from traitlets.utils.importstring import import_item

    return [import_item(step) if isinstance(step, str) else step for step in steps]


class Pipeline:
    """The three stages for one submission.

    As in nbgrader, each export of each notebook gets new preprocessor instances (nbgrader
    registers the classes again for every notebook), so no state passes from one notebook to
    the next: e.g. nbclient keeps the first notebook's kernel name for the instance's lifetime.
    """

    def __init__(self, course: Course, kernel_manager_class: type | None) -> None:
        self.course = course
        self.kernel_manager_class = kernel_manager_class
        converter = course.converter
        steps = _classes(list(converter.autograde_preprocessors))
        cut = next((i for i, step in enumerate(steps) if _records(step)), len(steps))
        self.sanitize_steps = _classes(list(converter.sanitize_preprocessors))
        self.execute_steps = steps[:cut]
        self.record_steps = steps[cut:]

    def _exporter(self, steps: list[type]) -> Any:
        from nbgrader.preprocessors import Execute

        converter = self.course.converter
        exporter = converter.exporter_class(parent=converter, config=converter.config)
        exporter._preprocessors = []
        for step in steps:
            exporter.register_preprocessor(step)
        for instance in exporter._preprocessors:
            if isinstance(instance, Execute) and self.kernel_manager_class is not None:
                instance.kernel_manager_class = self.kernel_manager_class
                instance.shutdown_kernel = "immediate"  # the kernel is thrown away anyway
        return exporter

    def _resources(self, work: Work, notebook_id: str) -> dict[str, Any]:
        return {
            "unique_key": notebook_id,
            "output_files_dir": f"{notebook_id}_files",
            "nbgrader": {
                "student": work.student,
                "assignment": work.assignment,
                "notebook": notebook_id,
                "db_url": self.course.db_url,
            },
        }

    # -- stage 0 and 1: files, then sanitize ---------------------------------------------

    def prepare(self, work: Work) -> Path:
        """Copy the submission's files as nbgrader does, then sanitize each notebook."""
        from nbgrader.utils import find_all_files

        course = self.course
        source = course.path(course.coursedir.submitted_directory, work.student, work.assignment)
        dest = course.path(course.coursedir.autograded_directory, work.student, work.assignment)
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        ignore = list(course.coursedir.ignore)
        for name in find_all_files(str(source), [*ignore, "*.ipynb"]):
            _copy(Path(name), dest / Path(name).relative_to(source))
        master = course.path(course.coursedir.source_directory, ".", work.assignment)
        kept = {
            str(master / x) for x in course.converter.exclude_overwriting.get(work.assignment, [])
        }
        for name in find_all_files(str(master), [*ignore, "*.ipynb"]):
            if name not in kept:
                _copy(Path(name), dest / Path(name).relative_to(master))
        for notebook in work.notebooks:
            resources = self._resources(work, notebook.stem)
            with course.lock:
                exporter = self._exporter(self.sanitize_steps)
                output, _ = exporter.from_filename(str(notebook), resources=resources)
            (dest / notebook.name).write_text(output, encoding="utf-8")
        self._hook("pre_convert_hook", work)
        return dest

    def _hook(self, name: str, work: Work) -> None:
        """nbgrader's pre-/post-convert hook, if the course sets one; as nbgrader does, a hook
        that fails is logged and grading goes on."""
        hook = getattr(self.course.converter, name, None)
        if hook:
            try:
                hook(assignment=work.assignment, student=work.student, notebooks=work.notebooks)
            except Exception:
                self.course.converter.log.info("%s failed", name, exc_info=True)

    # -- stage 2: execute --------------------------------------------------------------------

    def run(self, work: Work, dest: Path, check: Callable[[], None]) -> None:
        """Execute every notebook (no lock: this is what runs in parallel); ``check`` is called
        before each notebook and may raise to stop."""
        work.executed.clear()
        for notebook in work.notebooks:
            check()
            resources = self._resources(work, notebook.stem)
            exporter = self._exporter(self.execute_steps)
            output, resources = exporter.from_filename(str(dest / notebook.name), resources)
            work.executed.append(Executed(notebook.stem, output, resources))

    # -- stage 3: record ---------------------------------------------------------------------

    def save(self, work: Work, dest: Path) -> dict[str, Any]:
        """Create or update the submission and save the grades; returns its totals."""
        import nbformat

        course = self.course
        nodes = [nbformat.reads(d.output, as_version=4) for d in work.executed]  # type: ignore[no-untyped-call]
        with course.lock:
            with course.gradebook() as gb:
                work.previous_grade = work.student in {
                    s.student.id for s in gb.find_assignment(work.assignment).submissions
                }
                work.recording_started = True
                self._submission(gb, work)
            outputs = []
            for done, node in zip(work.executed, nodes, strict=True):
                exporter = self._exporter(self.record_steps)
                output, _ = exporter.from_notebook_node(node, resources=done.resources)
                outputs.append((done.notebook_id, output))
            with course.gradebook() as gb:
                self._zero_missing(gb, work)
                submission = gb.find_submission(work.assignment, work.student)
                totals = {
                    "score": float(submission.score),
                    "max_score": float(submission.max_score),
                    "seconds_late": float(submission.total_seconds_late),
                    "penalty": float(submission.late_submission_penalty),
                    "needs_manual_grade": bool(submission.needs_manual_grade),
                }
        for notebook_id, output in outputs:
            (dest / f"{notebook_id}.ipynb").write_text(output, encoding="utf-8")
        course.converter.set_permissions(work.assignment, work.student)
        self._hook("post_convert_hook", work)
        return totals

    def _submission(self, gb: Any, work: Work) -> None:
        from nbgrader.api import MissingEntry

        course = self.course
        folder = course.path(course.coursedir.submitted_directory, work.student, work.assignment)
        timestamp = course.coursedir.get_existing_timestamp(str(folder))
        if course.converter.create_student:
            gb.update_or_create_student(work.student)
        else:
            try:
                gb.find_student(work.student)
            except MissingEntry as exc:
                raise GradingError(
                    f"Học viên {work.student} không có trong sổ điểm nbgrader."
                ) from exc
        if timestamp:
            gb.update_or_create_submission(work.assignment, work.student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(work.assignment, work.student)

    def _zero_missing(self, gb: Any, work: Work) -> None:
        """A notebook of the assignment that was not submitted scores 0, as in nbgrader."""
        course = self.course
        folder = course.path(course.coursedir.submitted_directory, work.student, work.assignment)
        for notebook in gb.find_assignment(work.assignment).notebooks:
            if (folder / f"{notebook.name}.ipynb").exists():
                continue
            found = gb.find_submission_notebook(notebook.name, work.assignment, work.student)
            for grade in found.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
            gb.db.commit()


def _copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        dest.unlink()
    shutil.copy(source, dest)
