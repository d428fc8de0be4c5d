"""Units (đơn vị): the hierarchy under Cao Bằng province; tolerant matching, import, listing."""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hoctap.db import Database, open_database
from hoctap.db.models import Person, Unit, UnitAlias, utcnow
from hoctap.errors import HoctapError, ImportRejected, RowProblem
from hoctap.io.readers import Column, Table, read_table
from hoctap.settings import Settings
from hoctap.text import fold, normalize
from hoctap.text.collation import sort_key
from hoctap.text.search import matches

PROVINCE_CODE = "04"
PROVINCE_NAME = "Tỉnh Cao Bằng"

KINDS: dict[str, str] = {
    "tinh": "Tỉnh",
    "xa_phuong": "Xã, phường",
    "so_nganh": "Sở, ngành",
    "bao_chi": "Cơ quan báo chí",
    "co_quan_dang": "Cơ quan Đảng",
    "doan_the": "Đoàn thể",
    "khac": "Khác",
}
"""Kind key -> Vietnamese label. Units are ranked within their kind."""

# Words that may come before a unit's name ("UBND xã Hưng Đạo"), in folded form.
_PREFIXES = ("ubnd", "xa", "phuong", "thi tran", "x", "p", "tt")


def parse_kind(value: str) -> str | None:
    """The kind key for a key or label given in any spelling ("Xã, phường", "xa_phuong", "xã")."""
    folded = fold(value).replace(" ", "")
    for key, label in KINDS.items():
        if folded in (key.replace("_", ""), fold(label).replace(" ", "")):
            return key
    aliases = {"xa": "xa_phuong", "phuong": "xa_phuong", "so": "so_nganh", "nganh": "so_nganh",
               "baochi": "bao_chi", "dang": "co_quan_dang", "doanthe": "doan_the"}  # fmt: skip
    return aliases.get(folded)


def unit_key(name: str) -> str:
    """The key every usual spelling of one unit's name shares.

    "UBND xã Hưng Đạo", "Xã Hưng Đạo", "hung dao" -> "hung dao"; "Sở Giáo dục và Đào tạo tỉnh
    Cao Bằng", "Sở Giáo dục - Đào tạo" -> "so giao duc dao tao". A bare "Hội Khuyến học" does
    not become "Hội Khuyến học tỉnh": a commune has its own, and guessing would file people
    under the wrong unit.
    """
    words = f" {fold(name)} ".replace(" uy ban nhan dan ", " ubnd ").replace(" va ", " ").split()
    while len(words) > 1:
        if len(words) > 2 and " ".join(words[:2]) in _PREFIXES:
            words = words[2:]
        elif words[0] in _PREFIXES:
            words = words[1:]
        else:
            break
    if not words:
        return ""
    if words[-3:] == ["tinh", "cao", "bang"] and len(words) > 3:
        words = words[:-2]  # "... tỉnh Cao Bằng" is "... tỉnh"
    elif words[-2:] == ["cao", "bang"] and len(words) > 3:
        words = words[:-2]  # "Tỉnh đoàn Cao Bằng"; but "Báo Cao Bằng" keeps its name
    if words[0] == "so" and words[-1] == "tinh" and len(words) > 2:
        words = words[:-1]  # every sở is provincial: "Sở Y tế tỉnh" is "Sở Y tế"
    return " ".join(words)


