"""Units: the seeded hierarchy, tolerant matching, import (add, rename, all or nothing), listing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from hoctap.db import Database
from hoctap.db.models import Unit, UnitAlias
from hoctap.errors import HoctapError, ImportRejected
from hoctap.people.units import (
    KINDS,
    PROVINCE_CODE,
    import_units,
    list_units,
    load_matcher,
    seed_catalogue,
    unit_key,
)
from tests.support.sheets import write_xlsx

UNIT_HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Đơn vị cấp trên", "Tên gọi khác"]


def counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        units = session.scalar(select(func.count()).select_from(Unit)) or 0
        aliases = session.scalar(select(func.count()).select_from(UnitAlias)) or 0
    return units, aliases


def test_fresh_database_has_the_province_and_its_56_communes(db: Database) -> None:
    with db.session() as session:
        communes = list(session.scalars(select(Unit).where(Unit.kind == "xa_phuong")))
        province = session.scalar(select(Unit).where(Unit.code == PROVINCE_CODE))
        assert province is not None and province.name == "Tỉnh Cao Bằng"
        assert len(communes) == 56
        assert sum(u.name.startswith("Xã ") for u in communes) == 53
        assert sum(u.name.startswith("Phường ") for u in communes) == 3
        assert all(u.parent_id == province.id for u in communes)
        assert all(len(u.code) == 5 and u.code.isdigit() for u in communes)
        names = {u.code: u.name for u in communes}
    # The package spells it "Xã Đàm Thuỷ"; we store the canonical placement.
    assert names["01501"] == "Xã Đàm Thủy"
    assert names["01351"] == "Xã Hưng Đạo"


def test_provincial_units_from_domain_are_seeded(db: Database) -> None:
    with db.session() as session:
        kinds = dict(session.execute(select(Unit.name, Unit.kind)).all())
    assert kinds["Sở Thông tin và Truyền thông"] == "so_nganh"
    assert kinds["Báo Cao Bằng"] == "bao_chi"
    assert kinds["Ban Tuyên giáo Tỉnh ủy"] == "co_quan_dang"
    assert kinds["Hội Khuyến học tỉnh"] == "doan_the"
    assert kinds["Sở Nông nghiệp và Môi trường"] == "so_nganh"


def test_every_seeded_unit_has_keys_no_other_unit_shares() -> None:
    owners: dict[str, str] = {}
    for unit in seed_catalogue():
        for name in (unit.name, *unit.aliases):
            key = unit_key(name)
            assert owners.setdefault(key, unit.code) == unit.code, (key, unit.code)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("UBND xã Hưng Đạo", "01351"),
        ("Ủy ban nhân dân xã Hưng Đạo", "01351"),
        ("xã Hưng Đạo", "01351"),
        ("Hưng Đạo", "01351"),
        ("Xã Hưng Đạo", "01351"),
        ("XA HUNG DAO", "01351"),
        ("hung dao", "01351"),
        ("X. Hưng Đạo", "01351"),
        ("Xã Đàm Thuỷ", "01501"),
        ("Đàm Thủy", "01501"),
        ("Phường Thục Phán", "01273"),
        ("P. Tân Giang", "01288"),
        ("01351", "01351"),
        ("Sở GD&ĐT", "T-SGDDT"),
        ("Sở Giáo dục và Đào tạo tỉnh Cao Bằng", "T-SGDDT"),
        ("Sở Y tế tỉnh", "T-SYT"),
        ("Báo Cao Bằng", "T-BAOCB"),
        ("Đài PT-TH tỉnh", "T-DPTTH"),
        ("Văn phòng Ủy ban nhân dân tỉnh", "T-VPUBND"),
        ("Hội Khuyến học tỉnh Cao Bằng", "T-HKH"),
        ("X· H­ng §¹o", "01351"),  # TCVN3
        ("Xã Ðàm Thủy", "01501"),  # Icelandic Eth typed for Đ
        ("1351", "01351"),  # Excel dropped the leading zero
        ("Thị trấn Hưng Đạo", "01351"),
        ("Sở Giáo dục - Đào tạo", "T-SGDDT"),
        ("Sở VH-TT&DL", "T-SVHTTDL"),
        ("VP UBND tỉnh", "T-VPUBND"),
        ("Hội Phụ nữ tỉnh", "T-HLHPN"),
        ("UBMTTQ tỉnh", "T-MTTQ"),
        ("Tỉnh Đoàn Cao Bằng", "T-TDOAN"),
        ("Tỉnh Cao Bằng", "04"),
        ("UBND tỉnh Cao Bằng", "04"),
    ],
)
def test_unit_names_match_tolerantly(db: Database, text: str, code: str) -> None:
    with db.session() as session:
        found = load_matcher(session).find(text)
    assert [u.code for u in found] == [code]


@pytest.mark.parametrize(
    "text",
    # A commune has its own Hội Khuyến học, Đoàn Thanh niên, ...: a bare name is not guessed to
    # be the provincial body.
    ["Hội Khuyến học", "Đoàn Thanh niên", "Thanh tra", "Liên đoàn Lao động", "Báo", "xã", ""],
)
def test_bare_or_generic_names_do_not_match(db: Database, text: str) -> None:
    with db.session() as session:
        assert load_matcher(session).find(text) == []


def test_unknown_unit_gets_suggestions(db: Database) -> None:
    with db.session() as session:
        matcher = load_matcher(session)
    assert matcher.find("Hưng Đạt") == []
    assert "Xã Hưng Đạo" in matcher.suggest("Hưng Đạt")


def test_list_units_by_kind_in_vietnamese_order(db: Database) -> None:
    records = list_units(db, kind="Xã, phường")
    assert len(records) == 56
    names = [r["Đơn vị"] for r in records]
    phuong = [n for n in names if str(n).startswith("Phường")]
    assert phuong == ["Phường Nùng Trí Cao", "Phường Tân Giang", "Phường Thục Phán"]
    xa = [str(n)[3:] for n in names if str(n).startswith("Xã")]
    # Vietnamese order: Đ right after D (code-point order would put it after Y).
    initials = [name[0] for name in xa]
    first_d, last_d = initials.index("Đ"), len(initials) - 1 - initials[::-1].index("Đ")
    assert all(i in "BC" for i in initials[:first_d])
    assert initials[last_d + 1] == "H"
    assert xa[:3] == ["Bạch Đằng", "Bảo Lạc", "Bảo Lâm"]
    assert xa[-1] == "Yên Thổ"
    assert all(r["Loại đơn vị"] == KINDS["xa_phuong"] for r in records)


def test_list_units_search_is_accent_insensitive(db: Database) -> None:
    assert [r["Mã đơn vị"] for r in list_units(db, query="hung dao")] == ["01351"]
    assert [r["Mã đơn vị"] for r in list_units(db, query="HƯNG ĐẠO")] == ["01351"]


def test_list_units_unknown_kind_is_a_clear_error(db: Database) -> None:
    with pytest.raises(HoctapError, match="Không có loại đơn vị"):
        list_units(db, kind="hợp tác xã")


def test_import_adds_and_renames_units(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "don-vi.xlsx",
        [
            ["T-HND", "Hội Nông dân tỉnh", "Đoàn thể", "", "Hội ND tỉnh"],
            ["T-CCB", "Hội Cựu chiến binh tỉnh", "doan_the", "Tỉnh Cao Bằng", ""],
            ["01351", "Xã Hưng Đạo Mới", "", "", ""],
            ["T-SYT", "Sở Y tế", "", "", ""],
        ],
        header=UNIT_HEADER,
    )
    report = import_units(db, path)
    assert (report.created, report.renamed, report.unchanged) == (2, 1, 1)
    with db.session() as session:
        matcher = load_matcher(session)
        assert [u.code for u in matcher.find("Hội ND tỉnh")] == ["T-HND"]
        # The old name still finds the renamed unit, so old rosters keep working.
        assert [u.code for u in matcher.find("UBND xã Hưng Đạo")] == ["01351"]
        assert [u.code for u in matcher.find("Hưng Đạo Mới")] == ["01351"]
        new = session.scalar(select(Unit).where(Unit.code == "T-CCB"))
        assert new is not None and new.parent is not None and new.parent.code == PROVINCE_CODE
    before = counts(db)
    again = import_units(db, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert counts(db) == before


def test_bad_unit_rows_import_nothing(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "don-vi.xlsx",
        [
            ["T-A", "Đơn vị A", "doan_the", "", ""],  # fine on its own
            ["T-B", "Đơn vị B", "hợp tác xã", "", ""],  # unknown kind
            ["", "Đơn vị C", "doan_the", "", ""],  # no code
            ["T-A", "Đơn vị A lần hai", "doan_the", "", ""],  # duplicate code
            ["T-D", "Đơn vị D", "", "", ""],  # new unit without a kind
            ["T-E", "Đơn vị E", "doan_the", "Hưng Đạt", ""],  # unknown parent
            ["T-F", "Xã Hưng Đạo", "xa_phuong", "", ""],  # name of another unit
        ],
        header=UNIT_HEADER,
    )
    before = counts(db)
    with pytest.raises(ImportRejected) as rejected:
        import_units(db, path)
    assert counts(db) == before
    assert sorted({p.row for p in rejected.value.problems}) == [3, 4, 5, 6, 7, 8]
    parent = next(p for p in rejected.value.problems if p.row == 7)
    assert parent.column == "Đơn vị cấp trên" and "Xã Hưng Đạo" in parent.hint
