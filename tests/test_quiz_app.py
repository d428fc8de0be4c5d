"""The quiz app's widgets, driven as the browser drives them: through widget messages.

Voilà refuses code from the browser, but any widget message can be forged. These tests send the
same messages the page sends (and forged ones) to a real QuizApp on a real database.
"""

from __future__ import annotations

import json
from datetime import timedelta

import ipywidgets as widgets
import pytest
from ipywidgets.widgets.widget import _instances

from hoctap.apps.quiz import QuizApp, contest_name
from hoctap.contest import sessions
from hoctap.db import Database
from tests.support.contests import OPENING, Clock, saved


def send(widget: widgets.Widget, state: dict[str, object]) -> None:
    """What the page sends when the participant changes a widget (or what a forger sends)."""
    widget._handle_msg(
        {
            "content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
            "buffers": [],
        }
    )


def click(button: widgets.Button) -> None:
    button._handle_msg(
        {"content": {"data": {"method": "custom", "content": {"event": "click"}}}, "buffers": []}
    )


def find(root: widgets.Widget, kind: type, text: str = "") -> list:
    found = []
    stack = [root]
    while stack:
        widget = stack.pop()
        if isinstance(widget, kind) and text in str(getattr(widget, "description", "")):
            found.append(widget)
        stack.extend(getattr(widget, "children", ()))
    return found[::-1]


def enter(db: Database, loaded, clock: Clock, code: str = "hv001", tail: str = "5678") -> QuizApp:
    app = QuizApp(db, loaded, clock)
    send(app.code, {"value": code})
    send(app.tail, {"value": tail})
    send(app.consent, {"value": True})
    click(find(app.root, widgets.Button, "Vào thi")[0])
    return app


def attempt_id(db: Database) -> int:
    from sqlalchemy import select

    from hoctap.db.models import Attempt

    with db.session() as session:
        return int(session.scalar(select(Attempt.id)) or 0)


def current_choice(app: QuizApp) -> tuple[sessions.Shown, widgets.Widget]:
    assert app.paper is not None
    shown = app.paper.questions[app.index]
    return shown, app.answers[shown.name]


def test_entering_and_answering_saves_on_the_server(db: Database, contest) -> None:
    clock = Clock(OPENING + timedelta(hours=1))
    app = enter(db, contest, clock)
    assert app.paper is not None, app.message.value
    shown, widget = current_choice(app)
    assert isinstance(widget, (widgets.RadioButtons, widgets.VBox))
    if isinstance(widget, widgets.RadioButtons):
        send(widget, {"index": 1})
        assert saved(db, app.paper.attempt_id) == {shown.name: shown.options[1]}
    assert "Đã lưu" in app.message.value


def test_a_wrong_phone_ending_is_refused_on_the_page(db: Database, contest) -> None:
    app = enter(db, contest, Clock(OPENING + timedelta(hours=1)), tail="0000")
    assert app.paper is None and "Bốn số cuối" in app.message.value


def test_behind_the_hub_the_log_in_says_who_takes_part(db: Database, contest) -> None:
    clock = Clock(OPENING + timedelta(hours=1))
    app = QuizApp(db, contest, clock, account="hv001")
    assert not find(app.root, widgets.Text)  # no code, phone or name to type
    page = "".join(w.value for w in find(app.root, widgets.HTML))
    assert "hv001" in page
    send(app.consent, {"value": True})
    click(find(app.root, widgets.Button, "Vào thi")[0])
    assert app.paper is not None, app.message.value
    again = QuizApp(db, contest, clock, account="hv001")  # the same entrant, the same attempt
    click(find(again.root, widgets.Button, "Vào thi")[0])
    assert again.paper is not None and again.paper.attempt_id == app.paper.attempt_id
    stranger = QuizApp(db, contest, clock, account="giamkhao")
    assert stranger.paper is None and not find(stranger.root, widgets.Button, "Vào thi")
    assert "không có trong danh sách học viên" in stranger.message.value


