"""Roster import: normalised text, identity rules, all-or-nothing on bad rows, nbgrader students."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hoctap.db import Database
from hoctap.db.models import Person
from hoctap.demo.people import seed_demo
from hoctap.errors import HoctapError, ImportRejected
from hoctap.grading import gradebook
from hoctap.people.roster import import_roster, list_people
from tests.support.roster import snapshot
from tests.support.sheets import write_csv, write_xlsx

GOOD_ROWS = [
    ["Nguyễn Văn An", "UBND xã Hưng Đạo", "Tuyên truyền viên", "0912 345 678", "", "", "Có"],
    [
        unicodedata.normalize("NFD", "Đàm Thị Thuỷ"),
        "Xã Đàm Thuỷ",
        "báo cáo viên",
        "+84 386 123 456",
        "thuy.dam@example.com",
        "",
        "x",
    ],
    ["NguyÔn ThÞ Hoa", "Hưng Đạo", "Tuyeân truyeàn vieân", 912000111, "", "", ""],
    ["LỤC VĂN ƯNG", "Sở GD&ĐT", "Phóng viên", "0206 3852 123", "", "ucv-gd", "Không"],
    ["Nguyễn Văn An", "xã Hưng Đạo", "Báo cáo viên", "0987.654.321", "", "", "Đồng ý"],
]


def people_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Person)) or 0


def state(db: Database) -> tuple[list[tuple[object, ...]], dict[str, gradebook.StudentRecord]]:
    """Everything an import may write: people and nbgrader's students."""
    return snapshot(db), gradebook.students(db.settings)


def by_name(db: Database) -> dict[str, list[Person]]:
    with db.session() as session:
        people: dict[str, list[Person]] = {}
        for p in session.scalars(select(Person).options(selectinload(Person.unit))):
            people.setdefault(p.full_name, []).append(p)
        return people


def test_import_normalises_and_creates_students(db: Database, tmp_path: Path) -> None:
    report = import_roster(db, write_xlsx(tmp_path / "hv.xlsx", GOOD_ROWS))
    assert (report.created, report.updated, report.unchanged) == (5, 0, 0)
    people = by_name(db)
    assert sorted(people) == ["Lục Văn Ưng", "Nguyễn Thị Hoa", "Nguyễn Văn An", "Đàm Thị Thủy"]
    # Same name, same unit, different phones: two people, as in real communes.
    assert len(people["Nguyễn Văn An"]) == 2
    thuy = people["Đàm Thị Thủy"][0]
    assert thuy.phone == "0386123456" and thuy.role == "Báo cáo viên" and thuy.consent_publish
    assert unicodedata.is_normalized("NFC", thuy.full_name)
    hoa = people["Nguyễn Thị Hoa"][0]
    assert hoa.phone == "0912000111" and hoa.role == "Tuyên truyền viên"
    assert not hoa.consent_publish and hoa.consent_updated_at is None
    ung = people["Lục Văn Ưng"][0]
    assert ung.code == "ucv-gd" and ung.phone == "02063852123" and not ung.consent_publish
    assert (ung.family_name, ung.middle_name, ung.given_name) == ("Lục", "Văn", "Ưng")
    codes = [p.code for group in people.values() for p in group]
    assert len(set(codes)) == 5
    assert all(c.isascii() and c == c.lower() and c[0].isalpha() for c in codes)
    students = gradebook.students(db.settings)
    assert set(students) == set(codes)
    assert students[thuy.code] == gradebook.StudentRecord(
        thuy.code, "Thị Thủy", "Đàm", "thuy.dam@example.com"
    )


def test_generated_codes_are_readable_user_names(db: Database, tmp_path: Path) -> None:
    import_roster(db, write_xlsx(tmp_path / "hv.xlsx", GOOD_ROWS[:1]))
    assert [p.code for p in by_name(db)["Nguyễn Văn An"]] == ["annv-01351"]


def test_reimport_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "hv.xlsx", GOOD_ROWS)
    import_roster(db, path)
    before = state(db)
    report = import_roster(db, path)
    assert (report.created, report.updated, report.unchanged, report.students_synced) == (
        0,
        0,
        5,
        0,
    )
    assert state(db) == before


