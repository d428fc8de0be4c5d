"""A platform contest's results: the stored attempts, graded and ranked like ``rank-forms``.

One attempt counts per entrant (best, latest or first, as the contest says); an attempt past its
deadline counts as handed in at the deadline; attempts still running are left out and counted.
The public form shows a name only with the entrant's recorded consent ("Thí sinh #12" otherwise)
and never a phone number or an ID number.
"""

from __future__ import annotations

import json
from datetime import UTC

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hoctap.contest.catalog import LoadedContest
from hoctap.contest.cells import predictions
from hoctap.contest.grading import MANUAL, grade_answers
from hoctap.contest.sessions import Clock, aware, server_now
from hoctap.contest.standings import TIME_FORMAT, RankedContest, RankingRules, Roster, rank_table
from hoctap.db import Database
from hoctap.db.models import Attempt, Entrant
from hoctap.quiz.model import Question
from hoctap.settings import ZONE


def rules_of(loaded: LoadedContest, groups: bool) -> RankingRules:
    contest = loaded.contest
    return RankingRules(
        predict=contest.predict,
        levels=contest.prizes,
        min_score=contest.min_score,
        order=contest.ranking,
        groups=contest.groups if groups else None,
    )


def attempts_table(db: Database, loaded: LoadedContest, now: Clock = server_now) -> pd.DataFrame:
    """One row per handed-in (or timed-out) attempt, with its saved answers, one column each."""
    moment = now().astimezone(UTC)
    rows = []
    with db.session() as session:
        entrants = session.scalars(
            select(Entrant)
            .where(Entrant.contest == loaded.contest.name)
            .options(selectinload(Entrant.attempts).selectinload(Attempt.answers))
        ).all()
        for entrant in entrants:
            for attempt in entrant.attempts:
                deadline = aware(attempt.deadline)
                submitted = aware(attempt.submitted_at) if attempt.submitted_at else None
                if submitted is None and deadline <= moment:
                    submitted = deadline  # time ran out: handed in at the deadline
                row: dict[str, object] = {
                    "entrant": entrant.id,
                    "attempt": attempt.id,
                    "number": attempt.number,
                    "name": entrant.full_name,
                    "unit": entrant.unit_name,
                    "consent": entrant.consent_publish,
                    "drawn": json.loads(attempt.questions),
                    "started": aware(attempt.started_at),
                    "submitted": submitted,
                }
                row |= {f"q:{a.question}": a.answer for a in attempt.answers}
                rows.append(row)
    return pd.DataFrame(rows)


def counted_attempts(
    db: Database, loaded: LoadedContest, now: Clock = server_now
) -> tuple[pd.DataFrame, list[Question], list[str]]:
    """The one attempt that counts per entrant, graded: its ``score``, ``full`` (the most its
    paper could score), ``prediction`` and ``duration``; the graded questions; notes."""
    contest = loaded.contest
    table = attempts_table(db, loaded, now)
    notes: list[str] = []
    if table.empty:
        return table, [], notes
    running = table["submitted"].isna()
    if running.any():
        notes.append(f"{int(running.sum())} bài đang làm dở chưa được tính.")
    table = table[~running].reset_index(drop=True)
    drawn_names = {name for names in table["drawn"] for name in names}
    graded = [q for q in loaded.questions if q.type not in MANUAL and q.name in drawn_names]
    answers = pd.DataFrame(
        {q.name: table.get(f"q:{q.name}", pd.Series("", index=table.index)) for q in graded},
        index=table.index,
    ).fillna("")
    table["score"] = grade_answers(graded, answers)["score"]
    table["full"] = [sum(q.points for q in graded if q.name in names) for names in table["drawn"]]
    if contest.prediction and f"q:{contest.prediction}" in table:
        table["prediction"] = predictions(table[f"q:{contest.prediction}"].fillna("").astype(str))
    else:
        table["prediction"] = np.nan
    table["duration"] = [
        (s - b).total_seconds() for s, b in zip(table["submitted"], table["started"], strict=True)
    ]
    return _counted(table, contest.counts), graded, notes


def counted_scores(db: Database, loaded: LoadedContest) -> dict[int, float]:
    """Roster person id -> the counted attempt's score as a share of its maximum (0–100)."""
    table, _, _ = counted_attempts(db, loaded)
    if table.empty:
        return {}
    with db.session() as session:
        rows = session.execute(
            select(Entrant.id, Entrant.person_id).where(Entrant.contest == loaded.contest.name)
        )
        people = {row[0]: row[1] for row in rows}
    shares = {}
    for entrant, score, full in zip(table["entrant"], table["score"], table["full"], strict=True):
        person = people.get(int(entrant))
        if person is not None and full:
            shares[int(person)] = 100.0 * float(score) / float(full)
    return shares


def database_roster(db: Database) -> Roster:
    """Each unit's member count from the roster, for the group prizes' participation rates."""
    from sqlalchemy import func

    from hoctap.db.models import Person, Unit
    from hoctap.people.units import unit_key

    with db.session() as session:
        rows = session.execute(
            select(Unit.name, func.count(Person.id))
            .join(Person, Person.unit_id == Unit.id)
            .group_by(Unit.name)
        ).all()
    members = {unit_key(name): int(count) for name, count in rows}
    return Roster(members, {unit_key(name): name for name, _ in rows})


def contest_results(
    db: Database,
    loaded: LoadedContest,
    public: bool = False,
    groups: bool = False,
    roster: Roster | None = None,
    now: Clock = server_now,
) -> RankedContest:
    """The ranking of the contest's counted attempts, by its own rules."""
    table, graded, notes = counted_attempts(db, loaded, now)
    if table.empty:
        entries = pd.DataFrame(
            columns=["name", "unit", "score", "prediction", "submitted", "shown_time", "duration"]
        )
        return rank_table(entries, 0, [], rules_of(loaded, groups), roster, notes)
    full = max(table["full"], default=0)
    table["submitted"] = pd.to_datetime(table["submitted"], utc=True)
    table["shown_time"] = table["submitted"].dt.tz_convert(ZONE).dt.strftime(TIME_FORMAT)
    if public:
        hidden = ~table["consent"].astype(bool)
        table.loc[hidden, "name"] = [f"Thí sinh #{e}" for e in table.loc[hidden, "entrant"]]
    entries = table[
        ["name", "unit", "score", "prediction", "submitted", "shown_time", "duration", "entrant"]
    ]
    return rank_table(
        entries,
        full,
        [q.name for q in graded],
        rules_of(loaded, groups),
        roster,
        notes,
        score_label="Điểm",
    )


def _counted(table: pd.DataFrame, counts: str) -> pd.DataFrame:
    """One attempt per entrant: the best (then the earliest), the latest or the first."""
    if counts == "best":
        order = table.sort_values(["score", "submitted"], ascending=[False, True], kind="stable")
    elif counts == "latest":
        order = table.sort_values("number", ascending=False, kind="stable")
    else:
        order = table.sort_values("number", kind="stable")
    return order.drop_duplicates("entrant", keep="first").sort_index().reset_index(drop=True)
