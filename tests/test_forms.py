"""Ranking a contest run on Google Forms: the export as Forms writes it, the key, the rules."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from hoctap.cli import app
from hoctap.contest.cells import exact_choice, parse_prediction
from hoctap.contest.columns import read_key
from hoctap.contest.forms import rank_forms
from hoctap.contest.report import rank_forms_files
from hoctap.contest.rules import GroupRules
from hoctap.contest.standings import RankingRules
from hoctap.demo.forms import sample_forms
from hoctap.errors import HoctapError
from tests.support.sheets import write_csv, write_xlsx

runner = CliRunner()

Q1 = "Câu 1. Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030” được phê duyệt bằng văn bản nào?"
Q2 = "Câu 2. Những sự kiện nào diễn ra hằng năm?"
Q3 = "Câu 3. Kế hoạch của tỉnh do cơ quan nào ban hành?"
PREDICT = "Câu hỏi dự đoán: Có bao nhiêu người tham gia cuộc thi?"
VI = ["Dấu thời gian", "Điểm", "Họ và tên", "Đơn vị", "Số điện thoại", Q1, Q2, Q3, PREDICT]
EN = ["Timestamp", "Score", "Full name", "Unit", "Phone number", Q1, Q2, Q3, PREDICT]
RIGHT = ["Quyết định số 1373/QĐ-TTg", "Tuần lễ học tập suốt đời; Ngày Sách", "UBND tỉnh"]
KEY = [
    (Q1, "Quyết định số 1373/QĐ-TTg"),
    (Q2, "Ngày Sách;Tuần lễ học tập suốt đời"),
    (Q3, "UBND tỉnh"),
]


def key_file(path: Path, rows=KEY) -> Path:
    return write_csv(path, rows, header=["Câu hỏi", "Đáp án"])


def row(when: str, name: str, unit: str, phone: str, answers, prediction: str) -> list[str]:
    return [when, "", name, unit, phone, *answers, prediction]


# A small contest, ranked by hand with the rules: correct answers, then the prediction's distance
# from the true value (5 people count: the repeat of 0912 345 678 does not), then submission time.
ENTRIES = [
    row("20/11/2026 08:00:05", "nguyễn văn an", "UBND xã Hưng Đạo", "0912345678", RIGHT, "6"),
    row("20/11/2026 08:01:00", "Trần Thị Bình", "Xã Hưng Đạo", "0987 654 321", RIGHT, "4"),
    row(
        "21/11/2026 09:00:00",
        "Nguyễn Văn An",
        "Hưng Đạo",
        "+84 912 345 678",
        RIGHT,
        "5",
    ),  # the same phone again: only the first entry counts
    row("20/11/2026 07:00:00", "Lê Văn Cường", "Sở Y tế", "0911111111", RIGHT, ""),
    row(
        "13/11/2026 10:00:00",
        "Hoàng Thị Dung",
        "Sở Y tế",
        "0922222222",
        [RIGHT[0], "Ngày Sách", RIGHT[2]],
        "1.000",
    ),
    row(
        "19/11/2026 10:00:00",
        "Ma Văn Em",
        "Báo Cao Bằng",
        "0933333333",
        ["Quyết định số 1307/QĐ-BTTTT", "Ngày Sách, Tuần lễ học tập suốt đời", RIGHT[2]],
        "5",
    ),
]
EXPECTED = [
    # Hạng, Họ và tên, Số câu đúng, Dự đoán, Chênh lệch, Giải (Nhất=1, Nhì=1, Ba=2)
    (1, "Nguyễn Văn An", 3, 6, 1, "Nhất"),  # 08:00:05, before Bình
    (2, "Trần Thị Bình", 3, 4, 1, "Nhì"),
    (3, "Lê Văn Cường", 3, None, None, "Ba"),  # blank prediction: after every given one
    (4, "Ma Văn Em", 2, 5, 0, "Ba"),
    (5, "Hoàng Thị Dung", 2, 1000, 995, ""),
]
PRIZES = (("Nhất", 1), ("Nhì", 1), ("Ba", 2))


def as_rows(result) -> list[tuple]:
    table = result.ranking
    out = []
    for r in table.itertuples(index=False):
        prediction = None if pd.isna(r[4]) else int(r[4])
        distance = None if pd.isna(r[5]) else int(r[5])
        out.append((int(r[0]), r[1], int(r[3]), prediction, distance, r[7]))
    return out


def test_a_forms_export_ranks_as_the_published_rules_say(tmp_path: Path) -> None:
    responses = write_csv(tmp_path / "tra-loi.csv", ENTRIES, header=VI, encoding="utf-8")
    result = rank_forms_files(
        responses, key_file(tmp_path / "dap-an.csv"), RankingRules(levels=PRIZES)
    )
    assert result.truth == 5
    assert as_rows(result) == EXPECTED
    assert result.blank_predictions == 1
    assert result.ranking["Thời điểm nộp"].iloc[0] == "20/11/2026 08:00:05"
    assert result.ranking["Đơn vị"].iloc[0] == "UBND xã Hưng Đạo"
    assert list(result.duplicates.itertuples(index=False)) == [
        ("0912•••678", "Nguyễn Văn An", 2, "20/11/2026 08:00:05",
         "20/11/2026 08:00:05; 21/11/2026 09:00:00"),
    ]  # fmt: skip


def test_english_headers_and_us_dates(tmp_path: Path) -> None:
    us = []
    for entry in ENTRIES:
        day = datetime.strptime(entry[0], "%d/%m/%Y %H:%M:%S")
        us.append([f"{day.month}/{day.day}/{day.year} {day:%H:%M:%S}", *entry[1:]])
    responses = write_csv(tmp_path / "responses.csv", us, header=EN)
    result = rank_forms_files(
        responses, key_file(tmp_path / "key.csv"), RankingRules(levels=PRIZES)
    )
    assert as_rows(result) == EXPECTED


def test_an_xlsx_export_with_real_times(tmp_path: Path) -> None:
    rows = [
        [datetime.strptime(e[0], "%d/%m/%Y %H:%M:%S"), None, *e[2:4], e[4], *e[5:]] for e in ENTRIES
    ]
    responses = write_xlsx(tmp_path / "tra-loi.xlsx", rows, header=VI)
    key = write_xlsx(tmp_path / "dap-an.xlsx", KEY, header=["Câu hỏi", "Đáp án"])
    result = rank_forms_files(responses, key, RankingRules(levels=PRIZES))
    assert as_rows(result) == EXPECTED


@pytest.mark.parametrize(
    "keep, kept_time",
    [("first", "20/11/2026 08:00:05"), ("last", "21/11/2026 09:00:00")],
)
def test_which_entry_of_a_phone_counts(tmp_path: Path, keep: str, kept_time: str) -> None:
    responses = write_csv(tmp_path / "tra-loi.csv", ENTRIES, header=VI)
    result = rank_forms_files(responses, key_file(tmp_path / "k.csv"), RankingRules(keep=keep))
    an = result.ranking[result.ranking["Họ và tên"] == "Nguyễn Văn An"]
    assert an["Thời điểm nộp"].tolist() == [kept_time]
    assert result.duplicates["Lần được tính"].tolist() == [kept_time]


def test_the_best_entry_of_a_phone(tmp_path: Path) -> None:
    entries = [
        row("20/11/2026 08:00:00", "A", "Sở Y tế", "0912345678", ["x", "y", "z"], "3"),
        row("20/11/2026 09:00:00", "A", "Sở Y tế", "0912345678", RIGHT, "3"),
    ]
    responses = write_csv(tmp_path / "tra-loi.csv", entries, header=VI)
    result = rank_forms_files(responses, key_file(tmp_path / "k.csv"), RankingRules(keep="best"))
    assert result.ranking["Số câu đúng"].tolist() == [3]


def test_perfect_scorers_as_the_prediction(tmp_path: Path) -> None:
    responses = write_csv(tmp_path / "tra-loi.csv", ENTRIES, header=VI)
    result = rank_forms_files(
        responses, key_file(tmp_path / "k.csv"), RankingRules(predict="perfect", levels=PRIZES)
    )
    assert result.truth == 3  # An, Bình and Cường answer all three right
    distances = dict(
        zip(result.ranking["Họ và tên"], result.ranking["Chênh lệch dự đoán"], strict=True)
    )
    assert distances["Ma Văn Em"] == 2 and distances["Trần Thị Bình"] == 1


@pytest.mark.parametrize(
    "response, right",
    [
        ("Tuần lễ học tập suốt đời; Ngày Sách", True),
        ("Ngày Sách;Tuần lễ học tập suốt đời", True),
        ("Ngày Sách, Tuần lễ học tập suốt đời", True),  # Forms' own separator
        ("ngày sách ; TUẦN LỄ HỌC TẬP SUỐT ĐỜI", True),
        ("Ngày Sách", False),
        ("Ngày Sách; Tuần lễ học tập suốt đời; Tết", False),
        ("Ngày Sách; Ngày Sách", False),
        ("", False),
    ],
)
def test_checkbox_answers_match_the_key_exactly(response: str, right: bool) -> None:
    assert exact_choice(response, ["Ngày Sách", "Tuần lễ học tập suốt đời"]) is right


def test_an_option_may_hold_a_comma() -> None:
    answers = ["Học tập, lao động", "Sáng tạo"]
    assert exact_choice("Sáng tạo, Học tập, lao động", answers)
    assert not exact_choice("Học tập, lao động", answers)


@pytest.mark.parametrize(
    "text, value",
    [("1234", 1234), ("1.234", 1234), ("1,234", 1234), ("1 234", 1234), ("khoảng 500 người", 500),
     ("12,5", 12.5), ("", None), ("không biết", None), ("khoảng 150-200", None), ("-1", -1)],
)  # fmt: skip
def test_predictions_as_people_write_them(text: str, value: float | None) -> None:
    parsed = parse_prediction(text)
    assert (parsed != parsed and value is None) or parsed == value


def _error(tmp_path: Path, entries, header=VI, key=KEY, **rules) -> str:
    responses = write_csv(tmp_path / "tra-loi.csv", entries, header=header)
    with pytest.raises(HoctapError) as caught:
        rank_forms_files(responses, key_file(tmp_path / "k.csv", key), RankingRules(**rules))
    return f"{caught.value.message} {caught.value.hint}"


def test_a_column_not_in_the_key_is_named(tmp_path: Path) -> None:
    header = [*VI[:-1], "Câu 4. Câu không có đáp án", VI[-1]]
    entries = [[*e[:-1], "x", e[-1]] for e in ENTRIES]
    message = _error(tmp_path, entries, header=header)
    assert "'Câu 4. Câu không có đáp án'" in message and "--ignore-column" in message


def test_an_ignored_column_is_read_past(tmp_path: Path) -> None:
    header = [*VI[:-1], "Ghi chú", "Email", VI[-1]]
    entries = [[*e[:-1], "x", "a@b.vn", e[-1]] for e in ENTRIES]
    responses = write_csv(tmp_path / "tra-loi.csv", entries, header=header)
    rules = RankingRules(levels=PRIZES, ignore_columns=("ghi chu",))
    assert as_rows(rank_forms_files(responses, key_file(tmp_path / "k.csv"), rules)) == EXPECTED


def test_a_key_that_matches_no_column_is_named(tmp_path: Path) -> None:
    key = [*KEY[:2], ("Câu 3. Kế hoạch của tỉnh do cơ quan nào ban hành", "UBND tỉnh")]
    message = _error(tmp_path, ENTRIES, key=key)
    assert "không khớp cột nào" in message and "có phải 'Câu 3." in message


def test_an_unreadable_time_names_its_row(tmp_path: Path) -> None:
    entries = [list(e) for e in ENTRIES]
    entries[2][0] = "hôm qua"
    message = _error(tmp_path, entries)
    assert "Dòng 4, cột 'Dấu thời gian'" in message and "'hôm qua'" in message


def test_a_day_after_the_twelfth_tells_the_order(tmp_path: Path) -> None:
    # An English header implies m/d/yyyy, but 13/11 can only be a day: the data decides.
    responses = write_csv(tmp_path / "responses.csv", ENTRIES, header=EN)
    result = rank_forms_files(responses, key_file(tmp_path / "k.csv"), RankingRules(levels=PRIZES))
    assert as_rows(result) == EXPECTED
    # Told the order, it does not guess.
    assert "Dòng" in _error(tmp_path, ENTRIES, header=EN, date_order="mdy")


def test_a_key_answer_nobody_chose_is_pointed_out(tmp_path: Path) -> None:
    key = [*KEY[:2], (Q3, "UBND tinh Cao Bang")]
    responses = write_csv(tmp_path / "tra-loi.csv", ENTRIES, header=VI)
    result = rank_forms_files(responses, key_file(tmp_path / "k.csv", key), RankingRules())
    assert any("Không ai trả lời đúng câu" in note for note in result.notes)


def test_the_key_may_come_without_a_header_row() -> None:
    frame = pd.DataFrame([(Q2, "A; B")], columns=[Q1, "Quyết định số 1373/QĐ-TTg"])
    assert read_key(frame) == [(Q1, ["Quyết định số 1373/QĐ-TTg"]), (Q2, ["A", "B"])]


def test_rank_forms_command_writes_csv_and_groups(tmp_path: Path) -> None:
    responses = write_csv(tmp_path / "tra-loi.csv", ENTRIES, header=VI)
    roster = write_csv(
        tmp_path / "don-vi.csv",
        [("Xã Hưng Đạo", 20), ("Sở Y tế", 10), ("Báo Cao Bằng", 40)],
        header=["Đơn vị", "Số thành viên"],
    )
    out = tmp_path / "ket-qua.csv"
    args = ["contest", "rank-forms", str(responses), "--key", str(key_file(tmp_path / "k.csv"))]
    args += ["--prizes", "Nhất=1,Nhì=1,Ba=2", "--groups", "--roster", str(roster)]
    args += ["--group-prizes", "1", "--min-roster", "10", "-f", "csv", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Đáp án câu dự đoán (số người tham gia): 5." in result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    with out.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == [
        "Hạng", "Họ và tên", "Đơn vị", "Số câu đúng", "Dự đoán", "Chênh lệch dự đoán",
        "Thời điểm nộp", "Giải",
    ]  # fmt: skip
    assert lines[1] == ["1", "Nguyễn Văn An", "UBND xã Hưng Đạo", "3", "6", "1",
                        "20/11/2026 08:00:05", "Nhất"]  # fmt: skip
    assert lines[3][4:6] == ["", ""]  # the blank prediction stays blank
    with (tmp_path / "ket-qua-giai-tap-the.csv").open(encoding="utf-8-sig") as handle:
        groups = list(csv.reader(handle))
    by_unit = {g[1]: g for g in groups[1:]}
    # Hưng Đạo: 2 of 20 (10%); Sở Y tế: 2 of 10 (20%); Báo Cao Bằng: 1 of 40.
    assert by_unit["Sở Y tế"][0] == "1" and by_unit["Sở Y tế"][4] == "20.0"
    assert by_unit["Sở Y tế"][6] == "Giải tập thể"
    assert by_unit["UBND xã Hưng Đạo"][3:5] == ["20", "10.0"]
    assert (tmp_path / "ket-qua-nop-trung.csv").is_file()


def test_rank_forms_command_as_a_table_and_xlsx(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    responses = write_csv(tmp_path / "tra-loi.csv", ENTRIES, header=VI)
    key = str(key_file(tmp_path / "k.csv"))
    shown = runner.invoke(app, ["contest", "rank-forms", str(responses), "--key", key])
    assert shown.exit_code == 0 and "Nguyễn Văn An" in shown.output and "0912•••678" in shown.output
    out = tmp_path / "ket-qua.xlsx"
    saved = runner.invoke(
        app, ["contest", "rank-forms", str(responses), "--key", key, "-f", "xlsx", "-o", str(out)]
    )
    assert saved.exit_code == 0, saved.output
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Xếp hạng", "Nộp trùng"]
    assert [c.value for c in workbook["Xếp hạng"][2]][:4] == [
        1,
        "Nguyễn Văn An",
        "UBND xã Hưng Đạo",
        3,
    ]


@pytest.mark.parametrize(
    ("extra", "text"),
    [
        (["--prizes", "Nhất"], "--prizes"),
        (["--rank-by", "score,speed"], "Không có tiêu chí xếp hạng"),
    ],
    ids=["prizes without a count", "an unknown criterion"],
)
def test_rank_forms_errors_are_messages_not_tracebacks(
    tmp_path: Path, extra: list[str], text: str
) -> None:
    responses = write_csv(tmp_path / "tra-loi.csv", ENTRIES, header=VI)
    key = str(key_file(tmp_path / "k.csv"))
    result = runner.invoke(app, ["contest", "rank-forms", str(responses), "--key", key, *extra])
    assert result.exit_code == 1 and text in result.output and "Traceback" not in result.output


def test_rank_forms_on_a_missing_file_says_so(tmp_path: Path) -> None:
    key = str(key_file(tmp_path / "k.csv"))
    missing = runner.invoke(app, ["contest", "rank-forms", str(tmp_path / "x.csv"), "--key", key])
    assert missing.exit_code == 1 and "Không tìm thấy tệp" in missing.output


def test_the_sample_export_ranks_and_imports_nothing_from_jupyter(tmp_path: Path) -> None:
    responses, key = tmp_path / "tra-loi.csv", tmp_path / "dap-an.csv"
    sample_forms(responses, key, rows=300, questions=10)
    code = (
        "import sys\n"
        "from hoctap.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    status = exit.code\n"
        "banned = ('jupyter', 'nbgrader', 'ipykernel', 'IPython', 'nbformat', 'nbconvert',\n"
        "          'nbclient', 'traitlets', 'voila', 'ipywidgets', 'zmq', 'tornado')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith(banned)}))\n"
        "sys.exit(status)\n"
    )
    argv = ["hoctap", "contest", "rank-forms", str(responses), "--key", str(key)]
    argv += ["-f", "csv", "-o", str(tmp_path / "out.csv")]
    done = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.argv = {argv!r}\n{code}"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    ranked = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig")
    assert ranked["Hạng"].is_monotonic_increasing and ranked["Hạng"].iloc[0] == 1
    assert len(ranked) > 250


def test_ranking_is_a_pure_function_of_the_table() -> None:
    frame = pd.DataFrame(ENTRIES, columns=VI)
    first = rank_forms(frame, [(q, a.split(";")) for q, a in KEY], RankingRules(levels=PRIZES))
    again = rank_forms(frame, [(q, a.split(";")) for q, a in KEY], RankingRules(levels=PRIZES))
    assert as_rows(first) == as_rows(again) == EXPECTED
    assert frame.equals(pd.DataFrame(ENTRIES, columns=VI))  # the input is left as it was


def test_the_demo_writes_a_sample_contest_that_ranks(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--people", "0", "--no-activity"])
    assert result.exit_code == 0, result.output
    command = result.output.strip().splitlines()[-1].split()
    assert command[:3] == ["hoctap", "contest", "rank-forms"]
    ranked = runner.invoke(app, [*command[1:], "-f", "csv", "-o", str(tmp_path / "kq.csv")])
    assert ranked.exit_code == 0, ranked.output
    assert "Đáp án câu dự đoán (số người tham gia):" in ranked.output


def test_detail_headers_with_extra_words_are_recognised(tmp_path: Path) -> None:
    header = ["Dấu thời gian", "Họ và tên (viết có dấu)", "Đơn vị công tác",
              "Số điện thoại liên hệ", *VI[5:]]  # fmt: skip
    entries = [[e[0], *e[2:]] for e in ENTRIES]
    responses = write_csv(tmp_path / "tra-loi.csv", entries, header=header)
    result = rank_forms_files(responses, key_file(tmp_path / "k.csv"), RankingRules(levels=PRIZES))
    assert as_rows(result) == EXPECTED and len(result.duplicates) == 1


def test_a_question_about_units_is_not_taken_for_the_unit_column(tmp_path: Path) -> None:
    question = "Đơn vị học tập được chấm trên thang bao nhiêu điểm?"
    header = [*VI[:-1], question, VI[-1]]
    entries = [[*e[:-1], "100 điểm", e[-1]] for e in ENTRIES]
    responses = write_csv(tmp_path / "tra-loi.csv", entries, header=header)
    key = key_file(tmp_path / "k.csv", [*KEY, (question, "100 điểm")])
    result = rank_forms_files(responses, key, RankingRules(levels=PRIZES))
    assert result.ranking["Số câu đúng"].max() == 4


def test_a_question_mentioning_a_prediction_is_still_a_question(tmp_path: Path) -> None:
    question = "Câu 4. Ai đã dự đoán đúng thời điểm nhật thực?"
    header = [*VI[:-1], question, VI[-1]]
    entries = [[*e[:-1], "Nhà thiên văn", e[-1]] for e in ENTRIES]
    responses = write_csv(tmp_path / "tra-loi.csv", entries, header=header)
    key = key_file(tmp_path / "k.csv", [*KEY, (question, "Nhà thiên văn")])
    result = rank_forms_files(responses, key, RankingRules(levels=PRIZES))
    assert result.truth == 5 and result.ranking["Dự đoán"].iloc[0] == 6


def test_two_questions_with_the_same_title_are_graded_in_order(tmp_path: Path) -> None:
    title = "Câu hỏi trùng tên"
    header = [*VI[:5], title, title, VI[-1]]
    entries = [[*e[:5], "A", "B", e[-1]] for e in ENTRIES]
    responses = write_csv(tmp_path / "tra-loi.csv", entries, header=header)
    key = key_file(tmp_path / "k.csv", [(title, "A"), (title, "B")])
    result = rank_forms_files(responses, key, RankingRules())
    assert set(result.ranking["Số câu đúng"]) == {2}


def test_broken_files_are_messages(tmp_path: Path) -> None:
    broken = tmp_path / "hong.xlsx"
    broken.write_text("không phải xlsx", encoding="utf-8")
    key = key_file(tmp_path / "k.csv")
    result = runner.invoke(app, ["contest", "rank-forms", str(broken), "--key", str(key)])
    assert result.exit_code == 1 and "Không đọc được tệp" in result.output
    assert "Traceback" not in result.output
    one_column = tmp_path / "mot-cot.csv"
    one_column.write_text("Câu Việt Nam\nAbc\n", encoding="utf-8")
    responses = write_csv(tmp_path / "tra-loi.csv", ENTRIES, header=VI)
    result = runner.invoke(app, ["contest", "rank-forms", str(responses), "--key", str(one_column)])
    assert result.exit_code == 1 and "cần hai cột" in result.output
    empty = tmp_path / "trong.csv"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["contest", "rank-forms", str(empty), "--key", str(key)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_spreadsheet_times_with_fractions_and_typed_times_mixed(tmp_path: Path) -> None:
    rows = [
        [datetime(2026, 11, 20, 8, 0, 5, 500000), None, *ENTRIES[0][2:]],
        ["20/11/2026 08:01:00", None, *ENTRIES[1][2:]],
    ]
    responses = write_xlsx(tmp_path / "tra-loi.xlsx", rows, header=VI)
    result = rank_forms_files(responses, key_file(tmp_path / "k.csv"), RankingRules())
    assert sorted(result.ranking["Thời điểm nộp"]) == [
        "20/11/2026 08:00:05",
        "20/11/2026 08:01:00",
    ]


def test_group_table_lists_roster_units_and_flags_overfull_ones(tmp_path: Path) -> None:
    responses = write_csv(tmp_path / "tra-loi.csv", ENTRIES, header=VI)
    roster = write_csv(
        tmp_path / "don-vi.csv",
        [("Xã Hưng Đạo", 20), ("Sở Y tế", 1), ("Xã Thông Nông", 15)],
        header=["Đơn vị", "Số thành viên"],
    )
    rules = RankingRules(groups=GroupRules(prizes=1, min_roster=0))
    result = rank_forms_files(responses, key_file(tmp_path / "k.csv"), rules, roster)
    assert result.groups is not None
    names = result.groups["Đơn vị"].tolist()
    assert "Xã Thông Nông" in names  # on the roster, nobody took part
    assert any("Sở Y tế: 2 người dự thi, nhiều hơn số thành viên (1)" in n for n in result.notes)


def test_csv_on_standard_output_says_where_the_other_tables_go(tmp_path: Path) -> None:
    responses = write_csv(tmp_path / "tra-loi.csv", ENTRIES, header=VI)
    key = str(key_file(tmp_path / "k.csv"))
    result = runner.invoke(
        app, ["contest", "rank-forms", str(responses), "--key", key, "-f", "csv"]
    )
    assert result.exit_code == 0 and "chỉ ghi ra tệp: thêm --output" in result.output
