"""What the platform measures for each unit: module completion and scores, contest taking part.

The calculations are pure functions over plain data (``module_measures``, ``contest_measures``);
``platform_measures`` reads the roster, nbgrader's gradebook and the contests' attempts and calls
them. A unit with nothing to measure gets NaN, shown as missing, never as a silent zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from hoctap.db import Database
from hoctap.settings import ZONE

Scores = Mapping[str, Mapping[str, tuple[float, float]]]
"""Trainee code -> module -> (score after any late penalty, maximum)."""


def _share(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else math.nan


def module_measures(
    scores: Scores, members: Mapping[str, str], pass_percent: Mapping[str, float]
) -> dict[str, dict[str, float]]:
    """Per unit: ``modules_completed`` (% of members who passed every module) and
    ``module_average`` (mean over members with a graded module of their score, % of the maximum).

    ``members`` maps each trainee to their unit; ``pass_percent`` each required module to its
    pass mark.
    """
    by_unit: dict[str, list[str]] = {}
    for trainee, unit in members.items():
        by_unit.setdefault(unit, []).append(trainee)
    result: dict[str, dict[str, float]] = {}
    for unit, trainees in by_unit.items():
        completed, averages = 0, []
        for trainee in trainees:
            graded = scores.get(trainee, {})
            passed = all(
                module in graded
                and graded[module][1] > 0
                and 100 * graded[module][0] / graded[module][1] >= mark
                for module, mark in pass_percent.items()
            )
            completed += bool(pass_percent) and passed
            total = sum(s for s, _ in graded.values())
            most = sum(m for _, m in graded.values())
            if most > 0:
                averages.append(100 * total / most)
        result[unit] = {
            "modules_completed": _share(completed, len(trainees)),
            "module_average": sum(averages) / len(averages) if averages else math.nan,
        }
    return result


def contest_measures(
    taken: Mapping[str, float], members: Mapping[str, str]
) -> dict[str, dict[str, float]]:
    """Per unit: ``contest_participation`` (% of members with a counted attempt) and
    ``contest_average`` (their mean score, % of the maximum).

    ``taken`` maps each trainee who took part to their best share of the maximum (0–100).
    """
    by_unit: dict[str, list[str]] = {}
    for trainee, unit in members.items():
        by_unit.setdefault(unit, []).append(trainee)
    result = {}
    for unit, trainees in by_unit.items():
        shares = [taken[t] for t in trainees if t in taken]
        result[unit] = {
            "contest_participation": _share(len(shares), len(trainees)),
            "contest_average": sum(shares) / len(shares) if shares else math.nan,
        }
    return result


def _gradebook_scores(db: Database) -> dict[str, dict[str, tuple[float, float]]]:
    from hoctap.grading.gradebook import graded_submissions

    return {
        student: {module: (g.score, g.most) for module, g in modules.items()}
        for student, modules in graded_submissions(db.settings).items()
    }


def _contest_shares(db: Database, period: int) -> dict[str, float]:
    """Trainee code -> best share of the maximum in the period's contests (first listed wins)."""
    from sqlalchemy import select

    from hoctap.contest.catalog import list_contests
    from hoctap.contest.results import counted_scores
    from hoctap.db.models import Person

    shares: dict[int, float] = {}
    for loaded in list_contests(db.settings):
        opens = loaded.contest.opens
        if opens is not None and opens.astimezone(ZONE).year != period:
            continue
        for person_id, share in counted_scores(db, loaded).items():
            shares[person_id] = max(share, shares.get(person_id, 0.0))
    with db.session() as session:
        codes = {row[0]: row[1] for row in session.execute(select(Person.id, Person.code))}
    return {codes[p]: s for p, s in shares.items() if p in codes}


def platform_measures(db: Database, period: int) -> dict[str, dict[str, float]]:
    """Unit code -> measure -> value, from the roster, the gradebook and the contests."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from hoctap.db.models import Person
    from hoctap.grading.policy import load_policy

    with db.session() as session:
        people = session.scalars(select(Person).options(selectinload(Person.unit))).all()
        members = {p.code: p.unit.code for p in people}
    policy = load_policy()
    marks = {m.id: m.pass_percent for m in policy.modules.values()}
    measures = module_measures(_gradebook_scores(db), members, marks)
    for unit, values in contest_measures(_contest_shares(db, period), members).items():
        measures.setdefault(unit, {}).update(values)
    return measures


def this_year() -> int:
    return datetime.now(ZONE).year