def test_forged_messages_are_refused_and_nothing_is_stored(db: Database, contest) -> None:
    clock = Clock(OPENING + timedelta(hours=1))
    app = enter(db, contest, clock)
    assert app.paper is not None
    attempt = app.paper.attempt_id
    radios = [(s, app.answers[s.name]) for s in app.paper.questions
              if isinstance(app.answers[s.name], widgets.RadioButtons)]  # fmt: skip
    shown, radio = radios[0]
    send(radio, {"index": 99})  # an option that does not exist: the widget itself refuses
    send(radio, {"index": -5})
    assert saved(db, attempt) == {}
    prediction = next(s for s in app.paper.questions if s.type == "prediction")
    send(app.answers[prediction.name], {"value": "9" * 600})  # longer than any answer
    assert saved(db, attempt) == {} and "dài quá" in app.message.value
    # Clicking "Vào thi" again, or changing the code box, does not change who is answering.
    send(app.code, {"value": "hv002"})
    send(radio, {"index": 0})
    assert saved(db, attempt) == {shown.name: shown.options[0]}
    # Past the deadline, on the server's clock, a change is refused and the attempt handed in.
    clock.advance(minutes=16)
    send(radio, {"index": 1})
    assert saved(db, attempt) == {shown.name: shown.options[0]}
    assert app.paper is None  # handed in at the deadline: the page shows the result
    assert "Hết giờ" in app.body.children[0].value


def test_a_second_tab_takes_over_and_the_first_is_refused(db: Database, contest) -> None:
    clock = Clock(OPENING + timedelta(hours=1))
    first = enter(db, contest, clock)
    assert first.paper is not None
    shown, radio = next((s, first.answers[s.name]) for s in first.paper.questions
                        if isinstance(first.answers[s.name], widgets.RadioButtons))  # fmt: skip
    send(radio, {"index": 0})
    second = enter(db, contest, clock)  # a reload, or another tab
    assert second.paper is not None and second.paper.attempt_id == first.paper.attempt_id
    again = second.answers[shown.name]
    assert isinstance(again, widgets.RadioButtons) and again.index == 0  # the answer came back
    send(radio, {"index": 1})  # the old tab
    assert "cửa sổ khác" in first.message.value
    assert saved(db, first.paper.attempt_id) == {shown.name: shown.options[0]}


def test_the_answer_key_is_in_no_widget(db: Database, contest) -> None:
    clock = Clock(OPENING + timedelta(hours=1))
    app = enter(db, contest, clock)
    assert app.paper is not None
    by_name = {q.name: q for q in contest.questions}
    states = json.dumps(
        [w.get_state() for w in list(_instances.values()) if not isinstance(w, widgets.Layout)],
        ensure_ascii=False,
        default=str,
    )
    for shown in app.paper.questions:
        question = by_name[shown.name]
        for answer in question.answers:
            if answer.feedback:
                assert answer.feedback not in states
        if question.feedback:
            assert question.feedback not in states
    assert "fraction" not in states and "correct" not in states


def test_handing_in_shows_the_score(db: Database, contest) -> None:
    clock = Clock(OPENING + timedelta(hours=1))
    app = enter(db, contest, clock)
    assert app.paper is not None
    click(find(app.root, widgets.Button, "Nộp bài")[0])
    click(find(app.root, widgets.Button, "Nộp bài")[0])  # the confirmation
    page = find(app.root, widgets.HTML)[-1].value if app.paper is None else ""
    assert "Đã nộp bài" in app.root.children[1].children[0].value, page
    assert "Điểm: <b>0/" in app.root.children[1].children[0].value


def test_the_contest_comes_from_the_query_string() -> None:
    assert contest_name("contest=thi-tim-hieu-mau&x=1") == "thi-tim-hieu-mau"
    assert contest_name("") == ""


@pytest.mark.parametrize("layout", ["one_page"])
def test_one_page_layout_shows_every_question(db: Database, contest, layout: str) -> None:
    from dataclasses import replace

    loaded = replace(contest, contest=replace(contest.contest, layout=layout))
    app = enter(db, loaded, Clock(OPENING + timedelta(hours=1)))
    assert app.paper is not None
    headings = [w for w in find(app.root, widgets.HTML) if "class='question'" in w.value]
    assert len(headings) == len(app.paper.questions)


