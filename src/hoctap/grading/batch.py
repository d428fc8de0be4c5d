"""``hoctap grade``: nbgrader autograde for a whole module, in parallel, resumable, never silent.

Which submissions, in what state, and what became of each; the steps themselves are
nbgrader's (hoctap.grading.pipeline) and the kernels hoctap.grading.kernels'.

A grading run
- finds ``submitted/<student>/<module>/`` folders, as nbgrader does;
- skips those already graded from the very same files (``.hoctap/grade-log.jsonl`` in the
  course folder keeps, per submission, a digest of what was graded; the gradebook and the
  autograded notebooks must also still be there), unless ``force``;
- grades the rest on ``workers`` threads, each submission in fresh kernels, with a wall-clock
  limit per submission and CPU-time and memory limits per kernel;
- retries once a submission whose kernel died or whose grading failed, then reports it as
  failed (never as a 0), and leaves it to be graded again by the next run.
"""

from __future__ import annotations

import functools
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from hoctap.errors import GradingError, HoctapError, KernelStartError
from hoctap.grading.kernels import Limits, Watch, Zygote, kernel_manager_for, watching
from hoctap.grading.pipeline import Course, Pipeline, Work, _classes, in_folder, shared_engines
from hoctap.grading.submissions import (
    GradeLog,
    Submission,
    find_submissions,
    imported_modules,
    up_to_date,
)


@dataclass
class Outcome:
    """What became of one submission."""

    student: str
    assignment: str
    status: str
    """``graded``, ``failed`` or ``unchanged`` (already graded from the same files)."""
    score: float | None = None
    max_score: float | None = None
    seconds_late: float = 0.0
    penalty: float = 0.0
    needs_manual_grade: bool = False
    reason: str = ""
    attempts: int = 0
    seconds: float = 0.0

    @property
    def late(self) -> bool:
        return self.seconds_late > 0


@dataclass
class GradeRun:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    scores: dict[str, tuple[float, float, bool]] = field(default_factory=dict)
    """Every graded submission in the gradebook: student -> (score after penalty, max, late)."""
    warnings: list[str] = field(default_factory=list)

    def with_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]


# -- running it ------------------------------------------------------------------------------


class _NbgraderLog(logging.Handler):
    """nbgrader's log of a run, into ``.hoctap/grade.log``, each line naming its submission.

    The file is opened for each line: logging set-up elsewhere in the process (traitlets
    applications call ``dictConfig``, which closes every handler) cannot break a run.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(logging.INFO)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.local = threading.local()
        self.lock_ = threading.Lock()

    def _write(self, text: str) -> None:
        with self.lock_, self.path.open("a", encoding="utf-8") as out:
            out.write(f"{datetime.now(UTC).isoformat(timespec='seconds')} {text}\n")

    def emit(self, record: logging.LogRecord) -> None:
        outcome: Outcome | None = getattr(self.local, "outcome", None)
        who = f"{outcome.student}/{outcome.assignment}" if outcome else "-"
        message = record.getMessage()
        try:
            self._write(f"{record.levelname} {who}: {message}")
        except OSError:
            self.handleError(record)

    def exception(self, outcome: Outcome, attempt: int) -> None:
        """The full traceback of a failed attempt, for whoever investigates it."""
        import traceback

        who = f"{outcome.student}/{outcome.assignment}"
        self._write(f"ERROR {who}: attempt {attempt}: {outcome.reason}\n{traceback.format_exc()}")


@contextmanager
def _quiet_nbgrader(course: Course) -> Iterator[_NbgraderLog]:
    """nbgrader's log goes to the course's grade.log instead of the terminal; its SQLAlchemy
    warnings about its own session use are known and harmless (nbgrader autograde shows them)."""
    import warnings

    from sqlalchemy.exc import SAWarning

    logger = course.app.log
    handlers, propagate = list(logger.handlers), logger.propagate
    handler = _NbgraderLog(course.root / ".hoctap" / "grade.log")
    for h in handlers:
        logger.removeHandler(h)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=SAWarning, module=r"nbgrader\.api")
            yield handler
    finally:
        logger.removeHandler(handler)
        for h in handlers:
            logger.addHandler(h)
        logger.propagate = propagate


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


class _Kernels:
    """Where a run's kernels come from: a zygote started at once (it loads ipykernel while the
    course is being read), or nbclient's usual launch when ``fork`` is off."""

    def __init__(self, fork: bool) -> None:
        import tempfile

        self._tmp = tempfile.TemporaryDirectory(prefix="hoctap-grade-")
        self.folder = Path(self._tmp.name)
        self.zygote = Zygote(dict(os.environ), self.folder) if fork else None

    def manager(self, master: Path, limits: Limits) -> type:
        modules = imported_modules(master.glob("*.ipynb")) if master.is_dir() else []
        if self.zygote is not None:
            try:
                forkable = self.zygote.preload(modules)
            except KernelStartError:  # the zygote did not start: no fork, no harm
                forkable = False
            if not forkable:  # or an import started a thread: launch kernels the usual way
                self.zygote.close()
                self.zygote = None
        return kernel_manager_for(self.zygote, limits, self.folder)

    def close(self) -> None:
        if self.zygote is not None:
            self.zygote.close()
        self._tmp.cleanup()


