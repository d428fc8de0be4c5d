"""Demo data: generated (not real) people in every unit, labelled as demo, seeded idempotently."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hoctap.db import Database
from hoctap.db.models import Person, Unit
from hoctap.io.readers import Table
from hoctap.people.roster import ROSTER_COLUMNS, import_rows
from hoctap.people.units import seed_catalogue, seed_units

DEMO_SEED = 2021_2030
DEFAULT_PEOPLE = 5000

# Family names common in Cao Bằng (Tày, Nùng, Kinh) and everyday given names.
_FAMILY = [
    "Nông",
    "Hoàng",
    "Lục",
    "Bế",
    "Đàm",
    "Sầm",
    "Lương",
    "Triệu",
    "Mã",
    "Lý",
    "La",
    "Hứa",
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Ngô",
    "Dương",
    "Hà",
    "Lô",
]
_MIDDLE_F = ["Thị", "Thị", "Thị Thu", "Thị Minh", "Ngọc", "Thu", "Hồng", "Thanh", "Kim", "Thị Hồng"]
_MIDDLE_M = ["Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Xuân", "Thanh", "Văn Hải", "Ngọc"]
_GIVEN_F = [
    "An",
    "Ánh",
    "Chi",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hòa",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Mai",
    "Nga",
    "Ngọc",
    "Nhung",
    "Phương",
    "Quyên",
    "Thảo",
    "Thủy",
    "Trang",
    "Uyên",
    "Vân",
    "Xuân",
    "Yến",
    "Ưng",
    "Ơn",
]
_GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Giang", "Hải", "Hiếu", "Hòa", "Hùng",
            "Huy", "Khánh", "Kiên", "Long", "Minh", "Nam", "Phong", "Quân", "Quý", "Sơn",
            "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Ân", "Ước"]  # fmt: skip
_ROLES = {
    "xa_phuong": ["Tuyên truyền viên", "Cán bộ thông tin cơ sở", "Báo cáo viên",
                  "Cán bộ, công chức, viên chức"],
    "bao_chi": ["Phóng viên", "Biên tập viên"],
}  # fmt: skip
_OTHER_ROLES = ["Báo cáo viên", "Cán bộ, công chức, viên chức", "Tuyên truyền viên"]
_MOBILE_PREFIXES = ["032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097",
                    "098", "081", "082", "083", "084", "085", "088", "091", "094", "070", "076",
                    "077", "078", "079", "089", "090", "093", "056", "058"]  # fmt: skip


@dataclass(frozen=True)
class DemoReport:
    units_added: int
    units_total: int
    people_created: int
    people_updated: int
    people_unchanged: int
    people_total: int


def _allocate(weights: list[float], total: int) -> list[int]:
    """Split ``total`` in proportion to the weights, exactly (largest remainder)."""
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def demo_rows(units: list[Unit], total: int, seed: int = DEMO_SEED) -> list[dict[str, object]]:
    """Deterministic generated people spread over the units (more in communes).

    Each unit draws from its own random stream, seeded by its code, so a unit added or renamed
    later does not change the people generated for the others.
    """
    targets = sorted((u for u in units if u.kind != "tinh"), key=lambda u: u.code)
    weights = [
        random.Random(f"{seed}:{u.code}:size").uniform(0.3, 1.7)
        * (1.3 if u.kind == "xa_phuong" else 1.0)
        for u in targets
    ]
    rows: list[dict[str, object]] = []
    phones: set[str] = set()
    for unit, count in zip(targets, _allocate(weights, total), strict=True):
        rng = random.Random(f"{seed}:{unit.code}:people")
        roles = _ROLES.get(unit.kind, _OTHER_ROLES)
        for _ in range(count):
            female = rng.random() < 0.55
            family = rng.choice(_FAMILY)
            middle = rng.choice(_MIDDLE_F if female else _MIDDLE_M)
            given = rng.choice(_GIVEN_F if female else _GIVEN_M)
            phone = ""
            while not phone or phone in phones:
                phone = rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
            phones.add(phone)
            rows.append(
                {
                    "name": f"{family} {middle} {given}",
                    "unit": unit.code,
                    "role": rng.choice(roles),
                    "phone": phone,
                    "consent": "Có" if rng.random() < 0.7 else "Không",
                }
            )
    return rows


def seed_demo(db: Database, people: int = DEFAULT_PEOPLE) -> DemoReport:
    """Seed the units and ``people`` generated trainees; running it again changes nothing."""
    with db.session() as session:
        units_added = seed_units(session)
        # Only the standard units: units a province adds do not reshape the demo.
        standard = {seed.code for seed in seed_catalogue()}
        units = [
            u
            for u in session.scalars(select(Unit).options(selectinload(Unit.aliases)))
            if u.code in standard
        ]
        table = Table(
            source="dữ liệu mẫu",
            headers={c.key: c.header for c in ROSTER_COLUMNS},
            rows=[(i + 2, row) for i, row in enumerate(demo_rows(units, people))],
        )
        report = import_rows(db, session, table, is_demo=True)
        total = session.scalar(select(func.count()).select_from(Person)) or 0
    return DemoReport(
        units_added, len(units), report.created, report.updated, report.unchanged, total
    )
