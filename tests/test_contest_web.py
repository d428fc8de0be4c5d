"""The contest's web pages, driven as a browser and the page's script drive them, and forged.

A real Tornado server on 127.0.0.1 over a real database (SQLite, and PostgreSQL in the slow run);
the server's clock is the test's. What the Voilà quiz page's tests asserted holds here: the key
is never sent, forged input is refused with nothing recorded, an attempt resumes, the deadline
is the server's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from hoctap.contest import throttle
from hoctap.contest.catalog import LoadedContest
from hoctap.db import Database
from tests.support.contests import CONTEST, OPENING, Clock, person, saved
from tests.support.web import Taker, web_service

NAME = "thi-thu"


def write_contest(db: Database, text: str = CONTEST, participants: str = "roster") -> None:
    folder = db.settings.home / "contests"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{NAME}.yaml").write_text(text.replace("PARTICIPANTS", participants), "utf-8")


@pytest.fixture
def clock() -> Clock:
    return Clock(OPENING + timedelta(hours=1))


@pytest.fixture
def site(db: Database, contest: LoadedContest, clock: Clock) -> Iterator[str]:
    write_contest(db)
    with web_service(db, clock) as base:
        yield base


@pytest.fixture
def taker(site: str) -> Iterator[Taker]:
    browser = Taker(site)
    try:
        yield browser
    finally:
        browser.close()


def attempt_of(taker: Taker) -> int:
    return int(taker.questions()[0]["attempt"])


def radio(taker: Taker) -> dict[str, str]:
    return next(q for q in taker.questions() if q["kind"] == "radio")


def test_entering_and_answering_saves_on_the_server(db: Database, taker: Taker) -> None:
    taker.enter(NAME)
    questions = taker.questions()
    assert len(questions) == 6, taker.page  # five drawn and the prediction
    assert 'Thời gian còn lại: <strong id="clock">15:00</strong>' in taker.page
    question = radio(taker)
    done = taker.answer(NAME, question, [("chon", "1")])
    assert done.status_code == 200 and done.json()["ok"] is True
    stored = saved(db, attempt_of(taker))
    assert list(stored) == [question["name"]]
    # Without the script: the form's button posts, and the page comes back with the answer.
    again = taker.answer(NAME, question, [("chon", "0")], rev=2, script=False)
    assert again.status_code == 200 and "Đã lưu câu trả lời lúc" in taker.page
    assert saved(db, attempt_of(taker))[question["name"]] != stored[question["name"]]
    checked = re.search(rf'id="cau-{question["number"]}".*?</form>', taker.page, re.S)
    assert checked and checked.group(0).count(" checked") == 1


def test_a_wrong_phone_ending_is_refused_on_the_page(taker: Taker) -> None:
    response = taker.enter(NAME, tail="0000")
    assert response.status_code == 409 and "Bốn số cuối" in taker.page
    assert not taker.questions()


@pytest.mark.parametrize("value", ["99", "-5", "true", "1.5", " 1", "01", "1e0", ""])
def test_a_forged_option_is_refused_and_nothing_is_stored(
    db: Database, taker: Taker, value: str
) -> None:
    taker.enter(NAME)
    answer = taker.answer(NAME, radio(taker), [("chon", value)])
    assert answer.status_code == 409 and answer.json()["ok"] is False
    assert "Phương án" in answer.json()["message"] or "Chưa chọn" in answer.json()["message"]
    assert saved(db, attempt_of(taker)) == {}


def test_forged_requests_are_refused_in_vietnamese_and_nothing_is_recorded(
    db: Database, site: str, taker: Taker, clock: Clock
) -> None:
    taker.enter(NAME)
    mine = attempt_of(taker)
    question = radio(taker)
    other = Taker(site)
    try:
        other.enter(NAME, code="hv002", tail="")
        theirs = attempt_of(other)
        # Another person's attempt, from my browser.
        forged = taker.answer(NAME, question, [("chon", "0")], attempt=str(theirs))
        assert forged.status_code == 409 and "không phải của anh/chị" in forged.json()["message"]
        assert saved(db, theirs) == {}
    finally:
        other.close()
    # A question not on the paper.
    stranger = dict(question, name="dd-001-not-drawn")
    assert "không có trong bài" in taker.answer(NAME, stranger, [("chon", "0")]).json()["message"]
    # A typed answer longer than any answer.
    prediction = next(q for q in taker.questions() if q["kind"] == "text")
    long = taker.answer(NAME, prediction, [("tra_loi", "9" * 600)])
    assert "dài quá" in long.json()["message"]
    # No CSRF token, or a wrong one.
    missing = taker.answer(NAME, question, [("chon", "0")], xsrf="")
    assert missing.status_code == 403 and "Tải lại trang" in missing.json()["hint"]
    wrong = taker.answer(NAME, question, [("chon", "0")], xsrf="2|abc|def|123")
    assert wrong.status_code == 403
    assert saved(db, mine) == {}
    # A replayed request: the same save again is refused; a newer one is taken.
    assert taker.answer(NAME, question, [("chon", "0")], rev=1).json()["ok"] is True
    replay = taker.answer(NAME, question, [("chon", "1")], rev=1)
    assert replay.status_code == 409 and replay.json()["stale"] == 1
    assert saved(db, mine)[question["name"]] == saved(db, mine)[question["name"]]
    before = saved(db, mine)
    # After the deadline, on the server's clock.
    clock.advance(minutes=16)
    late = taker.answer(NAME, question, [("chon", "1")], rev=5)
    assert late.status_code == 409 and "hết giờ" in late.json()["message"]
    assert saved(db, mine) == before
    taker.get(f"thi/{NAME}/ket-qua")
    assert "Hết giờ: bài đã được nộp tự động." in taker.page


def test_another_device_takes_over_and_the_first_is_refused(
    db: Database, site: str, taker: Taker
) -> None:
    taker.enter(NAME)
    question = radio(taker)
    assert taker.answer(NAME, question, [("chon", "0")]).json()["ok"]
    phone = Taker(site)
    try:
        phone.enter(NAME)  # another device: the page asks before taking the attempt over
        assert "đang được làm ở một thiết bị" in phone.page
        phone.post(f"thi/{NAME}/bai", {})
        again = next(q for q in phone.questions() if q["name"] == question["name"])
        assert again["rev"] == "1" and attempt_of(phone) == attempt_of(taker)
        old = taker.answer(NAME, question, [("chon", "1")], rev=2)
        assert "cửa sổ khác" in old.json()["message"]
        assert phone.answer(NAME, again, [("chon", "1")]).json()["ok"]
    finally:
        phone.close()
    # A reload on the device that holds it resumes: the same attempt, the answer checked.
    assert len(saved(db, attempt_of(taker))) == 1


def test_a_reload_resumes_the_attempt_with_the_time_left(taker: Taker, clock: Clock) -> None:
    taker.enter(NAME)
    first = attempt_of(taker)
    clock.advance(minutes=4, seconds=30)
    taker.get(f"thi/{NAME}")
    assert attempt_of(taker) == first
    assert '<strong id="clock">10:30</strong>' in taker.page


def test_the_answer_key_is_in_no_response(taker: Taker, contest: LoadedContest) -> None:
    pages = [taker.enter(NAME).text]
    question = radio(taker)
    pages.append(taker.answer(NAME, question, [("chon", "0")]).text)
    pages.append(taker.get(f"thi/{NAME}/nop").text)
    by_name = {q.name: q for q in contest.questions}
    shown = {q["name"] for q in taker.questions()} or {question["name"]}
    everything = "\n".join(pages)
    for name in shown:
        for answer in by_name[name].answers:
            if answer.feedback:
                assert answer.feedback not in everything
        if by_name[name].feedback:
            assert by_name[name].feedback not in everything
    assert "fraction" not in everything and "correct" not in everything


def test_handing_in_shows_the_score(db: Database, taker: Taker) -> None:
    taker.enter(NAME)
    taker.get(f"thi/{NAME}/nop")
    assert "Anh/chị chắc chắn nộp bài? Còn 6 câu chưa trả lời." in taker.page
    taker.post(f"thi/{NAME}/nop", {})
    assert "Đã nộp bài." in taker.page and "Điểm: <strong>0/" in taker.page
    # The second attempt the contest allows, then no more.
    taker.get(f"thi/{NAME}/bai")
    assert "Thi lần nữa" in taker.page
    taker.post(f"thi/{NAME}/bai", {})
    taker.post(f"thi/{NAME}/nop", {})
    taker.get(f"thi/{NAME}/bai")
    assert "đã thi đủ 2 lần" in taker.page


def test_one_per_screen_asks_the_script_to_show_one_question(taker: Taker, db: Database) -> None:
    taker.enter(NAME)
    assert 'data-one="1"' in taker.page  # the contest's default layout


def test_the_contest_pages_load_nothing_heavy() -> None:
    import subprocess
    import sys

    code = (
        "import sys, hoctap.web.app, hoctap.web.server\n"
        "heavy = ('pandas', 'numpy', 'nbgrader', 'matplotlib', 'openpyxl', 'jupyter_server',"
        " 'ipykernel', 'ipywidgets')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith(heavy)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_finding_oneself_by_name_and_unit(db: Database, taker: Taker) -> None:
    from sqlalchemy import select

    from hoctap.db.models import Person

    taker.get(f"thi/{NAME}/tim?ho_ten=nguyen&don_vi=")
    assert "Nhập đủ họ và tên" in taker.page and "Nguyễn Văn An" not in taker.page
    with db.session() as session:
        unit = session.scalar(select(Person).where(Person.code == "hv001")).unit.name
    taker.get(f"thi/{NAME}/tim?ho_ten=nguyen+van+an&don_vi={unit}")
    assert "Nguyễn Văn An" in taker.page
    taker.post(f"thi/{NAME}/vao", {"ma": "hv001", "so_cuoi": "5678", "dong_y": "1"})
    taker.post(f"thi/{NAME}/bai", {})
    assert taker.questions()


def test_registering_when_the_contest_is_open_to_all(db: Database, contest, clock) -> None:
    write_contest(db, participants="open")
    with web_service(db, clock) as base:
        browser = Taker(base)
        try:
            browser.get(f"thi/{NAME}")
            assert "Đăng ký dự thi" in browser.page
            fields = {"ho_ten": "lê văn cường", "don_vi": "Sở Y tế", "dong_y": "1"}
            browser.post(f"thi/{NAME}/dang-ky", {**fields, "dien_thoai": "12345"})
            assert "không phải số điện thoại" in browser.page
            browser.post(f"thi/{NAME}/dang-ky", {**fields, "dien_thoai": "0987 654 321"})
            browser.post(f"thi/{NAME}/bai", {})
            assert browser.questions()
        finally:
            browser.close()


def test_guessing_phone_digits_is_stopped_and_a_neighbour_still_enters(
    site: str, taker: Taker
) -> None:
    for digits in ("0000", "1111", "2222", "3333", "4444"):
        assert taker.enter(NAME, tail=digits).status_code == 409
        assert "Bốn số cuối" in taker.page
    stopped = taker.enter(NAME, tail="5678")  # even the right digits now wait
    assert stopped.status_code == 409 and "quá nhiều lần" in taker.page
    assert re.search(r"chờ khoảng \d+ phút", taker.page)
    neighbour = Taker(site)  # the same address (a commune's meeting), another person
    try:
        neighbour.enter(NAME, code="hv002", tail="")
        assert neighbour.questions(), neighbour.page
    finally:
        neighbour.close()


def test_behind_a_proxy_the_limit_is_per_address_the_proxy_saw(
    db: Database, contest: LoadedContest, clock: Clock
) -> None:
    """Wrong codes from one address are stopped, whatever X-Forwarded-For entries the client
    adds before the proxy's own (the last)."""
    write_contest(db)
    with web_service(db, clock, proxied=True) as base:
        browser = Taker(base)
        try:
            browser.get(f"thi/{NAME}")
            for n in range(throttle.ADDRESS_TRIES.count):
                browser.client.headers["X-Forwarded-For"] = f"10.9.{n}.1, 203.0.113.7"
                browser.post(f"thi/{NAME}/vao", {"ma": f"hv9{n:02d}", "so_cuoi": "1234"})
                assert "Không có học viên mã" in browser.page
            browser.client.headers["X-Forwarded-For"] = "10.9.99.1, 203.0.113.7"
            browser.post(f"thi/{NAME}/vao", {"ma": "hv001", "so_cuoi": "5678"})
            assert "quá nhiều lần" in browser.page
            browser.client.headers["X-Forwarded-For"] = "203.0.113.8"  # another hall
            browser.post(f"thi/{NAME}/vao", {"ma": "hv001", "so_cuoi": "5678", "dong_y": "1"})
            assert "Bắt đầu làm bài" in browser.page
        finally:
            browser.close()