def test_changed_row_updates_that_person(db: Database, tmp_path: Path) -> None:
    import_roster(db, write_xlsx(tmp_path / "v1.xlsx", GOOD_ROWS))
    codes = {p.phone: p.code for group in by_name(db).values() for p in group}
    changed = [list(r) for r in GOOD_ROWS]
    changed[0][2] = "Báo cáo viên"  # new role
    changed[1][1] = "Phường Tân Giang"  # moved to another unit, same phone
    changed[1][4] = "thuy.moi@example.com"
    changed[2][0] = "Nguyễn Thị Hoà Bình"  # name corrected, same phone
    report = import_roster(db, write_xlsx(tmp_path / "v2.xlsx", changed))
    assert (report.created, report.updated, report.unchanged) == (0, 3, 2)
    assert people_count(db) == 5
    people = {p.phone: p for group in by_name(db).values() for p in group}
    assert {phone: p.code for phone, p in people.items()} == codes
    assert people["0912345678"].role == "Báo cáo viên"
    assert people["0386123456"].unit.name == "Phường Tân Giang"
    assert people["0912000111"].full_name == "Nguyễn Thị Hòa Bình"
    students = gradebook.students(db.settings)
    assert students[people["0386123456"].code].email == "thuy.moi@example.com"
    assert students[people["0912000111"].code].first_name == "Thị Hòa Bình"


def test_row_without_contacts_updates_the_one_person_of_that_name(
    db: Database, tmp_path: Path
) -> None:
    import_roster(
        db, write_xlsx(tmp_path / "v1.xlsx", [["Hoàng Thị Mai", "Xã Lý Bôn", "", "", "", "", ""]])
    )
    again = [["HOÀNG THỊ MAI", "UBND xã Lý Bôn", "Tuyên truyền viên", "0978 111 222", "", "", "Có"]]
    report = import_roster(db, write_xlsx(tmp_path / "v2.xlsx", again))
    assert (report.created, report.updated) == (0, 1)
    [mai] = by_name(db)["Hoàng Thị Mai"]
    assert mai.phone == "0978111222" and mai.consent_publish


def test_same_name_with_a_different_phone_is_another_person(db: Database, tmp_path: Path) -> None:
    import_roster(db, write_xlsx(tmp_path / "v1.xlsx", GOOD_ROWS[:1]))
    other = [["Nguyễn Văn An", "Xã Hưng Đạo", "", "0977 000 111", "", "", ""]]
    assert import_roster(db, write_xlsx(tmp_path / "v2.xlsx", other)).created == 1
    assert len(by_name(db)["Nguyễn Văn An"]) == 2


def test_csv_with_bom_semicolons_and_reordered_accentless_headers(
    db: Database, tmp_path: Path
) -> None:
    header = ["so dien thoai", "HỌ VÀ TÊN", "  Đơn   vị ", "email"]
    rows = [
        ["0912 345 678", "Nguyễn Văn An", "Hưng Đạo", ""],
        ["", "Bế Thị Lan", "Xã Bảo Lạc", "lan@example.com"],
    ]
    path = write_csv(tmp_path / "hv.csv", rows, header=header, delimiter=";")
    assert import_roster(db, path).created == 2
    assert by_name(db)["Bế Thị Lan"][0].unit.code == "01321"


def test_legacy_csv_in_tcvn3(db: Database, tmp_path: Path) -> None:
    # An 8-bit file saved from a .VnTime spreadsheet: bytes, read back as TCVN3 cell by cell.
    header = ["Hä vµ tªn", "§¬n vÞ", "Sè ®iÖn tho¹i"]
    rows = [
        ["NguyÔn V¨n An", "X· H­ng §¹o", "0912345678"],
        ["Hoµng ThÞ Thu", "Ph­êng T©n Giang", "0912345679"],
    ]
    path = write_csv(tmp_path / "tcvn3.csv", rows, header=header, encoding="cp1252")
    assert import_roster(db, path).created == 2
    people = by_name(db)
    assert people["Nguyễn Văn An"][0].unit.code == "01351"
    assert people["Hoàng Thị Thu"][0].unit.name == "Phường Tân Giang"