class UnitMatcher:
    """Finds a unit from a name as people write it: any case, with or without accents or prefix."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self._names: dict[str, set[int]] = {}
        self._codes: dict[str, int] = {}
        self._units: dict[int, Unit] = {}
        for unit in units:
            self.add(unit, [unit.name, *(a.name for a in unit.aliases)])

    def add(self, unit: Unit, names: Iterable[str]) -> None:
        self._units[unit.id] = unit
        for name in names:
            self._names.setdefault(unit_key(name), set()).add(unit.id)
        code = fold(unit.code)
        self._codes[code] = unit.id
        if code.isdigit():
            self._codes[code.lstrip("0")] = unit.id  # Excel drops a number's leading zeros

    def find(self, text: str) -> list[Unit]:
        """Every unit the text may name: one when it is clear, several when it is ambiguous."""
        code = self._codes.get(fold(text))
        ids = {code} if code is not None else self._names.get(unit_key(text), set())
        return sorted((self._units[i] for i in ids), key=lambda u: u.code)

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """The names of the units closest to the text, for a "did you mean" hint."""
        close = difflib.get_close_matches(
            unit_key(text), list(self._names), n=limit * 2, cutoff=0.6
        )
        names: list[str] = []
        for key in close:
            for unit_id in sorted(self._names[key]):
                name = self._units[unit_id].name
                if name not in names:
                    names.append(name)
        return names[:limit]


def load_matcher(session: Session) -> UnitMatcher:
    units = session.scalars(select(Unit).options(selectinload(Unit.aliases))).all()
    return UnitMatcher(units)


@dataclass(frozen=True)
class SeedUnit:
    code: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


def seed_catalogue() -> list[SeedUnit]:
    """The units every installation starts with: the province, its 56 communes, provincial units."""
    from vietnam_provinces import ProvinceCode, Ward

    units = [SeedUnit(PROVINCE_CODE, PROVINCE_NAME, "tinh", ("Cao Bằng", "UBND tỉnh Cao Bằng"))]
    # Nghị quyết 1657/NQ-UBTVQH15: 53 xã and 3 phường since 1/7/2025; official 5-digit codes.
    for ward in Ward.iter_by_province(ProvinceCode.P_04):
        units.append(SeedUnit(f"{int(ward.code):05d}", normalize(ward.name), "xa_phuong"))
    data = resources.files("hoctap").joinpath("data/provincial_units.csv")
    with data.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            aliases = tuple(a.strip() for a in row["Tên gọi khác"].split(";") if a.strip())
            units.append(SeedUnit(row["Mã đơn vị"], row["Tên đơn vị"], row["Loại đơn vị"], aliases))
    return units


def seed_units(session: Session) -> int:
    """Add the catalogue's units that are missing; never changes existing ones. Returns how many."""
    existing = set(session.scalars(select(Unit.code)))
    province = session.scalar(select(Unit).where(Unit.code == PROVINCE_CODE))
    added = 0
    for seed in seed_catalogue():
        if seed.code in existing:
            continue
        unit = Unit(code=seed.code, name=normalize(seed.name), kind=seed.kind)
        unit.parent = None if seed.code == PROVINCE_CODE else province
        unit.aliases = [UnitAlias(name=normalize(a)) for a in seed.aliases]
        session.add(unit)
        if seed.code == PROVINCE_CODE:
            province = unit
        added += 1
    session.flush()
    return added


def open_province_database(settings: Settings | None = None) -> Database:
    """The database, migrated, with the province's units seeded on first use.

    What every front end opens (the command line, the pages, the hub's services).
    """
    return open_database(settings, seed=seed_units)


# --- listing ---------------------------------------------------------------------------------

UNIT_COLUMNS = [
    "Mã đơn vị",
    "Đơn vị",
    "Loại đơn vị",
    "Đơn vị cấp trên",
    "Số học viên",
    "Tên gọi khác",
]


def list_units(
    db: Database, kind: str | None = None, query: str | None = None
) -> list[dict[str, object]]:
    """Units as records for export, by kind and then in Vietnamese alphabetical order."""
    kind_key = None
    if kind:
        kind_key = parse_kind(kind)
        if kind_key is None:
            raise HoctapError(
                f"Không có loại đơn vị '{kind}'.",
                "Các loại: " + "; ".join(f"{k} ({label})" for k, label in KINDS.items()) + ".",
            )
    with db.session() as session:
        counts = dict(
            session.execute(select(Person.unit_id, func.count()).group_by(Person.unit_id)).all()
        )
        statement = select(Unit).options(selectinload(Unit.aliases), selectinload(Unit.parent))
        if kind_key:
            statement = statement.where(Unit.kind == kind_key)
        units = list(session.scalars(statement))
    if query:
        folded = fold(query)
        units = [
            u
            for u in units
            if any(matches(folded, fold(n)) for n in [u.name, u.code, *(a.name for a in u.aliases)])
        ]
    order = list(KINDS)
    units.sort(key=lambda u: (order.index(u.kind) if u.kind in order else 99, sort_key(u.name)))
    return [
        {
            "Mã đơn vị": u.code,
            "Đơn vị": u.name,
            "Loại đơn vị": KINDS.get(u.kind, u.kind),
            "Đơn vị cấp trên": u.parent.name if u.parent else "",
            "Số học viên": counts.get(u.id, 0),
            "Tên gọi khác": "; ".join(a.name for a in u.aliases),
        }
        for u in units
    ]