def test_the_public_ranking_names_only_those_who_consented(
    db: Database, site: str, taker: Taker
) -> None:
    taker.enter(NAME)
    taker.post(f"thi/{NAME}/nop", {})
    other = Taker(site)
    try:
        other.get(f"thi/{NAME}")
        other.post(f"thi/{NAME}/vao", {"ma": "hv002", "so_cuoi": ""})  # no consent
        other.post(f"thi/{NAME}/bai", {})
        other.post(f"thi/{NAME}/nop", {})
    finally:
        other.close()
    public = Taker(site)
    try:
        response = public.get(f"cong-bo/{NAME}")
        assert response.status_code == 200
        assert "public, max-age=" in response.headers["cache-control"]
        assert "set-cookie" not in response.headers
        assert "Nguyễn Văn An" in public.page and "Trần Thị Bình" not in public.page
        assert "Thí sinh #" in public.page and "0912" not in public.page
    finally:
        public.close()


def test_certificate_verification_says_genuine_or_unknown(db: Database, site: str) -> None:
    from hoctap.db.models import Certificate

    with db.session() as session:
        session.add(
            Certificate(
                year=2026,
                number=1,
                serial="2026-00001/GCN",
                code="K7PX3QMD",
                kind="contest",
                subject="thi-thu",
                subject_title="Cuộc thi thử",
                holder="hv001",
                holder_name="Nguyễn Văn An",
                unit_name="Xã Hưng Đạo",
                detail="Nhất",
                issued_at=OPENING,
                demo=False,
            )
        )
    public = Taker(site)
    try:
        assert public.get("xac-minh/K7PX-3QMD").status_code == 200
        assert "là giấy thật" in public.page and "Nguyễn Văn An" in public.page
        assert public.get("xac-minh/K7PX-0000").status_code == 404
        assert "Không có giấy chứng nhận nào" in public.page
        assert public.get("xac-minh?ma=k7px3qmd").status_code == 200
    finally:
        public.close()


