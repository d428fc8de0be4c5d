"""Freezing a ranking: the judges' decision kept as it was, and what has changed since."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import select

from hoctap.awards.report import award_table
from hoctap.awards.selection import Selection
from hoctap.db import Database
from hoctap.db.models import AwardSnapshot
from hoctap.errors import HoctapError


@dataclass(frozen=True)
class Snapshot:
    id: int
    period: int
    frozen_by: str
    frozen_at: datetime
    criteria_digest: str
    table: pd.DataFrame
    criteria_name: str = ""


def freeze(db: Database, criteria: Selection, period: int, by: str) -> Snapshot:
    """Store the current ranking for the period, with the criteria's name and hash and the
    time."""
    if not by.strip():
        raise HoctapError("Cần tên người chốt kết quả.", "Thêm --by 'Họ và tên'.")
    table = award_table(db, criteria, period)
    data = table.astype(object).where(table.notna(), None).to_dict("records")
    with db.session() as session:
        row = AwardSnapshot(
            period=period,
            frozen_by=by.strip(),
            criteria_digest=criteria.digest,
            criteria_name=criteria.name,
            table=json.dumps(data, ensure_ascii=False, default=float),
        )
        session.add(row)
        session.flush()
        snapshot_id = row.id
    return latest(db, period, snapshot_id)


def latest(db: Database, period: int, snapshot_id: int | None = None) -> Snapshot:
    """The last frozen ranking of the period (or a given one)."""
    with db.session() as session:
        query = select(AwardSnapshot).where(AwardSnapshot.period == period)
        if snapshot_id is not None:
            query = query.where(AwardSnapshot.id == snapshot_id)
        row = session.scalars(query.order_by(AwardSnapshot.id.desc()).limit(1)).first()
        if row is None:
            raise HoctapError(
                f"Chưa chốt kết quả năm {period}.",
                f"Chốt bằng: hoctap awards freeze --period {period} --by 'Họ và tên'",
            )
        table = pd.DataFrame(json.loads(row.table))
        return Snapshot(
            row.id,
            row.period,
            row.frozen_by,
            row.frozen_at,
            row.criteria_digest,
            table,
            row.criteria_name,
        )


DIFF_COLUMNS = ["Mã đơn vị", "Đơn vị", "Đã chốt", "Hiện nay", "Thay đổi"]


def diff(
    db: Database, criteria: Selection, period: int
) -> tuple[Snapshot, list[dict[str, object]]]:
    """What would change if the period were ranked again now: per unit, total, level and rank."""
    snapshot = latest(db, period)
    now = award_table(db, criteria, period).set_index("Mã đơn vị")
    then = snapshot.table.set_index("Mã đơn vị")
    changes: list[dict[str, object]] = []
    for code in sorted(set(now.index) | set(then.index)):
        if code not in then.index or code not in now.index:
            present = now if code in now.index else then
            changes.append(
                {
                    "Mã đơn vị": code,
                    "Đơn vị": present.loc[code, "Đơn vị"],
                    "Đã chốt": "có" if code in then.index else "",
                    "Hiện nay": "có" if code in now.index else "",
                    "Thay đổi": "đơn vị mới" if code not in then.index else "đơn vị không còn",
                }
            )
            continue
        for column in ("Tổng điểm", "Xếp loại", "Hạng chung"):
            before, after = then.loc[code, column], now.loc[code, column]
            if str(before) != str(after):
                changes.append(
                    {
                        "Mã đơn vị": code,
                        "Đơn vị": now.loc[code, "Đơn vị"],
                        "Đã chốt": before,
                        "Hiện nay": after,
                        "Thay đổi": column,
                    }
                )
    return snapshot, changes