# --- import ----------------------------------------------------------------------------------

UNIT_IMPORT_COLUMNS = [
    Column("code", "Mã đơn vị", ("Mã", "Mã ĐV", "Code"), required=True),
    Column("name", "Tên đơn vị", ("Đơn vị", "Tên", "Name"), required=True),
    Column("kind", "Loại đơn vị", ("Loại", "Kind")),
    Column("parent", "Đơn vị cấp trên", ("Cấp trên", "Parent")),
    Column("aliases", "Tên gọi khác", ("Tên khác", "Aliases")),
]


@dataclass(frozen=True)
class UnitImportReport:
    created: int
    updated: int
    """Existing units changed (renamed, re-filed, new aliases)."""
    renamed: int
    unchanged: int


def _cell_code(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize(value).upper()


_KIND_HINT = "Các loại: " + "; ".join(KINDS.values()) + "."


class _UnitImport:
    """One run of ``import_units``: checks every row, then applies them in one transaction."""

    def __init__(self, session: Session, table: Table) -> None:
        self.session = session
        self.table = table
        self.header = table.headers
        self.problems: list[RowProblem] = []
        self.units = {
            u.code: u for u in session.scalars(select(Unit).options(selectinload(Unit.aliases)))
        }
        self.matcher = UnitMatcher(self.units.values())
        self.outcome: dict[int, str] = {}

    def problem(self, row: int, key: str, default: str, message: str, hint: str = "") -> None:
        self.problems.append(RowProblem(row, self.header.get(key, default), message, hint))

    def rows(self) -> list[tuple[int, str, str, dict[str, object]]]:
        """Rows with a code and a name, codes unique in the file."""
        seen: dict[str, int] = {}
        good = []
        for number, cells in self.table.rows:
            code = _cell_code(cells.get("code"))
            if code.isdigit() and code not in self.units and code.zfill(5) in self.units:
                code = code.zfill(5)  # Excel dropped the leading zeros of a commune code
            name = normalize(cells.get("name"), self.table.encoding)
            if not code:
                self.problem(
                    number,
                    "code",
                    "Mã đơn vị",
                    "Thiếu mã đơn vị.",
                    "Mỗi đơn vị cần một mã không trùng.",
                )
            elif code in seen:
                self.problem(
                    number, "code", "Mã đơn vị", f"Mã '{code}' trùng với dòng {seen[code]}."
                )
            elif not name:
                self.problem(number, "name", "Tên đơn vị", "Thiếu tên đơn vị.")
            else:
                seen[code] = number
                good.append((number, code, name, cells))
        return good

    def kind(self, number: int, cells: dict[str, object], required: bool) -> str | None:
        text = normalize(cells.get("kind"), self.table.encoding)
        kind = parse_kind(text) if text else None
        if text and kind is None:
            self.problem(
                number, "kind", "Loại đơn vị", f"Không có loại đơn vị '{text}'.", _KIND_HINT
            )
        elif required and kind is None:
            self.problem(number, "kind", "Loại đơn vị", "Đơn vị mới cần loại đơn vị.", _KIND_HINT)
        return kind

    def name_taken(self, number: int, name: str, code: str) -> bool:
        """True (and a problem recorded) if another unit already goes by this name."""
        clash = [u for u in self.matcher.find(name) if u.code != code]
        if clash:
            self.problem(
                number,
                "name",
                "Tên đơn vị",
                f"Tên '{name}' trùng với đơn vị {clash[0].code} ({clash[0].name}).",
                "Hai đơn vị không được trùng tên; thêm tiền tố như 'Xã' hoặc 'Phường'.",
            )
        return bool(clash)

    def create(self, number: int, code: str, name: str, cells: dict[str, object]) -> None:
        kind = self.kind(number, cells, required=True)
        if kind is None or self.name_taken(number, name, code):
            return
        unit = Unit(code=code, name=name, kind=kind)
        self.session.add(unit)
        self.session.flush()
        self.units[code] = unit
        self.matcher.add(unit, [name])
        self.outcome[number] = "created"

    def update(self, number: int, unit: Unit, name: str, cells: dict[str, object]) -> None:
        created = self.outcome.get(number) == "created"
        changed = renamed = False
        if unit.name != name:
            if self.name_taken(number, name, unit.code):
                return
            if all(a.name != unit.name for a in unit.aliases):
                unit.aliases.append(UnitAlias(name=unit.name))
            unit.name = name
            self.matcher.add(unit, [name])
            changed = renamed = True
        kind = self.kind(number, cells, required=False)
        if kind and unit.kind != kind:
            unit.kind = kind
            changed = True
        parent = self.parent(number, unit, cells)
        if parent is not None and unit.parent_id != parent.id:
            unit.parent = parent
            changed = True
        aliases = normalize(cells.get("aliases"), self.table.encoding).split(";")
        for alias in (a.strip() for a in aliases):
            if alias and alias != unit.name and all(a.name != alias for a in unit.aliases):
                unit.aliases.append(UnitAlias(name=alias))
                self.matcher.add(unit, [alias])
                changed = True
        if changed:
            unit.updated_at = utcnow()
        if not created:
            self.outcome[number] = "renamed" if renamed else "updated" if changed else "unchanged"

    def parent(self, number: int, unit: Unit, cells: dict[str, object]) -> Unit | None:
        text = normalize(cells.get("parent"), self.table.encoding)
        if not text:
            return None if unit.code == PROVINCE_CODE else self.units.get(PROVINCE_CODE)
        code = _cell_code(text)
        found = [self.units[code]] if code in self.units else self.matcher.find(text)
        if len(found) == 1 and found[0].code != unit.code:
            return found[0]
        suggestions = ", ".join(self.matcher.suggest(text))
        self.problem(
            number,
            "parent",
            "Đơn vị cấp trên",
            f"Không tìm thấy đơn vị cấp trên '{text}'.",
            f"Có phải: {suggestions}?" if suggestions else "Ghi mã hoặc tên một đơn vị đã có.",
        )
        return None

    def run(self) -> UnitImportReport:
        rows = self.rows()
        # Units new in this file may be the parents of others in it: create them all first.
        for number, code, name, cells in rows:
            if code not in self.units:
                self.create(number, code, name, cells)
        for number, code, name, cells in rows:
            if code in self.units:
                self.update(number, self.units[code], name, cells)
        counts = {
            k: list(self.outcome.values()).count(k)
            for k in ("created", "updated", "renamed", "unchanged")
        }
        return UnitImportReport(
            created=counts["created"],
            updated=counts["updated"] + counts["renamed"],
            renamed=counts["renamed"],
            unchanged=counts["unchanged"],
        )


def import_units(db: Database, path: Path, sheet: str | None = None) -> UnitImportReport:
    """Add units, or rename and re-file existing ones (matched by code), from a spreadsheet.

    All or nothing: if any row is bad, nothing is written and every problem is reported.
    A renamed unit keeps its old name as an alias, so rosters that use it still match.
    """
    table = read_table(path, UNIT_IMPORT_COLUMNS, sheet)
    with db.session() as session:
        run = _UnitImport(session, table)
        report = run.run()
        if run.problems:
            raise ImportRejected(f"tệp đơn vị {table.source}", run.problems)
    return report


def find_unit(db: Database, text: str) -> Unit:
    """The one unit a name or code designates, or a clear error with the closest names."""
    with db.session() as session:
        matcher = load_matcher(session)
    found = matcher.find(text)
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(f"{u.name} ({u.code})" for u in found)
        raise HoctapError(f"'{text}' có thể là nhiều đơn vị: {names}.", "Ghi rõ mã đơn vị.")
    hint = ", ".join(matcher.suggest(text))
    raise HoctapError(
        f"Không tìm thấy đơn vị '{text}'.",
        f"Có phải: {hint}?" if hint else "Xem danh sách bằng: hoctap units list",
    )
