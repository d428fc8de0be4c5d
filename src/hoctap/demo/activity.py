"""The demo's year of activity: module grades in nbgrader's gradebook and contest attempts.

Only generated (demo) trainees get activity, and only those with none yet, so a province's own
data is never touched and running it again changes nothing. Each unit follows its demo strength
(``demo_strength``, shared with the demo self-assessments): strong units have most members
through every module with good scores and most of them in the contest, weak ones few.

The modules are released with nbgrader as a trainer would. The submissions are then written in
bulk into nbgrader's own tables (its ORM's tables, the rows ``Gradebook.add_submission`` makes,
with scores as autograding and manual grading leave them): the gradebook API adds one submission
per transaction, which takes minutes for thousands of trainees. Demo submissions have no
notebook files; the formgrader lists them with their scores.
"""

from __future__ import annotations

import json
import random
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from hoctap.db import Database
from hoctap.db.models import Attempt, AttemptAnswer, Entrant, Person, Unit
from hoctap.quiz.model import Question

DEMO_CONTEST = "thi-tim-hieu-mau"
CHUNK = 5000


@dataclass(frozen=True)
class ActivityReport:
    modules_released: int
    submissions: int
    attempts: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Trainee:
    code: str
    person_id: int
    full_name: str
    unit_id: int
    unit_code: str
    unit_name: str
    phone: str | None
    consent: bool


def _demo_trainees(db: Database) -> list[_Trainee]:
    with db.session() as session:
        rows = session.execute(
            select(
                Person.code,
                Person.id,
                Person.full_name,
                Unit.id,
                Unit.code,
                Unit.name,
                Person.phone,
                Person.consent_publish,
            )
            .join(Unit, Unit.id == Person.unit_id)
            .where(Person.is_demo.is_(True))
            .order_by(Person.code)
        ).all()
    return [_Trainee(*row) for row in rows]


def _strengths(period: int, trainees: Iterable[_Trainee]) -> dict[str, float]:
    from hoctap.awards.selfassessment import demo_strength

    return {t.unit_code: demo_strength(period, t.unit_code)[2] for t in trainees}


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


# ---------------------------------------------------------------------------------------------
# Module grades


def structure_of(gradebook: Any, modules: list[str]) -> dict[str, dict[str, Any]]:
    """Per module: its assignment id and, per notebook, the cells a submission mirrors."""
    result: dict[str, dict[str, Any]] = {}
    for module in modules:
        assignment = gradebook.find_assignment(module)
        result[module] = {
            "id": assignment.id,
            "notebooks": [
                {
                    "id": notebook.id,
                    "grade": [(c.id, c.max_score, c.cell_type) for c in notebook.grade_cells],
                    "solution": [c.id for c in notebook.solution_cells],
                    "task": [(c.id, c.max_score) for c in notebook.task_cells],
                }
                for notebook in assignment.notebooks
            ],
        }
    return result


def _score(rng: random.Random, most: float, share: float, manual: bool) -> float:
    """A cell's score for a trainee who masters ``share`` of the module: tests pass or fail,
    a trainer's rubric gives partial marks."""
    if manual:
        return round(most * _clip(rng.gauss(share, 0.15)) * 2) / 2
    return most if rng.random() < share else 0.0


def submission_rows(
    rng: random.Random,
    student: str,
    module: dict[str, Any],
    share: float,
    when: datetime,
    tables: dict[str, list[dict[str, Any]]],
) -> None:
    """The rows ``Gradebook.add_submission`` makes for one submission, with its scores."""
    submission = uuid.uuid4().hex
    tables["submitted_assignment"].append(
        {"id": submission, "assignment_id": module["id"], "student_id": student,
         "timestamp": when, "extension": None}
    )  # fmt: skip
    for notebook in module["notebooks"]:
        submitted = uuid.uuid4().hex
        tables["submitted_notebook"].append(
            {"id": submitted, "assignment_id": submission, "notebook_id": notebook["id"],
             "flagged": False, "late_submission_penalty": None}
        )  # fmt: skip
        for cell, most, cell_type in notebook["grade"]:
            manual = cell_type == "markdown"
            score = _score(rng, most, share, manual)
            tables["grade"].append(
                {"id": uuid.uuid4().hex, "notebook_id": submitted, "cell_id": cell,
                 "auto_score": None if manual else score, "manual_score": score if manual else None,
                 "extra_credit": None, "needs_manual_grade": False}
            )  # fmt: skip
        for cell, most in notebook["task"]:
            tables["grade"].append(
                {"id": uuid.uuid4().hex, "notebook_id": submitted, "cell_id": cell,
                 "auto_score": None, "manual_score": _score(rng, most, share, True),
                 "extra_credit": None, "needs_manual_grade": False}
            )  # fmt: skip
        for cell in [*notebook["solution"], *(c for c, _ in notebook["task"])]:
            tables["comment"].append(
                {"id": uuid.uuid4().hex, "notebook_id": submitted, "cell_id": cell,
                 "auto_comment": None, "manual_comment": None}
            )  # fmt: skip


