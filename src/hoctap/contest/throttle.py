"""Limits on trying: wrong codes and phone digits, registrations, searches of the roster.

A code plus four phone digits is a weak secret: ten thousand tries find the digits. Each failed
try is written to the database (every worker of the contest service counts the same tries), and
once a key has had its share in the window, the next try is refused with the wait in Vietnamese.
Keys are per person (the code tried) and per client address; a commune's meeting shares one
address, so the address's share is larger, and successful entries never count against it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from hoctap.db import Database
from hoctap.db.models import ThrottleHit
from hoctap.errors import Refused

WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Limit:
    """At most ``count`` hits of one key in ``window``."""

    name: str
    count: int
    window: timedelta = WINDOW
    what: str = "thử"


PERSON_TRIES = Limit("person", 5, what="nhập sai mã học viên hoặc số điện thoại")
"""Wrong digits (or codes) for one code: five tries, then wait."""
ADDRESS_TRIES = Limit("address", 60, what="nhập sai mã học viên hoặc số điện thoại")
"""Wrong tries from one address (a whole commune may share it)."""
REGISTRATIONS = Limit("register", 200, what="đăng ký")
"""Registrations from one address: a meeting hall registers together."""
PHONE_TRIES = Limit("phone", 5, what="đăng ký")
"""Refused registrations of one phone number."""
SEARCHES = Limit("search", 60, what="tìm tên")
"""Searches of the roster by name from one address."""


def _key(limit: Limit, key: str) -> str:
    return f"{limit.name}:{key}"[:200]


def check(db: Database, limits: list[tuple[Limit, str]], now: datetime) -> None:
    """Refuse, saying how long to wait, when any (limit, key) has used its share."""
    moment = now.astimezone(UTC)
    with db.session() as session:
        for limit, key in limits:
            since = moment - limit.window
            rows = session.execute(
                select(func.count(), func.min(ThrottleHit.at)).where(
                    ThrottleHit.key == _key(limit, key), ThrottleHit.at > since
                )
            ).one()
            count, oldest = int(rows[0] or 0), rows[1]
            if count >= limit.count:
                first = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
                wait = max(1, int((first + limit.window - moment).total_seconds() // 60) + 1)
                raise Refused(
                    f"Đã {limit.what} quá nhiều lần trong {int(limit.window.total_seconds() // 60)}"
                    f" phút.",
                    f"Vui lòng chờ khoảng {wait} phút rồi thử lại; nếu quên mã hoặc số điện thoại, "
                    "hỏi cán bộ phụ trách ở đơn vị.",
                )


def hit(db: Database, limits: list[tuple[Limit, str]], now: datetime) -> None:
    """Count one try against each (limit, key); now and then forget tries older than a day."""
    moment = now.astimezone(UTC)
    with db.session() as session:
        session.add_all(ThrottleHit(key=_key(limit, key), at=moment) for limit, key in limits)
        if random.random() < 0.01:
            session.execute(delete(ThrottleHit).where(ThrottleHit.at < moment - timedelta(days=1)))
