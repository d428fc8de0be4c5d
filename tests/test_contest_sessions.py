"""Contest definitions, and taking a contest on the server: entry, paper, answers, clock, limits."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hoctap.contest import sessions
from hoctap.contest.catalog import find_contest, list_contests
from hoctap.contest.definition import draw_questions
from hoctap.db import Database
from hoctap.db.models import Attempt, AttemptAnswer
from hoctap.errors import HoctapError
from hoctap.settings import ZONE, Settings
from tests.support.contests import CONTEST, OPENING, Clock, contest_file, person, saved

BAD = {
    "unknown key": ("tieu_de: X\n", "tieu_de: khóa không dùng được"),
    "no bank": ("bank: ''\n", "bank: thiếu ngân hàng câu hỏi"),
    "a time that is not one": ("opens: mai\n", "opens: 'mai' không phải thời điểm"),
    "closing before opening": ("closes: 01/11/2026 08:00\n", "closes: giờ đóng phải sau giờ mở"),
    "counts": ("counts: average\n", "counts: 'average' không dùng được"),
    "a category the bank lacks": (
        "draw: [{category: Thể thao, count: 2}]\n",
        "ngân hàng không có câu nào thuộc chủ đề 'Thể thao'",
    ),
    "more than the bank has": (
        "draw: [{category: Học tập số, count: 50}]\n",
        "chủ đề 'Học tập số' chỉ có",
    ),
    "a prediction that is not one": (
        "prediction: {question: cs-001}\n",
        "ngân hàng không có câu dự đoán tên 'cs-001'",
    ),
    "ranking": ("ranking: [score, luck]\n", "ranking: danh sách tiêu chí"),
}


@pytest.mark.parametrize("line, message", BAD.values(), ids=BAD.keys())
def test_a_contest_file_s_problems_name_the_key_and_the_fix(
    tmp_path: Path, line: str, message: str
) -> None:
    key = line.split(":", 1)[0]
    kept, skipping = [], False
    for row in CONTEST.splitlines():  # drop the key and its indented lines, then add the new one
        skipping = row.startswith(key) or (skipping and row.startswith("  "))
        if not skipping:
            kept.append(row)
    text = "\n".join(kept) + "\n" + line
    path = contest_file(tmp_path, text=text)
    with pytest.raises(HoctapError) as caught:
        find_contest(Settings.from_env(), str(path))
    assert message in caught.value.message, caught.value.message
    assert "thi-thu.yaml" in caught.value.message and "hoctap contest show" in caught.value.hint


def test_the_sample_contest_loads_and_draws_a_different_paper_for_each(tmp_path: Path) -> None:
    loaded = find_contest(Settings.from_env(), "thi-tim-hieu-mau")
    assert loaded.contest.title and loaded.contest.time_limit == timedelta(minutes=15)
    first = [q.name for q in draw_questions(loaded.contest, loaded.questions, "a:1:1")]
    again = [q.name for q in draw_questions(loaded.contest, loaded.questions, "a:1:1")]
    other = [q.name for q in draw_questions(loaded.contest, loaded.questions, "a:2:1")]
    assert first == again != other
    assert len(first) == 11 and first[-1] == "dd-001"  # ten questions, then the prediction
    assert [c.contest.name for c in list_contests(Settings.from_env())] == ["thi-tim-hieu-mau"]


def test_a_roster_person_enters_with_the_end_of_their_phone(db: Database, contest) -> None:
    with pytest.raises(sessions.Refused, match="Bốn số cuối"):
        sessions.enter_person(db, contest, "hv001", "0000", consent=True)
    entrant = sessions.enter_person(db, contest, "HV001", "5678", consent=True)
    again = sessions.enter_person(db, contest, "hv001", "5678", consent=False)
    assert entrant.id == again.id and again.consent_publish is False
    assert (
        sessions.enter_person(db, contest, "hv002", "", consent=True).full_name == "Trần Thị Bình"
    )
    with pytest.raises(sessions.Refused, match="Không có học viên mã"):
        sessions.enter_person(db, contest, "hv999", "", consent=True)


def test_people_are_found_by_name_and_unit_without_accents(db: Database, contest) -> None:
    assert [p.code for p in sessions.find_people(db, "nguyen van an")] == ["hv001"]
    assert sessions.find_people(db, "nguyen van an", "khong co don vi nay") == []


def test_registration_only_when_the_contest_is_open_to_all(db: Database, tmp_path: Path) -> None:
    roster_only = find_contest(db.settings, str(contest_file(tmp_path)))
    with pytest.raises(sessions.Refused, match="chỉ dành cho người có trong danh sách"):
        sessions.register(db, roster_only, "Lê Văn Cường", "Sở Y tế", "0987654321", True)
    (tmp_path / "open").mkdir()
    open_to_all = find_contest(db.settings, str(contest_file(tmp_path / "open", "open")))
    entrant = sessions.register(db, open_to_all, "lê văn cường", "Sở Y tế", "0987 654 321", True)
    assert (entrant.full_name, entrant.phone) == ("Lê Văn Cường", "0987654321")
    with pytest.raises(sessions.Refused, match="đã được đăng ký với một họ tên khác"):
        sessions.register(db, open_to_all, "Lê Thị Dung", "Sở Y tế", "0987654321", True)
    with pytest.raises(sessions.Refused, match="không phải số điện thoại"):
        sessions.register(db, open_to_all, "Lê Thị Dung", "Sở Y tế", "12345", True)


def test_a_paper_resumes_in_a_new_tab_and_the_old_tab_is_refused(db: Database, contest) -> None:
    clock = Clock(OPENING + timedelta(hours=1))
    entrant = sessions.enter_person(db, contest, "hv001", "5678", True, clock)
    paper = sessions.open_attempt(db, contest, entrant.id, clock)
    assert len(paper.questions) == 6 and paper.seconds_left(clock()) == 15 * 60
    first = paper.questions[0]
    sessions.save_answer(db, contest, paper.attempt_id, paper.holder, first.name, 0, clock)
    clock.advance(minutes=5)
    resumed = sessions.open_attempt(db, contest, entrant.id, clock)  # a reload, or another tab
    assert resumed.attempt_id == paper.attempt_id and resumed.questions == paper.questions
    assert resumed.answers == {first.name: first.options[0]}
    assert resumed.seconds_left(clock()) == 10 * 60
    with pytest.raises(sessions.Refused, match="cửa sổ khác"):
        sessions.save_answer(db, contest, paper.attempt_id, paper.holder, first.name, 1, clock)
    sessions.save_answer(db, contest, resumed.attempt_id, resumed.holder, first.name, 1, clock)
    assert saved(db, paper.attempt_id) == {first.name: first.options[1]}


FORGED = [
    ("an index past the options", lambda q: 99),
    ("a negative index", lambda q: -1),
    ("a boolean for an index", lambda q: True),
    ("a text for an index", lambda q: "0"),
    ("the right answer's text", lambda q: q.options[0]),
    ("a list for one choice", lambda q: [0]),
]


@pytest.mark.parametrize("what, forge", FORGED, ids=[f[0] for f in FORGED])
def test_forged_answers_are_refused_and_nothing_is_stored(db: Database, contest, what, forge):
    clock = Clock(OPENING + timedelta(hours=1))
    entrant = sessions.enter_person(db, contest, "hv001", "5678", True, clock)
    paper = sessions.open_attempt(db, contest, entrant.id, clock)
    single = next(q for q in paper.questions if q.type in ("single_choice", "true_false"))
    with pytest.raises(sessions.Refused):
        sessions.save_answer(
            db, contest, paper.attempt_id, paper.holder, single.name, forge(single)
        )
    assert saved(db, paper.attempt_id) == {}


def test_a_question_not_on_the_paper_and_another_s_attempt_are_refused(db: Database, contest):
    clock = Clock(OPENING + timedelta(hours=1))
    an = sessions.enter_person(db, contest, "hv001", "5678", True, clock)
    binh = sessions.enter_person(db, contest, "hv002", "", True, clock)
    paper = sessions.open_attempt(db, contest, an.id, clock)
    other = sessions.open_attempt(db, contest, binh.id, clock)
    missing = next(q.name for q in contest.questions if q.name not in paper.answers and
                   q.name not in {s.name for s in paper.questions})  # fmt: skip
    with pytest.raises(sessions.Refused, match="không có trong bài thi"):
        sessions.save_answer(db, contest, paper.attempt_id, paper.holder, missing, 0, clock)
    with pytest.raises(sessions.Refused, match="cửa sổ khác"):  # Bình's tab, An's attempt
        sessions.save_answer(
            db, contest, paper.attempt_id, other.holder, paper.questions[0].name, 0, clock
        )
    assert saved(db, paper.attempt_id) == {}


def test_the_server_clock_ends_the_attempt(db: Database, contest) -> None:
    clock = Clock(OPENING + timedelta(hours=1))
    entrant = sessions.enter_person(db, contest, "hv001", "5678", True, clock)
    paper = sessions.open_attempt(db, contest, entrant.id, clock)
    question = paper.questions[0]
    clock.advance(minutes=14, seconds=59)
    sessions.save_answer(db, contest, paper.attempt_id, paper.holder, question.name, 0, clock)
    clock.advance(seconds=2)  # past the deadline, whatever the browser's countdown says
    with pytest.raises(sessions.Refused, match="hết giờ"):
        sessions.save_answer(db, contest, paper.attempt_id, paper.holder, question.name, 1, clock)
    assert saved(db, paper.attempt_id) == {question.name: question.options[0]}
    outcome = sessions.result(db, contest, paper.attempt_id, clock)
    assert outcome.duration == timedelta(minutes=15)  # handed in at the deadline
    # The next attempt is a new paper; a third is beyond the limit.
    second = sessions.open_attempt(db, contest, entrant.id, clock)
    assert second.number == 2 and second.attempt_id != paper.attempt_id
    sessions.submit(db, contest, second.attempt_id, second.holder, clock)
    with pytest.raises(sessions.Refused, match="đã thi đủ 2 lần"):
        sessions.open_attempt(db, contest, entrant.id, clock)


def test_an_attempt_never_runs_past_closing_time(db: Database, contest) -> None:
    clock = Clock(datetime(2026, 12, 15, 16, 50, tzinfo=ZONE))
    entrant = sessions.enter_person(db, contest, "hv001", "5678", True, clock)
    paper = sessions.open_attempt(db, contest, entrant.id, clock)
    assert paper.seconds_left(clock()) == 10 * 60
    clock.advance(minutes=11)
    with pytest.raises(sessions.Refused, match="đã đóng"):
        sessions.open_attempt(db, contest, sessions.enter_person(
            db, contest, "hv002", "", True, clock).id, clock)  # fmt: skip


def test_before_opening_is_refused_with_the_schedule(db: Database, contest) -> None:
    clock = Clock(OPENING - timedelta(minutes=1))
    entrant = sessions.enter_person(db, contest, "hv001", "5678", True, clock)
    with pytest.raises(sessions.Refused) as caught:
        sessions.open_attempt(db, contest, entrant.id, clock)
    assert "chưa mở" in caught.value.message and "08:00 ngày 01/12/2026" in caught.value.hint


def test_a_submitted_paper_is_graded_from_what_was_saved(db: Database, contest) -> None:
    clock = Clock(OPENING + timedelta(hours=1))
    entrant = sessions.enter_person(db, contest, "hv001", "5678", True, clock)
    paper = sessions.open_attempt(db, contest, entrant.id, clock)
    by_name = {q.name: q for q in contest.questions}
    answered = 0
    for shown in paper.questions:
        question = by_name[shown.name]
        if shown.type in ("single_choice", "true_false"):
            right = next(a.text for a in question.answers if a.fraction == 1)
            index = shown.options.index(right)
            sessions.save_answer(db, contest, paper.attempt_id, paper.holder, shown.name, index,
                                 clock)  # fmt: skip
            answered += 1
        elif shown.type == "prediction":
            sessions.save_answer(db, contest, paper.attempt_id, paper.holder, shown.name, "120",
                                 clock)  # fmt: skip
    clock.advance(minutes=3)
    outcome = sessions.submit(db, contest, paper.attempt_id, paper.holder, clock)
    assert outcome.correct == answered and outcome.total == 5
    assert outcome.duration == timedelta(minutes=3)
    with pytest.raises(sessions.Refused, match="đã nộp"):
        sessions.save_answer(
            db, contest, paper.attempt_id, paper.holder, paper.questions[0].name, 0, clock
        )


def test_thirty_participants_at_once_make_thirty_attempts(db: Database, contest) -> None:
    clock = Clock(OPENING + timedelta(hours=1))
    entrants = []
    for number in range(30):
        person(db, f"ts{number:03d}", f"Thí Sinh Số {number}", f"09{number:08d}")
        entrants.append(
            sessions.enter_person(db, contest, f"ts{number:03d}", f"{number:08d}"[-4:], True, clock)
        )
    errors: list[BaseException] = []
    start = threading.Barrier(30)

    def take(entrant_id: int) -> None:
        try:
            start.wait()
            paper = sessions.open_attempt(db, contest, entrant_id, clock)
            for shown in paper.questions[:3]:
                sessions.save_answer(
                    db, contest, paper.attempt_id, paper.holder, shown.name,
                    [0] if shown.type == "multiple_choice" else 0 if shown.options else "5",
                    clock,
                )  # fmt: skip
            sessions.submit(db, contest, paper.attempt_id, paper.holder, clock)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=take, args=(e.id,)) for e in entrants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Attempt)) == 30
        assert session.scalar(select(func.count()).select_from(AttemptAnswer)) == 90
        assert (
            session.scalar(
                select(func.count()).select_from(Attempt).where(Attempt.submitted_at.is_(None))
            )
            == 0
        )


def test_times_are_stored_as_moments(db: Database, contest) -> None:
    clock = Clock(datetime(2026, 12, 2, 1, 30, tzinfo=UTC))
    entrant = sessions.enter_person(db, contest, "hv001", "5678", True, clock)
    paper = sessions.open_attempt(db, contest, entrant.id, clock)
    assert paper.deadline == clock() + timedelta(minutes=15)
