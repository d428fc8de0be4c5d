"""The roster as the database holds it, for comparing before and after an import."""

from __future__ import annotations

from sqlalchemy import select

from hoctap.db import Database
from hoctap.db.models import Person


def snapshot(db: Database) -> list[tuple[object, ...]]:
    with db.session() as session:
        return sorted(
            (
                p.code,
                p.full_name,
                p.unit_id,
                p.role,
                p.phone,
                p.email,
                p.consent_publish,
                p.updated_at.replace(tzinfo=None),
            )
            for p in session.scalars(select(Person))
        )