def test_every_page_sends_the_security_headers(taker: Taker) -> None:
    response = taker.get(f"thi/{NAME}")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    cookie = taker.client.cookies
    taker.post(f"thi/{NAME}/vao", {"ma": "hv001", "so_cuoi": "5678", "dong_y": "1"})
    assert any(c.name == f"hoctap-thi-{NAME}" for c in cookie.jar)
    raw = [h for h in taker.client.get(f"thi/{NAME}/bai").headers.get_list("set-cookie")]
    assert all("HttpOnly" in h for h in raw)
    assert "<script>" not in taker.page and "onclick" not in taker.page


def test_texts_are_escaped(db: Database, clock: Clock, contest: LoadedContest) -> None:
    write_contest(db, CONTEST.replace("Cuộc thi thử", "<script>alert(1)</script>"))
    with web_service(db, clock) as base:
        browser = Taker(base)
        try:
            browser.get(f"thi/{NAME}")
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in browser.page
            assert "<script>alert" not in browser.page
        finally:
            browser.close()


def test_unknown_pages_and_contests_say_so_in_vietnamese(site: str) -> None:
    public = Taker(site)
    try:
        assert public.get("thi/khong-co").status_code == 404
        assert "Không có trang này" in public.page
    finally:
        public.close()


def test_one_page_shows_every_question_at_once(
    db: Database, clock: Clock, contest: LoadedContest
) -> None:
    write_contest(db, CONTEST + "layout: one_page\n")
    with web_service(db, clock) as base:
        browser = Taker(base)
        try:
            browser.enter(NAME)
            assert 'data-one="1"' not in browser.page and len(browser.questions()) == 6
        finally:
            browser.close()


