"""The course life-cycle around nbgrader: release, fetch, submit, collect, grade, feedback, status.

The course folder lives in HOCTAP_HOME (``course/``: source, release, submitted, autograded,
feedback; gradebook) with its exchange (``exchange/``). nbgrader does every step through its own
API; hoctap copies the module from ``courses/``, sets the due date of grading/policy.yaml, and
turns nbgrader's logs into Vietnamese messages.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hoctap.errors import HoctapError
from hoctap.kit.exercises import ANSWERS_FILE
from hoctap.settings import Settings, project_root

COURSE_ID = "hoctap"


def policy_config() -> Path | None:
    """The tracked grading policy (grading/nbgrader_config.py) of the checkout, if there is one."""
    root = project_root()
    path = root / "grading" / "nbgrader_config.py" if root else None
    return path if path and path.is_file() else None


def modules_dir() -> Path:
    """The modules' nbgrader source folders (courses/ of the checkout)."""
    root = project_root()
    if root is None or not (root / "courses").is_dir():
        raise HoctapError("Không tìm thấy thư mục courses/ chứa các học phần.")
    return root / "courses"


def _write_if_changed(path: Path, lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def ensure_course_dir(settings: Settings) -> Path:
    """Create the course and exchange folders and write the course's nbgrader_config.py."""
    course = settings.course_dir
    for sub in ("source", "release", "submitted", "autograded", "feedback"):
        (course / sub).mkdir(parents=True, exist_ok=True)
    settings.exchange_dir.mkdir(parents=True, exist_ok=True)
    # nbgrader's exchange is writable by every trainee; the sticky bit stops one trainee from
    # renaming or deleting what is not theirs (nbgrader checks only the rwx bits).
    settings.exchange_dir.chmod(0o1777)
    lines = [
        "# Written by hoctap for this data folder; the grading policy lives in grading/.",
        "c = get_config()  # noqa: F821",
        f"c.CourseDirectory.root = {str(course)!r}",
        f"c.CourseDirectory.course_id = {COURSE_ID!r}",
        f"c.CourseDirectory.db_url = {settings.gradebook_url!r}",
        f"c.Exchange.root = {str(settings.exchange_dir)!r}",
    ]
    policy = policy_config()
    if policy is not None:
        lines.append(f"load_subconfig({str(policy)!r})  # noqa: F821")
    _write_if_changed(course / "nbgrader_config.py", lines)
    return course


def trainee_dir(settings: Settings, student: str) -> Path:
    """A trainee's own workspace (single-machine mode): modules are fetched into it."""
    folder = settings.home / "trainees" / student
    folder.mkdir(parents=True, exist_ok=True)
    ensure_course_dir(settings)
    lines = [
        "# Written by hoctap: this folder is the workspace of one trainee.",
        "c = get_config()  # noqa: F821",
        f"c.CourseDirectory.course_id = {COURSE_ID!r}",
        f"c.CourseDirectory.student_id = {student!r}",
        f"c.Exchange.root = {str(settings.exchange_dir)!r}",
        f"c.Exchange.assignment_dir = {str(folder)!r}",
        "c.ExchangeFactory.fetch_assignment = 'hoctap.grading.exchange.RecordedFetch'",
        "import os",
        "",
        "if os.environ.get('JUPYTERHUB_API_TOKEN'):",
        "    # Behind JupyterHub: the courses of the trainee's groups (nbgrader-<course>).",
        "    c.Authenticator.plugin_class = 'nbgrader.auth.JupyterHubAuthPlugin'",
    ]
    _write_if_changed(folder / "nbgrader_config.py", lines)
    return folder


def _load_config(folder: Path) -> Any:
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()


def run_nbgrader(settings: Settings, *args: str) -> str:
    """Run one nbgrader command for the course, in its own process; returns its log."""
    from hoctap.grading import nbgrader_cli
    from hoctap.grading.gradebook import prepare

    prepare(settings)
    result = nbgrader_cli.run(ensure_course_dir(settings), *args)
    log = result.stdout + result.stderr
    if result.returncode != 0:
        lines = [line for line in log.splitlines() if "Kernel is running over TCP" not in line]
        tail = "\n".join(lines[-12:])
        step = "generate/release_assignment" if args[0] == nbgrader_cli.RELEASE_MANY else args[0]
        raise HoctapError(f"nbgrader {step} không thành công:\n{tail}",
                          "Xem thông báo của nbgrader ở trên.")  # fmt: skip
    return log


@contextmanager
def gradebook_of(settings: Settings) -> Iterator[Any]:
    """nbgrader's gradebook of this data folder, through nbgrader's own API."""
    from hoctap.grading.gradebook import nbgrader_api, prepare

    prepare(settings)
    with nbgrader_api().Gradebook(settings.gradebook_url) as gradebook:
        yield gradebook


def module_ids() -> list[str]:
    from hoctap.grading.policy import load_policy

    return list(load_policy().modules)


def check_module(module: str) -> Any:
    from hoctap.grading.policy import load_policy

    policy = load_policy()
    if module not in policy.modules:
        known = ", ".join(policy.modules)
        raise HoctapError(f"Không có học phần '{module}'.", f"Các học phần: {known}.")
    return policy.modules[module]


def release(settings: Settings, module: str) -> None:
    """Generate the trainees' version of a module (nbgrader generate_assignment) and release it."""
    release_many(settings, [module])


def release_many(settings: Settings, modules: list[str]) -> None:
    """Release several modules with one nbgrader process (see ``release``)."""
    from hoctap.grading import nbgrader_cli
    from hoctap.grading.policy import utc_naive

    infos = {module: check_module(module) for module in modules}
    for module in modules:
        source = modules_dir() / module
        if not source.is_dir():
            raise HoctapError(f"Không có thư mục courses/{module}.")
        target = ensure_course_dir(settings) / "source" / module
        if target.exists():
            shutil.rmtree(target)
        # A trainee's answers file must never travel with the module: autograding copies the
        # source's files over each submission and would replace every trainee's answers.
        ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc", ANSWERS_FILE)
        shutil.copytree(source, target, ignore=ignore)
    with gradebook_of(settings) as gradebook:
        for module, info in infos.items():
            gradebook.update_or_create_assignment(
                module, duedate=utc_naive(info.due) if info.due else None
            )
    if modules:
        run_nbgrader(settings, nbgrader_cli.RELEASE_MANY, *modules)


def fetch(settings: Settings, module: str, student: str) -> Path:
    """As a trainee: copy a released module into the trainee's workspace; returns its folder."""
    folder = trainee_dir(settings, student)
    _trainee_exchange(folder, module, "FetchAssignment")
    return folder / module


def submit(settings: Settings, module: str, student: str) -> None:
    """As a trainee: submit the module from the trainee's workspace."""
    _trainee_exchange(trainee_dir(settings, student), module, "Submit")


def _trainee_exchange(folder: Path, module: str, action: str) -> None:
    from hoctap.grading.imports import defer_iri_grammar

    defer_iri_grammar()
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeError, ExchangeFactory

    config = _load_config(folder)
    config.CourseDirectory.assignment_id = module
    coursedir = CourseDirectory(config=config)
    step = getattr(ExchangeFactory(config=config), action)(
        coursedir=coursedir, authenticator=Authenticator(config=config), config=config
    )
    try:
        step.start()
    except ExchangeError as exc:
        raise HoctapError(
            f"Không {'tải' if action.startswith('Fetch') else 'nộp'} được học phần {module}: {exc}"
        ) from exc


def submitted_students(settings: Settings, module: str) -> list[str]:
    """Trainees whose submission of the module has been collected."""
    return sorted(p.parent.name for p in settings.course_dir.glob(f"submitted/*/{module}"))


def collect(settings: Settings, module: str) -> list[str]:
    """Collect submissions from the exchange; returns the trainees who have submitted."""
    check_module(module)
    run_nbgrader(settings, "collect", module, "--update")
    return submitted_students(settings, module)


def autograde(
    settings: Settings, module: str, students: list[str] | None = None, force: bool = False
) -> list[str]:
    """Grade collected submissions with hoctap's parallel grader; returns who was graded.

    Raises HoctapError naming every submission that could not be graded.
    """
    from hoctap.grading.batch import grade
    from hoctap.grading.gradebook import prepare

    check_module(module)
    prepare(settings)
    run = grade(ensure_course_dir(settings), module, students=students or [], force=force)
    failed = run.with_status("failed")
    if failed:
        lines = "\n".join(f"  - {o.student}: {o.reason}" for o in failed)
        raise HoctapError(f"Có {len(failed)} bài chưa chấm được:\n{lines}", "Sửa rồi chạy lại.")
    return [o.student for o in run.outcomes]


def feedback(settings: Settings, module: str) -> int:
    """Write feedback (no hidden tests, no rubric) and release it; returns how many trainees."""
    check_module(module)
    run_nbgrader(settings, "generate_feedback", module, "--force")
    run_nbgrader(settings, "release_feedback", module)
    return sum(1 for d in settings.course_dir.glob(f"feedback/*/{module}") if d.is_dir())


# --- status ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TraineeStatus:
    """One trainee's progress in one module: a line of ``status``."""

    code: str
    """The trainee code (also a code found only in the exchange or the gradebook)."""
    name: str
    """The full name; empty for someone not in the roster."""
    unit_code: str
    """The unit's code; empty for someone not in the roster."""
    unit_name: str
    """The unit's name; ``NOT_IN_ROSTER`` for someone not in the roster."""
    fetched: bool
    """The module was fetched into the trainee's workspace."""
    submitted: bool
    """The module was handed in (or it has been graded, so it was handed in)."""
    graded: bool
    """The gradebook holds a score for the submission."""
    score: float | None
    """The score after any late penalty; None until graded."""
    max_score: float | None
    """The module's highest score; None until graded."""
    needs_manual: bool
    """A cell of the submission still waits for a trainer's grade."""
    passed: bool
    """The score reaches the module's pass mark."""
    has_feedback: bool
    """Feedback has been written for the trainee."""


@dataclass(frozen=True)
class UnitStatus:
    """One unit's progress in one module: the ``TraineeStatus`` of its trainees summed up."""

    unit_code: str
    """The unit's code; empty for the trainees not in the roster."""
    unit_name: str
    """The unit's name; ``NOT_IN_ROSTER`` for the trainees not in the roster."""
    trainees: int
    """How many trainees."""
    fetched: int
    """How many fetched the module."""
    submitted: int
    """How many handed it in."""
    graded: int
    """How many were graded."""
    passed: int
    """How many passed."""
    mean_score: float | None
    """The graded trainees' mean score, to two decimals; None when nobody was graded."""


# The columns people see (``hoctap course status``, its CSV and workbook, the progress page), in
# their order. Only ``shown_rows`` names them: modules pass the records.
STATUS_COLUMNS = [
    "Mã học viên",
    "Họ và tên",
    "Mã đơn vị",
    "Đơn vị",
    "Đã tải bài",
    "Đã nộp",
    "Đã chấm",
    "Điểm",
    "Điểm tối đa",
    "Cần chấm tay",
    "Đạt",
    "Có nhận xét",
]
UNIT_STATUS_COLUMNS = [
    "Mã đơn vị",
    "Đơn vị",
    "Số học viên",
    "Đã tải bài",
    "Đã nộp",
    "Đã chấm",
    "Đạt",
    "Điểm trung bình",
]


def shown_rows(
    records: Sequence[TraineeStatus] | Sequence[UnitStatus],
) -> list[dict[str, object]]:
    """The records as people see them: one row each, keyed by the Vietnamese headers of
    ``STATUS_COLUMNS`` (trainees) or ``UNIT_STATUS_COLUMNS`` (units), in that order."""
    rows: list[dict[str, object]] = []
    for r in records:
        columns: list[str]
        values: tuple[object, ...]
        if isinstance(r, TraineeStatus):
            columns = STATUS_COLUMNS
            values = (r.code, r.name, r.unit_code, r.unit_name, r.fetched, r.submitted, r.graded,
                      r.score, r.max_score, r.needs_manual, r.passed, r.has_feedback)  # fmt: skip
        else:
            columns = UNIT_STATUS_COLUMNS
            values = (r.unit_code, r.unit_name, r.trainees, r.fetched, r.submitted, r.graded,
                      r.passed, r.mean_score)  # fmt: skip
        rows.append(dict(zip(columns, values, strict=True)))
    return rows


NOT_IN_ROSTER = "(không có trong danh sách)"


def _stamp(text: str) -> datetime | None:
    """The time in an exchange record's name: hoctap's fetch record or nbgrader's submission."""
    for pattern in ("%Y-%m-%dT%H%M%S", "%Y-%m-%d %H:%M:%S.%f %Z", "%Y-%m-%d %H:%M:%S.%f"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def exchange_records(settings: Settings, folder: str, module: str) -> dict[str, datetime | None]:
    """Students with a record for the module in an exchange folder ("<student>+<module>+<time>
    [+...]"), each with the time of their first record (None when the name has none)."""
    path = settings.exchange_dir / COURSE_ID / folder
    found: dict[str, datetime | None] = {}
    if not path.is_dir():
        return found
    for entry in path.iterdir():
        parts = entry.name.split("+")
        if len(parts) < 2 or parts[1] != module:
            continue
        when = _stamp(parts[2]) if len(parts) > 2 else None
        earlier = found.get(parts[0])
        found[parts[0]] = when if earlier is None or (when and when < earlier) else earlier
    return found


def _exchange_students(settings: Settings, folder: str, module: str) -> set[str]:
    """Students with a record for the module in an exchange folder."""
    return set(exchange_records(settings, folder, module))


def _people(settings: Settings) -> list[Any]:
    """Everyone in the roster, with their unit loaded."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from hoctap.db import open_database
    from hoctap.db.models import Person

    db = open_database(settings)
    try:
        with db.session() as session:
            return list(session.scalars(select(Person).options(selectinload(Person.unit))))
    finally:
        db.close()


def trainee_units(settings: Settings) -> dict[str, tuple[str, str]]:
    """Trainee code -> (unit code, unit name), for summaries by unit."""
    return {p.code: (p.unit.code, p.unit.name) for p in _people(settings)}


def status(settings: Settings, module: str, unit_code: str | None = None) -> list[TraineeStatus]:
    """Per trainee: fetched, submitted, graded, score (after any late penalty), passed, feedback."""
    from hoctap.text.collation import name_key

    info = check_module(module)
    fetched = _exchange_students(settings, "fetched", module)
    submitted = _exchange_students(settings, "inbound", module)
    submitted |= {p.parent.name for p in settings.course_dir.glob(f"submitted/*/{module}")}
    with_feedback = {p.parent.name for p in settings.course_dir.glob(f"feedback/*/{module}")}
    from hoctap.grading.gradebook import graded_submissions

    grades = {
        student: (g.score, g.most, g.needs_manual)
        for student, modules in graded_submissions(settings, module).items()
        for g in modules.values()
    }
    people = _people(settings)
    if unit_code:
        people = [p for p in people if p.unit.code == unit_code]
    people.sort(key=lambda p: (p.unit.code, name_key(p.family_name, p.middle_name, p.given_name)))
    rows = [(p.code, p.full_name, p.unit.code, p.unit.name) for p in people]
    known = {p.code for p in people}
    if not unit_code:
        strays = sorted((fetched | submitted | set(grades)) - known)
        rows += [(code, "", "", NOT_IN_ROSTER) for code in strays]
    records: list[TraineeStatus] = []
    for code, name, unit, unit_name in rows:
        score, max_score, manual = grades.get(code, (None, None, False))
        graded = score is not None and code in grades
        passed = bool(
            score is not None and max_score and score / max_score * 100 >= info.pass_percent
        )
        records.append(
            TraineeStatus(
                code=code,
                name=name,
                unit_code=unit,
                unit_name=unit_name,
                fetched=code in fetched,
                submitted=code in submitted or graded,  # graded: it was handed in
                graded=graded,
                score=score if graded else None,
                max_score=max_score if graded else None,
                needs_manual=bool(manual),
                passed=passed,
                has_feedback=code in with_feedback,
            )
        )
    return records


def status_by_unit(records: Sequence[TraineeStatus]) -> list[UnitStatus]:
    """The status records summed up per unit, in the order the units first appear."""
    units: dict[tuple[str, str], list[TraineeStatus]] = {}
    for record in records:
        units.setdefault((record.unit_code, record.unit_name), []).append(record)
    summary = []
    for (code, name), members in units.items():
        scores = [m.score for m in members if m.graded and m.score is not None]
        summary.append(
            UnitStatus(
                unit_code=code,
                unit_name=name,
                trainees=len(members),
                fetched=sum(m.fetched for m in members),
                submitted=sum(m.submitted for m in members),
                graded=len(scores),
                passed=sum(m.passed for m in members),
                mean_score=round(sum(scores) / len(scores), 2) if scores else None,
            )
        )
    return summary