def test_title_row_above_the_header(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "hv.xlsx", GOOD_ROWS[:2], title="DANH SÁCH HỌC VIÊN LỚP BỒI DƯỠNG")
    assert import_roster(db, path).created == 2


# Each bad case: rows, then (row number, column) of the problem the import must report.
# Row 2 is a good row in every case, so nothing at all must be written.
GOOD = ["Hà Văn Bình", "Xã Lý Bôn", "", "0911 000 001", "", "", ""]
BAD_CASES = {
    "missing name": ([GOOD, ["", "Xã Lý Bôn", "", "", "", "", ""]], [(3, "Họ và tên")]),
    "missing unit": ([GOOD, ["Bế Văn Cường", "", "", "", "", "", ""]], [(3, "Đơn vị")]),
    "unknown unit": ([GOOD, ["Bế Văn Cường", "Xã Hưng Đạt", "", "", "", "", ""]], [(3, "Đơn vị")]),
    "invalid phone": (
        [GOOD, ["Bế Văn Cường", "Xã Lý Bôn", "", "09123", "", "", ""]],
        [(3, "Số điện thoại")],
    ),
    "invalid email": (
        [GOOD, ["Bế Văn Cường", "Xã Lý Bôn", "", "", "cuong@", "", ""]],
        [(3, "Email")],
    ),
    "invalid code": (
        [GOOD, ["Bế Văn Cường", "Xã Lý Bôn", "", "", "", "Cường 01", ""]],
        [(3, "Mã học viên")],
    ),
    "unreadable consent": (
        [GOOD, ["Bế Văn Cường", "Xã Lý Bôn", "", "", "", "", "có lẽ"]],
        [(3, "Đồng ý công khai")],
    ),
    "same phone twice": (
        [GOOD, ["Bế Văn Cường", "Xã Lý Bôn", "", "0911.000.001", "", "", ""]],
        [(3, "Số điện thoại")],
    ),
    "same email twice": (
        [
            GOOD,
            ["Bế Văn Cường", "Xã Lý Bôn", "", "", "c@example.com", "", ""],
            ["Bế Văn Dũng", "Xã Lý Bôn", "", "", "C@example.com", "", ""],
        ],
        [(4, "Email")],
    ),
    "same code twice": (
        [
            GOOD,
            ["Bế Văn Cường", "Xã Lý Bôn", "", "", "", "bvc", ""],
            ["Bế Văn Dũng", "Xã Lý Bôn", "", "", "", "bvc", ""],
        ],
        [(4, "Mã học viên")],
    ),
    "same person twice": (
        [GOOD, ["HÀ VĂN BÌNH", "UBND xã Lý Bôn", "", "", "", "", ""]],
        [(3, "Họ và tên")],
    ),
    "several bad rows": (
        [
            GOOD,
            ["", "Xã Lý Bôn", "", "", "", "", ""],
            ["Bế Văn Cường", "Lý Bốn Phương", "", "123", "", "", ""],
        ],
        [(3, "Họ và tên"), (4, "Đơn vị"), (4, "Số điện thoại")],
    ),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_rows_import_nothing(db: Database, tmp_path: Path, case: str) -> None:
    import_roster(db, write_xlsx(tmp_path / "existing.xlsx", GOOD_ROWS))  # people already there
    rows, expected = BAD_CASES[case]
    before = state(db)
    count = people_count(db)
    with pytest.raises(ImportRejected) as rejected:
        import_roster(db, write_xlsx(tmp_path / "bad.xlsx", rows))
    assert people_count(db) == count
    assert state(db) == before
    assert [(p.row, p.column) for p in rejected.value.problems] == expected
    assert all(p.message for p in rejected.value.problems)


def test_unknown_unit_hint_names_the_closest_units(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ImportRejected) as rejected:
        import_roster(
            db,
            write_xlsx(
                tmp_path / "bad.xlsx", [["Bế Văn Cường", "Xã Hưng Đạt", "", "", "", "", ""]]
            ),
        )
    assert "Xã Hưng Đạo" in rejected.value.problems[0].hint


def test_phone_of_someone_else_in_the_database_is_refused(db: Database, tmp_path: Path) -> None:
    import_roster(db, write_xlsx(tmp_path / "v1.xlsx", GOOD_ROWS))
    before = state(db)
    taken = [["Bế Văn Cường", "Xã Lý Bôn", "", "0912 345 678", "", "", ""]]
    # The phone belongs to Nguyễn Văn An of Hưng Đạo: this row is that person, moved and renamed?
    # No: a phone identifies a person, so this updates him; a row that also names another
    # person's e-mail is contradictory and refused.
    contradictory = [
        ["Bế Văn Cường", "Xã Lý Bôn", "", "0912 345 678", "thuy.dam@example.com", "", ""]
    ]
    with pytest.raises(ImportRejected):
        import_roster(db, write_xlsx(tmp_path / "v2.xlsx", contradictory))
    assert state(db) == before
    assert import_roster(db, write_xlsx(tmp_path / "v3.xlsx", taken)).updated == 1


@pytest.mark.parametrize(
    ("name", "content", "sheet", "message"),
    [
        ("hong.xlsx", b"this is not a spreadsheet", None, "Không đọc được tệp Excel"),
        ("ok.xlsx", None, "Trang 9", "không có trang tính 'Trang 9'"),
        ("cot.xlsx", "wrong-columns", None, "thiếu cột bắt buộc"),
        ("cu.xls", b"\xd0\xcf\x11\xe0", None, "Chưa đọc được tệp loại '.xls'"),
        ("khong-co.xlsx", "missing", None, "Không tìm thấy tệp"),
        ("rong.xlsx", "empty", None, "không có dòng học viên nào"),
    ],
)
def test_unusable_files_get_one_clear_message(
    db: Database, tmp_path: Path, name: str, content: object, sheet: str | None, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "wrong-columns":
        write_xlsx(path, [["Nguyễn Văn An", "0912345678"]], header=["Tên", "Điện thoại"])
    elif content == "empty":
        write_xlsx(path, [])
    elif content is None:
        write_xlsx(path, GOOD_ROWS)
    with pytest.raises(HoctapError) as error:
        import_roster(db, path, sheet=sheet)
    assert not isinstance(error.value, ImportRejected)
    assert message in error.value.message
    assert people_count(db) == 0


def test_zip_that_is_not_a_workbook(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "gia.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(HoctapError, match="Không đọc được tệp Excel"):
        import_roster(db, path)


def test_list_sorts_by_given_then_middle_then_family_name(db: Database, tmp_path: Path) -> None:
    names = [
        "Nguyễn Văn Ưng",
        "Trần Thị Ánh",
        "Lê Văn An",
        "Đặng Văn Bình",
        "Bế Thị An",
        "Hoàng Văn Đức",
        "Lý Văn Dũng",
        "Ngô Văn Zung",
        "Phạm Ơn",
        "Vũ Văn Ăn",
    ]
    rows = [[n, "Xã Lý Bôn", "", f"09110000{i:02d}", "", "", ""] for i, n in enumerate(names)]
    import_roster(db, write_xlsx(tmp_path / "hv.xlsx", rows))
    records, columns = list_people(db)
    assert columns == ["Mã học viên", "Họ và tên", "Mã đơn vị", "Đơn vị", "Vai trò"]
    assert [r["Họ và tên"] for r in records] == [
        "Bế Thị An",
        "Lê Văn An",
        "Trần Thị Ánh",
        "Vũ Văn Ăn",
        "Đặng Văn Bình",
        "Lý Văn Dũng",
        "Hoàng Văn Đức",
        "Phạm Ơn",
        "Nguyễn Văn Ưng",
        "Ngô Văn Zung",
    ]


@pytest.mark.parametrize(
    "query", ["nguyen van an", "NGUYỄN VĂN AN", "Nguyễn Văn An", "an nguyen", "nguyên văn"]
)
def test_search_is_accent_and_case_insensitive(db: Database, tmp_path: Path, query: str) -> None:
    import_roster(db, write_xlsx(tmp_path / "hv.xlsx", GOOD_ROWS))
    records, _ = list_people(db, query=query)
    assert {r["Họ và tên"] for r in records} == {"Nguyễn Văn An"}
    assert len(records) == 2


def test_list_by_unit_and_private_columns(db: Database, tmp_path: Path) -> None:
    import_roster(db, write_xlsx(tmp_path / "hv.xlsx", GOOD_ROWS))
    records, columns = list_people(db, unit="hung dao", private=True)
    assert {r["Đơn vị"] for r in records} == {"Xã Hưng Đạo"}
    assert len(records) == 3
    assert columns[-3:] == ["Số điện thoại", "Email", "Đồng ý công khai"]
    public, public_columns = list_people(db)
    assert "Số điện thoại" not in public_columns and all("Số điện thoại" not in r for r in public)
    with pytest.raises(HoctapError, match="Không tìm thấy đơn vị"):
        list_people(db, unit="Hưng Đạt")


def test_code_that_contradicts_the_phone_is_refused(db: Database, tmp_path: Path) -> None:
    import_roster(db, write_xlsx(tmp_path / "v1.xlsx", GOOD_ROWS))
    before = state(db)
    row = ["Nguyễn Văn An", "Xã Hưng Đạo", "", "0912 345 678", "", "annv-khac", ""]
    with pytest.raises(ImportRejected) as rejected:
        import_roster(db, write_xlsx(tmp_path / "v2.xlsx", [row]))
    [problem] = rejected.value.problems
    assert (problem.row, problem.column) == (2, "Mã học viên")
    assert "annv-01351" in problem.message
    assert state(db) == before


def test_names_that_differ_only_in_accents_are_different_people(
    db: Database, tmp_path: Path
) -> None:
    # Search ignores accents; identity does not: Hà and Hạ, Thu and Thư are different names.
    first = [
        ["Lê Thị Hà", "Xã Lý Bôn", "", "", "", "", ""],
        ["Nông Thị Thu", "Xã Lý Bôn", "", "", "", "", ""],
    ]
    import_roster(db, write_xlsx(tmp_path / "v1.xlsx", first))
    second = [
        ["Lê Thị Hạ", "Xã Lý Bôn", "", "", "", "", ""],
        ["Nông Thị Thư", "Xã Lý Bôn", "", "", "", "", ""],
    ]
    assert import_roster(db, write_xlsx(tmp_path / "v2.xlsx", second)).created == 2
    assert sorted(by_name(db)) == ["Lê Thị Hà", "Lê Thị Hạ", "Nông Thị Thu", "Nông Thị Thư"]
    records, _ = list_people(db, query="le thi ha")
    assert len(records) == 2  # ... while a search finds both


def test_vni_csv_ambiguous_cells_follow_the_file(db: Database, tmp_path: Path) -> None:
    header = ["Hoï vaø teân", "Ñôn vò", "Soá ñieän thoaïi"]
    rows = [
        ["Nguyeãn Vaên An", "Xaõ Höng Ñaïo", "0912345670"],
        ["Ma Thò Lan", "Höng Ñaïo", "0912345671"],  # valid as Unicode too, but this is VNI
        ["Hoà Thò Mai", "Xaõ Lyù Boân", "0912345672"],
    ]
    path = write_csv(tmp_path / "vni.csv", rows, header=header, encoding="cp1252")
    assert import_roster(db, path).created == 3
    assert sorted(by_name(db)) == ["Hồ Thị Mai", "Ma Thị Lan", "Nguyễn Văn An"]


def test_unicode_file_keeps_ambiguous_cells(db: Database, tmp_path: Path) -> None:
    rows = [
        ["Nguyễn Văn An", "Xã Hưng Đạo", "Phóng viên", "0912345670", "", "", ""],
        ["Ma Thò Lan", "Xã Hưng Đạo", "Tuyeân truyeàn vieân", "0912345671", "", "", ""],
        ["Lục Thị Hoà", "Xã Hưng Đạo", "Phóng viên", "0912345672", "", "", ""],
    ]
    import_roster(db, write_xlsx(tmp_path / "mixed.xlsx", rows))
    people = by_name(db)
    assert sorted(people) == ["Lục Thị Hòa", "Ma Thò Lan", "Nguyễn Văn An"]
    assert people["Ma Thò Lan"][0].role == "Tuyên truyền viên"  # the one VNI cell is repaired
    assert people["Lục Thị Hòa"][0].role == "Phóng viên"


def to_cp1258(text: str) -> bytes:
    """Text as Excel on a Vietnamese Windows saves it: base letters, then separate tone marks."""
    tones = set("\u0300\u0301\u0303\u0309\u0323")
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_windows_1258_csv(db: Database, tmp_path: Path) -> None:
    text = "Họ và tên,Đơn vị,Số điện thoại\r\nNguyễn Văn Thắng,Xã Hưng Đạo,0912345670\r\n"
    text += "Đàm Thị Thuỷ,Xã Đàm Thủy,0912345671\r\n"
    path = tmp_path / "cp1258.csv"
    path.write_bytes(to_cp1258(text))
    assert import_roster(db, path).created == 2
    assert sorted(by_name(db)) == ["Nguyễn Văn Thắng", "Đàm Thị Thủy"]


def test_two_people_can_swap_phones_in_one_file(db: Database, tmp_path: Path) -> None:
    rows = [["Bế Văn Cường", "Xã Lý Bôn", "", "0911000001", "", "cuongbv", ""],
            ["Bế Văn Dũng", "Xã Lý Bôn", "", "0911000002", "", "dungbv", ""]]  # fmt: skip
    import_roster(db, write_xlsx(tmp_path / "v1.xlsx", rows))
    rows[0][3], rows[1][3] = rows[1][3], rows[0][3]
    assert import_roster(db, write_xlsx(tmp_path / "v2.xlsx", rows)).updated == 2
    phones = {p.code: p.phone for group in by_name(db).values() for p in group}
    assert phones == {"cuongbv": "0911000002", "dungbv": "0911000001"}


def test_real_trainees_never_merge_with_demo_people(db: Database, tmp_path: Path) -> None:
    seed_demo(db, people=50)
    with db.session() as session:
        demo = session.scalars(select(Person).options(selectinload(Person.unit))).first()
        assert demo is not None
        name, unit, phone, code = demo.full_name, demo.unit.name, demo.phone, demo.code
    # A real person whose number the generator happened to produce, with the same name too.
    report = import_roster(
        db, write_xlsx(tmp_path / "that.xlsx", [[name, unit, "", phone, "", "", ""]])
    )
    assert (report.created, report.updated) == (1, 0)
    with db.session() as session:
        real = session.scalar(select(Person).where(Person.phone == phone))
        generated = session.scalar(select(Person).where(Person.code == code))
        assert real is not None and not real.is_demo and real.code != code
        assert generated is not None and generated.is_demo and generated.phone is None
    # The demo seeded again leaves the real person alone.
    seed_demo(db, people=50)
    with db.session() as session:
        again = session.scalar(select(Person).where(Person.phone == phone))
        assert again is not None and again.code == real.code and not again.is_demo


def test_gradebook_catches_up_on_the_next_import(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "hv.xlsx", GOOD_ROWS)
    import_roster(db, path)
    from nbgrader.api import Gradebook

    with Gradebook(db.settings.gradebook_url) as book:
        for student in list(book.students):
            book.remove_student(student.id)
    assert gradebook.students(db.settings) == {}
    report = import_roster(db, path)
    assert (report.updated, report.students_synced) == (0, 5)
    assert len(gradebook.students(db.settings)) == 5


def test_taking_a_phone_its_owner_keeps_is_refused_cleanly(db: Database, tmp_path: Path) -> None:
    rows = [["Bế Văn Cường", "Xã Lý Bôn", "", "0911000001", "", "cuongbv", ""],
            ["Bế Văn Dũng", "Xã Lý Bôn", "", "0911000002", "", "dungbv", ""]]  # fmt: skip
    import_roster(db, write_xlsx(tmp_path / "v1.xlsx", rows))
    before = state(db)
    # Cường takes Dũng's number; Dũng's row leaves the phone empty, which keeps it: only the
    # database's unique constraint sees the clash, and the import is still refused cleanly.
    rows[0][3], rows[1][3] = rows[1][3], ""
    with pytest.raises(HoctapError) as error:
        import_roster(db, write_xlsx(tmp_path / "v2.xlsx", rows))
    assert "Chưa có gì được ghi" in error.value.message
    assert state(db) == before