def seed_demo_grades(
    db: Database,
    period: int,
    trainees: list[_Trainee],
    now: datetime,
    say: Callable[[str], None],
) -> tuple[int, int]:
    """Release the modules not yet released, then grade the demo trainees who have no
    submission yet; returns (modules released, submissions written)."""
    from nbgrader import api

    from hoctap.grading.course import gradebook_of, module_ids, release_many
    from hoctap.grading.gradebook import students

    settings = db.settings
    modules = module_ids()
    with gradebook_of(settings) as gradebook:
        released = {a.name for a in gradebook.assignments if a.notebooks}
    unreleased = [m for m in modules if m not in released]
    if unreleased:
        say(f"Phát {len(unreleased)} học phần bằng nbgrader (một lần, khoảng 10 giây)…")
        release_many(settings, unreleased)
    known = set(students(settings))
    tables = new_tables()
    start = datetime(period, 3, 1)
    end = min(datetime(period, 12, 31), now.astimezone(UTC).replace(tzinfo=None))
    with gradebook_of(settings) as gradebook:
        session = gradebook.db
        graded = {
            row[0] for row in session.execute(select(api.SubmittedAssignment.student_id).distinct())
        }
        structure = structure_of(gradebook, modules)
        strengths = _strengths(period, trainees)
        count = 0
        for trainee in trainees:
            if trainee.code in graded or trainee.code not in known:
                continue
            rng = random.Random(f"{period}:{trainee.code}:modules")
            strength = strengths[trainee.unit_code]
            # Active members take every module; the others one or two, or none.
            active = rng.random() < strength
            taken = modules if active else rng.sample(modules, rng.choice([0, 0, 1, 2]))
            ability = _clip(rng.gauss(0.45 + 0.5 * strength, 0.12))
            for module in taken:
                if active and rng.random() < 0.04:
                    continue  # now and then a module not handed in
                when = _moment(rng, start, end)
                submission_rows(rng, trainee.code, structure[module], ability, when, tables)
                count += 1
        write_submissions(session, tables)
        session.commit()
    return len(unreleased), count


def new_tables() -> dict[str, list[dict[str, Any]]]:
    """Rows to write, per nbgrader table, parents first."""
    return {"submitted_assignment": [], "submitted_notebook": [], "grade": [], "comment": []}


