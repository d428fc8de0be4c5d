"""A platform contest's results: ranked like rank-forms ranks the same answers, masked in public."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hoctap.cli import app
from hoctap.contest import sessions
from hoctap.contest.catalog import find_contest
from hoctap.contest.standings import RankingRules
from hoctap.db import Database
from hoctap.settings import ZONE
from tests.support.contests import Clock, person

runner = CliRunner()

BANK = """
title: Ngân hàng thử
questions:
  - name: q1
    type: single_choice
    text: Đề án được phê duyệt bằng văn bản nào?
    answers: [{text: QĐ 1373, correct: true}, QĐ 1307, CT 14]
  - name: q2
    type: single_choice
    text: Kế hoạch của tỉnh do ai ban hành?
    answers: [{text: UBND tỉnh, correct: true}, Sở Giáo dục, Tỉnh đoàn]
  - name: q3
    type: multiple_choice
    text: Sự kiện nào diễn ra hằng năm?
    answers:
      - {text: Tuần lễ học tập suốt đời, fraction: 0.5}
      - {text: Ngày Sách, fraction: 0.5}
      - Tết
  - name: dudoan
    type: prediction
    text: Câu hỏi dự đoán - có bao nhiêu người tham gia cuộc thi?
"""
CONTEST = """
title: Thi thử kết quả
bank: thu
types: [single_choice, multiple_choice]
time_limit_minutes: 20
opens: 01/12/2026 08:00
closes: 15/12/2026 17:00
attempts: 2
counts: best
prediction: {question: dudoan, target: total}
ranking: [score, prediction, submitted]
prizes: {Nhất: 1, Nhì: 1, Ba: 2}
"""
RIGHT = {"q1": "QĐ 1373", "q2": "UBND tỉnh", "q3": ["Tuần lễ học tập suốt đời", "Ngày Sách"]}
WRONG = {"q1": "QĐ 1307", "q2": "Tỉnh đoàn", "q3": ["Tết"]}
# Who answers what, when (minutes after opening), and their prediction. Cường repeats: best counts.
PLAN = [
    ("hv01", "Nguyễn Văn An", {"q1", "q2", "q3"}, 10, "4"),
    ("hv02", "Trần Thị Bình", {"q1", "q2", "q3"}, 12, "6"),
    ("hv03", "Lê Văn Cường", {"q1"}, 5, "4"),
    ("hv03", "Lê Văn Cường", {"q1", "q2", "q3"}, 30, ""),
    ("hv04", "Hoàng Thị Dung", {"q1", "q2"}, 8, "1.000"),
    ("hv05", "Ma Văn Em", {"q1", "q2"}, 9, "5"),
]
OPENING = datetime(2026, 12, 1, 8, 0, tzinfo=ZONE)


@pytest.fixture
def played(db: Database, tmp_path: Path):
    (db.settings.home / "quizzes").mkdir(parents=True, exist_ok=True)
    (db.settings.home / "quizzes" / "thu.yaml").write_text(BANK, encoding="utf-8")
    path = tmp_path / "thi-ket-qua.yaml"
    path.write_text(CONTEST, encoding="utf-8")
    loaded = find_contest(db.settings, str(path))
    seen = set()
    for code, name, right, minutes, prediction in PLAN:
        if code not in seen:
            person(db, code, name, None)
            seen.add(code)
        clock = Clock(OPENING + timedelta(minutes=minutes))
        entrant = sessions.enter_person(db, loaded, code, "", consent=code != "hv05", now=clock)
        paper = sessions.open_attempt(db, loaded, entrant.id, clock)
        for shown in paper.questions:
            if shown.type == "prediction":
                if prediction:
                    choice: object = prediction
                else:
                    continue
            else:
                wanted = (RIGHT if shown.name in right else WRONG)[shown.name]
                texts = wanted if isinstance(wanted, list) else [wanted]
                positions = [shown.options.index(t) for t in texts]
                choice = positions if shown.type == "multiple_choice" else positions[0]
            sessions.save_answer(db, loaded, paper.attempt_id, paper.holder, shown.name, choice,
                                 clock)  # fmt: skip
        clock.advance(minutes=2)
        sessions.submit(db, loaded, paper.attempt_id, paper.holder, clock)
    return loaded


def ranks(result) -> list[tuple[str, int, str]]:
    table = result.ranking
    return list(zip(table["Họ và tên"], table["Hạng"].astype(int), table["Giải"], strict=True))


def test_results_rank_by_the_contest_s_rules(db: Database, played) -> None:
    from hoctap.contest.results import contest_results

    result = contest_results(db, played)
    assert result.truth == 5  # five people, Cường's two attempts count once
    assert ranks(result) == [
        ("Nguyễn Văn An", 1, "Nhất"),  # 3 points, prediction 4: 1 away, handed in first
        ("Trần Thị Bình", 2, "Nhì"),  # 3 points, 6: 1 away, later
        ("Lê Văn Cường", 3, "Ba"),  # 3 points (his better attempt), no prediction
        ("Ma Văn Em", 4, "Ba"),  # 2 points, 5: exact
        ("Hoàng Thị Dung", 5, ""),  # 2 points, 1000
    ]
    assert result.ranking["Thời gian làm bài (giây)"].tolist()[:2] == [120, 120]


def test_public_results_show_names_only_with_consent(db: Database, played) -> None:
    from hoctap.contest.results import contest_results

    public = contest_results(db, played, public=True)
    names = public.ranking["Họ và tên"].tolist()
    assert "Ma Văn Em" not in names and any(n.startswith("Thí sinh #") for n in names)
    assert "Nguyễn Văn An" in names
    assert "Số điện thoại" not in public.ranking.columns


def test_the_same_answers_rank_the_same_through_rank_forms(
    db: Database, played, tmp_path: Path
) -> None:
    """Export what was stored as Google Forms would, rank it with rank-forms: the same ranking."""
    from hoctap.contest.report import rank_forms_files
    from hoctap.contest.results import attempts_table, contest_results

    table = attempts_table(db, played)
    by_name = {q.name: q for q in played.questions}
    order = ["q1", "q2", "q3"]
    header = ["Dấu thời gian", "Họ và tên", "Đơn vị", "Số điện thoại"]
    header += [by_name[n].text for n in order] + [by_name["dudoan"].text]
    responses = tmp_path / "cau-tra-loi.csv"
    with responses.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in table.to_dict("records"):
            when = row["submitted"].astimezone(ZONE).strftime("%d/%m/%Y %H:%M:%S")
            answers = [row.get(f"q:{n}", "") for n in order]
            prediction = row.get("q:dudoan")
            writer.writerow(
                [when, row["name"], row["unit"], f"09{row['entrant']:08d}", *answers,
                 prediction if isinstance(prediction, str) else ""]
            )  # fmt: skip
    key = tmp_path / "dap-an.csv"
    with key.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Câu hỏi", "Đáp án"])
        for name in order:
            right = RIGHT[name]
            texts = right if isinstance(right, list) else [right]
            writer.writerow([by_name[name].text, ";".join(texts)])
    forms = rank_forms_files(
        responses,
        key,
        RankingRules(keep="best", levels=played.contest.prizes, order=played.contest.ranking),
    )
    platform = contest_results(db, played)
    assert ranks(forms) == ranks(platform)


def test_results_command(db: Database, played, tmp_path: Path) -> None:
    out = tmp_path / "ket-qua.csv"
    result = runner.invoke(
        app,
        ["contest", "results", str(played.contest.path), "--public", "-f", "csv", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8-sig")
    assert "Thí sinh #" in text and "Nguyễn Văn An" in text and "Ma Văn Em" not in text
    shown = runner.invoke(app, ["contest", "show", str(played.contest.path)])
    assert shown.exit_code == 0 and "Thi thử kết quả" in shown.output


def test_the_organisers_page_shows_the_public_ranking(db: Database, played) -> None:
    from hoctap.apps.results import results_html

    page = results_html(db, str(played.contest.path))
    assert "Nguyễn Văn An" in page and "Ma Văn Em" not in page and "Thí sinh #" in page
    assert "Bảng xếp hạng" in page and "Giải tập thể" in page
    assert "<script" not in page