def test_the_quiz_page_loads_nothing_heavy() -> None:
    import subprocess
    import sys

    code = (
        "import sys, hoctap.apps.quiz\n"
        "heavy = ('pandas', 'numpy', 'nbgrader', 'matplotlib', 'openpyxl', 'jupyter_server')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith(heavy)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_finding_oneself_by_name_and_unit(db: Database, contest) -> None:
    app = QuizApp(db, contest, Clock(OPENING + timedelta(hours=1)))
    send(app.name, {"value": "nguyen"})  # a family name alone would list the roster: refused
    click(find(app.root, widgets.Button, "Tìm")[0])
    assert not app.found.options and "Nhập đủ họ và tên" in app.message.value
    with db.session() as session:
        from sqlalchemy import select

        from hoctap.db.models import Person

        unit = session.scalar(select(Person).where(Person.code == "hv001")).unit.name
    send(app.name, {"value": "nguyen van an"})
    send(app.unit, {"value": unit})
    click(find(app.root, widgets.Button, "Tìm")[0])
    assert app.found.options and "Nguyễn Văn An" in app.found.options[0][0]
    send(app.tail, {"value": "5678"})
    click(find(app.root, widgets.Button, "Vào thi")[1])
    assert app.paper is not None, app.message.value


def test_registering_when_the_contest_is_open_to_all(db: Database, contest) -> None:
    from dataclasses import replace

    loaded = replace(contest, contest=replace(contest.contest, participants="open"))
    app = QuizApp(db, loaded, Clock(OPENING + timedelta(hours=1)))
    name, unit, phone = app.register_fields
    send(name, {"value": "lê văn cường"})
    send(unit, {"value": "Sở Y tế"})
    send(phone, {"value": "12345"})
    click(find(app.root, widgets.Button, "Đăng ký")[0])
    assert app.paper is None and "không phải số điện thoại" in app.message.value
    send(phone, {"value": "0987 654 321"})
    click(find(app.root, widgets.Button, "Đăng ký")[0])
    assert app.paper is not None, app.message.value


def test_the_kernel_s_timer_hands_in_at_the_deadline(db: Database, contest) -> None:
    clock = Clock(OPENING + timedelta(hours=1))
    app = enter(db, contest, clock)
    assert app.paper is not None
    app._finish()  # what the timer calls; before the deadline it does nothing
    assert app.paper is not None
    clock.advance(minutes=15, seconds=1)
    app._finish()
    assert app.paper is None and "Hết giờ" in app.body.children[0].value


@pytest.mark.slow
def test_a_lost_database_connection_is_said_and_the_answer_saved_when_it_is_back(
    postgres_server, postgres_template, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """The database's connections are cut and refused mid-contest, as when its server stops."""
    from sqlalchemy import create_engine, text

    from hoctap.contest.catalog import find_contest
    from hoctap.people.units import open_province_database
    from hoctap.settings import Settings
    from tests.support.contests import contest_file, person

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
        loaded = find_contest(db.settings, str(contest_file(tmp_path)))
        clock = Clock(OPENING + timedelta(hours=1))
        app = enter(db, loaded, clock)
        assert app.paper is not None, app.message.value
        radios = [
            i
            for i, q in enumerate(app.paper.questions)
            if q.type in ("single_choice", "true_false")
        ]
        app.index = radios[0]
        app._render()
        shown, widget = current_choice(app)
        send(widget, {"index": 0})  # saved while the database is there
        connections(False)
        send(widget, {"index": 1})
        assert "mất kết nối với cơ sở dữ liệu" in app.message.value
        assert "Đã lưu" not in app.message.value
        assert app.retry.layout.display is None  # the page offers to save again
        connections(True)
        click(app.retry)
        assert "Đã lưu" in app.message.value and app.retry.layout.display == "none"
        assert saved(db, app.paper.attempt_id) == {shown.name: shown.options[1]}
    finally:
        connections(True)
        admin.dispose()
        db.close()