def write_submissions(session: Any, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Insert the rows ``submission_rows`` made into nbgrader's tables, in bulk."""
    from nbgrader import api

    models = {
        "submitted_assignment": api.SubmittedAssignment,
        "submitted_notebook": api.SubmittedNotebook,
        "grade": api.Grade,
        "comment": api.Comment,
    }
    for name, model in models.items():
        rows = tables[name]
        for first in range(0, len(rows), CHUNK):
            session.execute(insert(model.__table__), rows[first : first + CHUNK])


# ---------------------------------------------------------------------------------------------
# Contest attempts


def _demo_answer(rng: random.Random, question: Question, knows: bool) -> str | None:
    """What a trainee answers: the key if they know it, otherwise a wrong option."""
    if question.type == "numeric":
        return str(rng.randrange(500, 6000))
    right = [a.text for a in question.answers if a.fraction > 0]
    wrong = [a.text for a in question.answers if a.fraction <= 0]
    if not right:
        return None
    if question.type == "multiple_choice":
        picked = right if knows or not wrong else [*right[:-1], rng.choice(wrong)]
        return ";".join(sorted(picked))
    return rng.choice(right) if knows or not wrong else rng.choice(wrong)


def seed_demo_attempts(
    db: Database, period: int, trainees: list[_Trainee], now: datetime
) -> tuple[int, str | None]:
    """Handed-in attempts at the sample contest for demo trainees who have not entered it;
    returns (attempts written, why none were if so)."""
    from hoctap.contest.catalog import list_contests
    from hoctap.contest.definition import draw_questions
    from hoctap.settings import ZONE

    loaded = next((c for c in list_contests(db.settings) if c.contest.name == DEMO_CONTEST), None)
    if loaded is None:
        return 0, f"không tìm thấy cuộc thi mẫu {DEMO_CONTEST}"
    contest = loaded.contest
    opens = contest.opens or datetime(period, 1, 1, tzinfo=ZONE)
    closes = min(contest.closes or now, now)
    if opens.astimezone(ZONE).year != period or closes - opens < timedelta(hours=2):
        return 0, f"cuộc thi mẫu {DEMO_CONTEST} không diễn ra trong năm {period} đến nay"
    strengths = _strengths(period, trainees)
    with db.session() as session:
        entered = set(
            session.scalars(select(Entrant.person_id).where(Entrant.contest == contest.name))
        )
        entrants: list[tuple[_Trainee, Entrant]] = []
        for trainee in trainees:
            if trainee.person_id in entered:
                continue
            rng = random.Random(f"{period}:{trainee.code}:contest")
            if rng.random() >= 0.2 + 0.75 * strengths[trainee.unit_code]:
                continue
            started = _moment(rng, opens, closes - timedelta(hours=1)).astimezone(UTC)
            entrant = Entrant(
                contest=contest.name,
                person_id=trainee.person_id,
                full_name=trainee.full_name,
                unit_id=trainee.unit_id,
                unit_name=trainee.unit_name,
                phone=trainee.phone,
                consent_publish=trainee.consent,
                consent_at=started,
                created_at=started,
            )
            session.add(entrant)
            entrants.append((trainee, entrant))
        session.flush()  # the entrants' ids seed their papers, as on the platform
        attempts, answers = [], []
        for trainee, entrant in entrants:
            rng = random.Random(f"{period}:{trainee.code}:attempt")
            assert entrant.created_at is not None
            started = entrant.created_at
            seed = f"{contest.name}:{entrant.id}:1"
            drawn = draw_questions(contest, loaded.questions, seed)
            knows = _clip(rng.gauss(0.35 + 0.55 * strengths[trainee.unit_code], 0.15))
            took = timedelta(seconds=rng.uniform(0.2, 0.95) * contest.time_limit.total_seconds())
            attempts.append(
                {
                    "entrant_id": entrant.id,
                    "number": 1,
                    "seed": seed,
                    "questions": json.dumps([q.name for q in drawn], ensure_ascii=False),
                    "started_at": started,
                    "deadline": started + contest.time_limit,
                    "submitted_at": started + took,
                    "holder": secrets.token_hex(16),
                }
            )
            answers.append(
                [
                    (q.name, text, started + took * (i + 1) / (len(drawn) + 1))
                    for i, q in enumerate(drawn)
                    if (text := _demo_answer(rng, q, rng.random() < knows)) is not None
                ]
            )
        if attempts:
            session.execute(insert(Attempt), attempts)
            ids = {
                row[0]: row[1]
                for row in session.execute(
                    select(Attempt.entrant_id, Attempt.id).where(
                        Attempt.entrant.has(Entrant.contest == contest.name)
                    )
                )
            }
            rows = [
                {"attempt_id": ids[e.id], "question": name, "answer": text, "answered_at": when}
                for (_, e), given in zip(entrants, answers, strict=True)
                for name, text, when in given
            ]
            for first in range(0, len(rows), CHUNK):
                session.execute(insert(AttemptAnswer), rows[first : first + CHUNK])
    return len(attempts), None


def seed_demo_activity(
    db: Database, period: int, say: Callable[[str], None] = print, now: datetime | None = None
) -> ActivityReport:
    """Module grades and contest attempts for the demo trainees (see the module's docstring)."""
    moment = now or datetime.now(UTC)
    trainees = _demo_trainees(db)
    if not trainees:
        return ActivityReport(0, 0, 0, ("chưa có học viên mẫu",))
    released, submissions = seed_demo_grades(db, period, trainees, moment, say)
    attempts, why = seed_demo_attempts(db, period, trainees, moment)
    return ActivityReport(released, submissions, attempts, (why,) if why else ())