@pytest.mark.slow
def test_a_lost_database_connection_is_said_and_the_answer_saved_when_it_is_back(
    postgres_server, postgres_template, monkeypatch: pytest.MonkeyPatch, tmp_path, clock: Clock
) -> None:
    """The database's connections are cut and refused mid-contest, as when its server stops:
    the script is told "not saved" (never "saved"), keeps the answer and sends it again."""
    from sqlalchemy import create_engine, text

    from hoctap.people.units import open_province_database
    from hoctap.settings import Settings

    url = postgres_server.create_database(template=postgres_template)
    monkeypatch.setenv("HOCTAP_DB_URL", url)
    db = open_province_database(Settings.from_env())
    name = url.rsplit("/", 1)[1]
    admin = create_engine(postgres_server.url(), isolation_level="AUTOCOMMIT")

    def connections(allowed: bool) -> None:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
            if not allowed:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )

    try:
        person(db, "hv001", "Nguyễn Văn An", "0912345678")
        write_contest(db)
        with web_service(db, clock) as base:
            browser = Taker(base)
            try:
                browser.enter(NAME)
                question = radio(browser)
                assert browser.answer(NAME, question, [("chon", "0")]).json()["ok"]
                connections(False)
                lost = browser.answer(NAME, question, [("chon", "1")], rev=2)
                assert lost.status_code == 503 and lost.json()["ok"] is False
                assert "mất kết nối với cơ sở dữ liệu" in lost.json()["message"]
                page = browser.client.get(f"thi/{NAME}/nop")  # any page says so, no traceback
                assert page.status_code == 503 and "mất kết nối với cơ sở dữ liệu" in page.text
                connections(True)
                again = browser.answer(NAME, question, [("chon", "1")], rev=2)  # the resend
                assert again.json()["ok"] is True
                assert len(saved(db, attempt_of(browser))) == 1
            finally:
                browser.close()
    finally:
        connections(True)
        admin.dispose()
        db.close()


def test_a_cookie_from_before_a_reset_sends_the_taker_back_to_enter(
    db: Database, taker: Taker
) -> None:
    from sqlalchemy import delete

    from hoctap.db.models import Entrant

    taker.get(f"thi/{NAME}")
    taker.post(f"thi/{NAME}/vao", {"ma": "hv001", "so_cuoi": "5678", "dong_y": "1"})
    assert "Bắt đầu làm bài" in taker.page
    with db.session() as session:
        session.execute(delete(Entrant))
    taker.get(f"thi/{NAME}/bai")
    assert "Có mã học viên" in taker.page and "Bắt đầu làm bài" not in taker.page