class Grader:
    """Grades submissions of one assignment on several threads."""

    def __init__(self, course: Course, workers: int, limits: Limits, kernels: _Kernels) -> None:
        self.course = course
        self.workers = max(1, workers)
        self.limits = limits
        self.kernels = kernels
        self._watches: set[Watch] = set()
        self._watches_lock = threading.Lock()
        self._stopping = threading.Event()
        self.log: _NbgraderLog | None = None
        self.grade_log = GradeLog(course)

    def _grade(self, sub: Submission, kernel_manager: type) -> Outcome:
        started = time.monotonic()
        outcome = Outcome(sub.student, sub.assignment, "failed")
        if self.log is not None:
            self.log.local.outcome = outcome
        if not sub.notebooks:
            outcome.reason = "Không có notebook nào của bài trong thư mục đã nộp."
            return outcome
        self.grade_log.started(sub)
        for attempt in (1, 2):
            outcome.attempts = attempt
            watch = Watch()
            with self._watches_lock:
                self._watches.add(watch)
            timer = threading.Timer(self.limits.wall_seconds or 1e9, watch.expire)
            timer.daemon = True
            timer.start()
            work = Work(sub.student, sub.assignment, list(sub.notebooks))
            try:
                pipeline = Pipeline(self.course, kernel_manager)
                with watching(watch):
                    dest = pipeline.prepare(work)
                    self._check(watch)
                    pipeline.run(work, dest, functools.partial(self._check, watch))
                self._check(watch)
                totals = pipeline.save(work, dest)
            except Exception as exc:  # every failure is reported; none becomes a grade
                outcome.reason = self._explain(exc, watch)
                if self.log is not None:
                    self.log.exception(outcome, attempt)
                final = attempt == 2 or watch.expired or self._stopping.is_set()
                final = final or _limit_signal(watch.last_exit()) is not None
                if final:
                    outcome.reason += self._undo(work)
                    _remove_autograded(self.course, sub)
                    break
            else:
                outcome.status, outcome.reason = "graded", ""
                outcome.score, outcome.max_score = totals["score"], totals["max_score"]
                outcome.seconds_late, outcome.penalty = totals["seconds_late"], totals["penalty"]
                outcome.needs_manual_grade = totals["needs_manual_grade"]
                break
            finally:
                timer.cancel()
                watch.kill_all()  # whatever the kernels started, even if they died first
                with self._watches_lock:
                    self._watches.discard(watch)
        outcome.seconds = time.monotonic() - started
        return outcome

    def _check(self, watch: Watch) -> None:
        """Between steps: stop here if the wall-clock limit passed or the run is stopping."""
        if watch.expired or self._stopping.is_set():
            raise GradingError("Dừng trước bước tiếp theo.")

    def _undo(self, work: Work) -> str:
        """After the last failed attempt: no grade may pass for this submission's."""
        from nbgrader.api import MissingEntry

        if work.recording_started and not work.previous_grade:
            with suppress(Exception), self.course.lock, self.course.gradebook() as gb:
                gb.remove_submission(work.assignment, work.student)  # made by this attempt
                return ""
        if work.recording_started:
            return " Sổ điểm có thể đã ghi một phần điểm của bài này: chạy lại lệnh để chấm lại."
        with self.course.lock, self.course.gradebook() as gb:
            try:
                gb.find_submission(work.assignment, work.student)
            except MissingEntry:
                return ""
        return " Sổ điểm vẫn giữ điểm của lần nộp trước; bài nộp mới chưa được chấm."

    def _explain(self, exc: BaseException, watch: Watch) -> str:
        if self._stopping.is_set():
            return "Đã dừng giữa chừng; chạy lại lệnh để chấm bài này."
        if watch.expired:
            return f"Vượt giới hạn thời gian {self.limits.wall_seconds:g} giây cho một bài."
        code = watch.last_exit()
        if _limit_signal(code) == "SIGXCPU":
            return f"Vượt giới hạn {self.limits.cpu_seconds} giây CPU cho một kernel."
        if code is not None and code != 0:
            log = watch.last_log()
            detail = f" Nhật ký kernel:\n{log}" if log else ""
            return f"Kernel dừng bất thường (mã {code}).{detail}"
        if isinstance(exc, GradingError | KernelStartError):
            return exc.message
        text = str(exc).strip().splitlines()
        return f"Lỗi khi chấm: {type(exc).__name__}: {text[0] if text else ''}".strip()

    def run(
        self,
        submissions: list[Submission],
        on_done: Callable[[Outcome], None] | None = None,
    ) -> list[Outcome]:
        if not submissions:
            return []
        tasks: queue.Queue[Submission | None] = queue.Queue()
        results: queue.Queue[tuple[Submission, Outcome]] = queue.Queue()
        for sub in submissions:
            tasks.put(sub)
        workers = min(self.workers, len(submissions))
        for _ in range(workers):
            tasks.put(None)
        master = self.course.path(
            self.course.coursedir.source_directory, ".", submissions[0].assignment
        )
        with (
            shared_engines(),
            _environment("NBGRADER_EXECUTION", "autograde"),
            _quiet_nbgrader(self.course) as self.log,
        ):
            manager = self.kernels.manager(master, self.limits)

            def work() -> None:
                import asyncio

                try:
                    while (sub := tasks.get()) is not None:
                        if self._stopping.is_set():
                            continue
                        try:
                            outcome = self._grade(sub, manager)
                        except Exception as exc:  # a bug of ours: still reported, not lost
                            outcome = Outcome(sub.student, sub.assignment, "failed")
                            outcome.reason = f"Lỗi của bộ chấm: {type(exc).__name__}: {exc}"
                        results.put((sub, outcome))
                finally:
                    with suppress(RuntimeError):
                        asyncio.get_event_loop_policy().get_event_loop().close()

            threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
            for thread in threads:
                thread.start()
            outcomes: list[Outcome] = []
            try:
                while len(outcomes) < len(submissions):
                    try:
                        sub, outcome = results.get(timeout=0.2)
                    except queue.Empty:
                        if any(t.is_alive() for t in threads) or not results.empty():
                            continue
                        break
                    if outcome.status == "graded":
                        self.grade_log.add(sub, outcome.score)
                    outcomes.append(outcome)
                    if on_done is not None:
                        on_done(outcome)
            except BaseException:
                self.stop()
                raise
            finally:
                for thread in threads:
                    thread.join()
        return outcomes

    def stop(self) -> None:
        """Stop: kill running kernels; what was not graded is graded by the next run."""
        self._stopping.set()
        with self._watches_lock:
            for watch in self._watches:
                watch.expire()


@contextmanager
def _only_run(course: Course) -> Iterator[None]:
    """One grading run per course folder at a time (a second would grade the same work)."""
    import fcntl

    path = course.root / ".hoctap" / "grade.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise HoctapError(
                "Đang có một lần chấm khác trên khoá học này.",
                "Chờ lần chấm đó xong rồi chạy lại lệnh.",
            ) from exc
        yield


def _limit_signal(code: int | None) -> str | None:
    import signal

    if code is not None and code < 0 and -code == signal.SIGXCPU:
        return "SIGXCPU"
    return None


def _remove_autograded(course: Course, sub: Submission) -> None:
    """As nbgrader does for a failed submission: no half-graded notebooks are left."""
    import shutil

    dest = course.path(course.coursedir.autograded_directory, sub.student, sub.assignment)
    if dest.exists():
        shutil.rmtree(dest, ignore_errors=True)


def grade(
    course_dir: Path,
    assignment: str,
    *,
    students: list[str] | None = None,
    workers: int | None = None,
    limits: Limits | None = None,
    force: bool = False,
    fork: bool = True,
    on_start: Callable[[int, int], None] | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> GradeRun:
    """Grade the assignment's submissions in an nbgrader course folder."""
    started = time.monotonic()
    kernels = _Kernels(fork)
    try:
        course = Course(course_dir)
        # As nbgrader does, the run happens in the course folder: relative paths are its own.
        with in_folder(course.root), _only_run(course):
            found = find_submissions(course, assignment, students or [])
            fresh = set() if force else up_to_date(course, found)
            todo = [s for s in found if s.student not in fresh]
            if on_start is not None:
                on_start(len(todo), len(fresh))
            grader = Grader(course, workers or os.cpu_count() or 1, limits or Limits(), kernels)
            outcomes = grader.run(todo, on_done)
            failed = {o.student for o in outcomes if o.status == "failed"}
            scores = gradebook_scores(course, assignment)
            leak = feedback_leaks_hidden_tests(course, assignment)
    finally:
        kernels.close()
    unchanged = [Outcome(s.student, assignment, "unchanged") for s in found if s.student in fresh]
    scores = {k: v for k, v in scores.items() if k not in failed}
    run = GradeRun(outcomes + unchanged, time.monotonic() - started, scores)
    if leak:
        run.warnings.append(
            f"Bài {assignment} có bài kiểm tra ẩn, nhưng phản hồi gửi học viên của khoá học này "
            f"sẽ lộ chúng: {leak} (hoctap làm cả hai việc này cho khoá học của mình)."
        )
    return run


def feedback_leaks_hidden_tests(course: Course, assignment: str) -> str:
    """How the course's feedback would show the assignment's hidden tests ("" if it would not).

    nbgrader's default feedback keeps hidden tests, and even with ClearHiddenTests the traceback
    of a failed hidden test quotes its code (nbgrader #917).
    """
    from nbgrader.converters import GenerateFeedback
    from nbgrader.preprocessors import ClearHiddenTests

    from hoctap.grading.preprocessors import SimplifyTestErrors

    master = course.path(course.coursedir.source_directory, ".", assignment)
    marker = ClearHiddenTests(parent=course.app).begin_test_delimeter
    if not any(marker in p.read_text(encoding="utf-8") for p in master.glob("*.ipynb")):
        return ""
    steps = GenerateFeedback(coursedir=course.coursedir, parent=course.app).preprocessors
    classes = [c for c in _classes(list(steps)) if isinstance(c, type)]
    missing = []
    if not any(issubclass(c, ClearHiddenTests) for c in classes):
        missing.append("thêm ClearHiddenTests vào c.GenerateFeedback.preprocessors (sau GetGrades)")
    if not any(issubclass(c, SimplifyTestErrors) for c in classes):
        missing.append(
            "thêm hoctap.grading.preprocessors.SimplifyTestErrors để thông báo lỗi của bài "
            "kiểm tra ẩn không trích mã của nó (nbgrader #917)"
        )
    return "; ".join(missing)


def gradebook_scores(course: Course, assignment: str) -> dict[str, tuple[float, float, bool]]:
    """Scores of the assignment's submissions, late penalty subtracted (nbgrader keeps it apart)."""
    with course.lock, course.gradebook() as gb:
        return {
            s.student.id: (
                float(s.score) - float(s.late_submission_penalty),
                float(s.max_score),
                float(s.total_seconds_late) > 0,
            )
            for s in gb.find_assignment(assignment).submissions
        }
