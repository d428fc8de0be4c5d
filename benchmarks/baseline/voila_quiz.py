"""BASELINE ONLY: the contest as a Voilà page of ipywidgets, as hoctap served it before the
contest web service (``hoctap.web``) replaced it. Kept for the benchmarks, which measure the
new pages against it in the same run; the platform no longer serves it.

The contest in the browser: a Voilà page of ipywidgets over ``hoctap.contest.sessions``.

The widgets show texts and carry positions back; they hold nothing that decides a grade. Who the
participant is, which attempt this tab holds and the answer key stay in this kernel's Python
objects and the database. Every callback goes through ``sessions``, which checks what it is given;
a refusal is shown in Vietnamese and nothing is recorded. The time is the server's: a countdown
runs in the page, and the kernel hands the attempt in at the deadline (the database does too, if
the page is gone).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as widgets

from hoctap.contest import sessions
from hoctap.contest.catalog import LoadedContest
from hoctap.db import Database
from hoctap.errors import DatabaseUnavailable, HoctapError
from hoctap.settings import ZONE

_STYLE = """
<style>
.hoctap-quiz { font-family: "Noto Sans", "Segoe UI", Arial, sans-serif; max-width: 52rem; }
.hoctap-quiz h1 { font-size: 1.5rem; }
.hoctap-quiz .question { font-size: 1.1rem; margin: 0.8rem 0 0.4rem; }
.hoctap-quiz .error { color: #b00020; font-weight: bold; }
.hoctap-quiz .ok { color: #1b5e20; }
.hoctap-quiz .note { color: #555; }
.hoctap-quiz .clock { font-size: 1.2rem; font-weight: bold; }
</style>
"""
_WIDE = {"width": "32rem"}
_LABELS = {"description_width": "11rem"}


def _text(label: str, placeholder: str = "") -> widgets.Text:
    return widgets.Text(description=label, placeholder=placeholder, layout=_WIDE, style=_LABELS)


def make_button(label: str, handler: Callable[[Any], None], style: str = "") -> widgets.Button:
    button = widgets.Button(description=label, button_style=style, layout={"width": "auto"})
    button.on_click(handler)
    return button


class QuizApp:
    """One participant's page: identify, answer, hand in, see the result."""

    def __init__(
        self,
        db: Database,
        loaded: LoadedContest,
        now: sessions.Clock = sessions.server_now,
        account: str = "",
    ) -> None:
        self.db = db
        self.loaded = loaded
        self.now = now
        self.account = account
        """The hub log-in of the person at this page; empty when the page has no log-in."""
        self.entrant_id: int | None = None
        self.paper: sessions.Paper | None = None
        self.index = 0
        self.answers: dict[str, widgets.Widget] = {}
        self._loading = False
        self._timers: list[asyncio.TimerHandle] = []
        self.message = widgets.HTML()
        self.unsaved: dict[str, tuple[sessions.Shown, object]] = {}
        """Answers the database could not take (it was unreachable), to save again."""
        self.retry = make_button("Lưu lại các câu chưa lưu được", self._save_again, "warning")
        self.retry.layout.display = "none"
        self.body = widgets.VBox()
        title = escape(loaded.contest.title)
        self.root = widgets.VBox(
            [
                widgets.HTML(f"{_STYLE}<div class='hoctap-quiz'><h1>{title}</h1></div>"),
                self.body,
                self.message,
                self.retry,
            ],
            layout={"max_width": "54rem"},
        )
        self.root.add_class("hoctap-quiz")
        self.show_identify()

    # -- messages ------------------------------------------------------------------------

    def say(self, text: str, kind: str = "note") -> None:
        self.message.value = f"<p class='{kind}'>{escape(text)}</p>"

    def refuse(self, error: HoctapError) -> None:
        self.say(f"{error.message} {error.hint}".strip(), "error")

    # -- who takes part ------------------------------------------------------------------

    def show_identify(self) -> None:
        if self.account:
            self.show_logged_in()
            return
        contest = self.loaded.contest
        self.code = _text("Mã học viên", "ví dụ: hv001")
        self.tail = _text("4 số cuối điện thoại", "nếu đơn vị đã khai số điện thoại")
        self.name = _text("Họ và tên", "gõ có dấu hoặc không dấu")
        self.unit = _text("Đơn vị", "ví dụ: Hưng Đạo")
        self.found = widgets.Dropdown(description="Chọn tên", options=[], layout=_WIDE,
                                      style=_LABELS)  # fmt: skip
        self.phone = _text("Số điện thoại", "ví dụ: 0912 345 678")
        self.consent = self._consent_box()
        by_code = widgets.VBox(
            [self.code, self.tail, make_button("Vào thi", self._enter_by_code, "primary")]
        )
        by_name = widgets.VBox(
            [
                self.name,
                self.unit,
                make_button("Tìm", self._search),
                self.found,
                make_button("Vào thi", self._enter_found, "primary"),
            ]
        )
        tabs = [by_code, by_name]
        titles = ["Có mã học viên", "Tìm theo họ tên"]
        if contest.participants == "open":
            register_name = _text("Họ và tên", "ví dụ: Nguyễn Văn An")
            register_unit = _text("Đơn vị", "ví dụ: Xã Hưng Đạo")
            self.register_fields = (register_name, register_unit, self.phone)
            tabs.append(widgets.VBox(
                [register_name, register_unit, self.phone,
                 make_button("Đăng ký và vào thi", self._register, "primary")]
            ))  # fmt: skip
            titles.append("Đăng ký dự thi")
        chooser = widgets.Tab(children=tabs, titles=titles)
        minutes = int(contest.time_limit.total_seconds() // 60)
        intro = widgets.HTML(
            f"<p>Thời gian làm bài: <b>{minutes} phút</b>, tính từ khi vào thi, theo đồng hồ "
            "của máy chủ. Câu trả lời được lưu ngay khi chọn: mất mạng hay đóng trang, mở lại "
            "vẫn làm tiếp được bài đang làm.</p>"
        )
        self.body.children = [intro, chooser, self.consent]

    def _consent_box(self) -> widgets.Checkbox:
        return widgets.Checkbox(
            description="Tôi đồng ý công bố họ tên và đơn vị của tôi trong kết quả cuộc thi.",
            layout={"width": "40rem"},
            indent=False,
        )

    def show_logged_in(self) -> None:
        """Behind the hub: the log-in says who takes part; they only confirm and consent."""
        found = sessions.logged_in_person(self.db, self.account)
        if found is None:
            self.body.children = []
            self.say(
                f"Tài khoản {self.account} không có trong danh sách học viên nên chưa vào thi "
                "được. Hãy báo giảng viên hoặc ban tổ chức để được thêm vào danh sách.",
                "error",
            )
            return
        self.consent = self._consent_box()
        minutes = int(self.loaded.contest.time_limit.total_seconds() // 60)
        self.body.children = [
            widgets.HTML(
                f"<p>Anh/chị vào thi với tài khoản <b>{escape(self.account)}</b>: "
                f"<b>{escape(found[0])}</b>, {escape(found[1])}.</p>"
                f"<p>Thời gian làm bài: <b>{minutes} phút</b>, tính từ khi vào thi, theo đồng "
                "hồ của máy chủ. Câu trả lời được lưu ngay khi chọn: mất mạng hay đóng trang, "
                "mở lại vẫn làm tiếp được bài đang làm.</p>"
            ),
            self.consent,
            make_button("Vào thi", self._enter_logged_in, "primary"),
        ]

    def _enter_logged_in(self, _button: object) -> None:
        try:
            entrant = sessions.enter_logged_in(
                self.db, self.loaded, self.account, self.consent.value, self.now
            )
        except HoctapError as error:
            self.refuse(error)
            return
        self._start(entrant.id)

    def _enter_by_code(self, _button: object) -> None:
        try:
            entrant = sessions.enter_person(
                self.db, self.loaded, self.code.value, self.tail.value, self.consent.value, self.now
            )
        except HoctapError as error:
            self.refuse(error)
            return
        self._start(entrant.id)

    def _search(self, _button: object) -> None:
        # A public page must not list the roster: only a full name together with a unit.
        if len(self.name.value.split()) < 2 or not self.unit.value.strip():
            self.say("Nhập đủ họ và tên, và đơn vị của mình để tìm.", "error")
            return
        people = sessions.find_people(self.db, self.name.value, self.unit.value)
        self.found.options = [(f"{p.full_name} — {p.unit.name}", p.code) for p in people]
        self.found.index = 0 if people else None
        if people:
            self.say(f"Tìm thấy {len(people)} người. Chọn tên mình, nhập 4 số cuối điện thoại "
                     "ở thẻ “Có mã học viên” nếu được hỏi.")  # fmt: skip
        else:
            self.say("Không tìm thấy. Kiểm tra họ tên và đơn vị, hoặc hỏi mã học viên ở đơn vị.",
                     "error")  # fmt: skip

    def _enter_found(self, _button: object) -> None:
        if not self.found.value:
            self.say("Tìm và chọn tên mình trước.", "error")
            return
        self.code.value = str(self.found.value)
        self._enter_by_code(None)

    def _register(self, _button: object) -> None:
        name, unit, phone = (w.value for w in self.register_fields)
        try:
            entrant = sessions.register(
                self.db, self.loaded, name, unit, phone, self.consent.value, self.now
            )
        except HoctapError as error:
            self.refuse(error)
            return
        self._start(entrant.id)

    def _start(self, entrant_id: int) -> None:
        try:
            paper = sessions.open_attempt(self.db, self.loaded, entrant_id, self.now)
        except HoctapError as error:
            self.refuse(error)
            return
        self.entrant_id = entrant_id
        self.paper = paper
        self.say(
            "Bắt đầu làm bài."
            if not paper.answers
            else "Đã mở lại bài đang làm, với thời gian còn lại.",
            "ok",
        )
        self.show_paper()

    # -- the paper -----------------------------------------------------------------------

    def show_paper(self) -> None:
        paper = self.paper
        assert paper is not None
        self.answers = {shown.name: self._widget(shown) for shown in paper.questions}
        left = paper.seconds_left(self.now())
        self.clock = widgets.HTML()
        self.ticker = widgets.Play(
            value=0, min=0, max=max(left, 1), step=1, interval=1000, playing=True,
            layout={"display": "none"},
        )  # fmt: skip
        self.progress = widgets.IntProgress(value=0, min=0, max=max(left, 1),
                                            layout={"width": "32rem"})  # fmt: skip
        widgets.jslink((self.ticker, "value"), (self.progress, "value"))  # runs in the page
        self._tick()
        self._schedule(left)
        self.index = 0
        self._render()

    def _widget(self, shown: sessions.Shown) -> widgets.Widget:
        saved = self.paper.answers.get(shown.name) if self.paper else None
        self._loading = True
        try:
            if shown.type in ("single_choice", "true_false"):
                widget: widgets.Widget = widgets.RadioButtons(
                    options=[(text, i) for i, text in enumerate(shown.options)],
                    value=shown.options.index(saved) if saved in shown.options else None,
                    layout={"width": "max-content"},
                )
                widget.observe(lambda c, s=shown: self._save(s, c["new"]), "value")
            elif shown.type == "multiple_choice":
                chosen = set((saved or "").split(";"))
                boxes = [widgets.Checkbox(description=text, value=text in chosen, indent=False,
                                          layout={"width": "max-content"})
                         for text in shown.options]  # fmt: skip
                widget = widgets.VBox(boxes)
                for box in boxes:
                    box.observe(lambda _c, s=shown, b=boxes: self._save(
                        s, [i for i, x in enumerate(b) if x.value]), "value")  # fmt: skip
            elif shown.type == "matching":
                pairs = dict(p.split(" -> ", 1) for p in (saved or "").split("; ") if " -> " in p)
                menus = []
                for left in shown.options:
                    right = pairs.get(left)
                    menu = widgets.Dropdown(
                        description=left,
                        options=[("— chọn —", -1)] + [(r, j) for j, r in enumerate(shown.matches)],
                        value=shown.matches.index(right) if right in shown.matches else -1,
                        style={"description_width": "initial"},
                    )
                    menus.append(menu)
                widget = widgets.VBox(menus)
                for menu in menus:
                    menu.observe(lambda _c, s=shown, m=menus: self._save(
                        s, [x.value for x in m]), "value")  # fmt: skip
            else:
                placeholder = "nhập một số" if shown.type in ("numeric", "prediction") else ""
                widget = widgets.Text(value=saved or "", placeholder=placeholder,
                                      continuous_update=False, layout=_WIDE)  # fmt: skip
                widget.observe(lambda c, s=shown: self._save(s, c["new"]), "value")
        finally:
            self._loading = False
        return widget

    def _render(self) -> None:
        paper = self.paper
        assert paper is not None
        layout = self.loaded.contest.layout
        count = len(paper.questions)
        if layout == "one_page":
            blocks = [self._block(i, shown) for i, shown in enumerate(paper.questions)]
            nav: list[widgets.Widget] = []
        else:
            shown = paper.questions[self.index]
            blocks = [self._block(self.index, shown)]
            back = make_button("← Câu trước", lambda _b: self._go(-1))
            forward = make_button("Câu sau →", lambda _b: self._go(1))
            back.disabled, forward.disabled = self.index == 0, self.index == count - 1
            nav = [widgets.HBox([back, forward])]
        hand_in = make_button("Nộp bài", self._confirm, "success")
        self.body.children = [self.clock, self.progress, self.ticker, *blocks, *nav, hand_in]

    def _block(self, index: int, shown: sessions.Shown) -> widgets.Widget:
        graded = [q for q in self.paper.questions if q.type != "prediction"] if self.paper else []
        label = (
            "Câu hỏi dự đoán (câu phụ)"
            if shown.type == "prediction"
            else f"Câu {index + 1}/{len(graded)}"
        )
        hint = (
            " (chọn tất cả phương án đúng)"
            if shown.type == "multiple_choice" and "chọn tất cả" not in shown.text.lower()
            else ""
        )
        heading = widgets.HTML(
            f"<div class='question'><b>{label}.</b> {escape(shown.text)}{hint}</div>"
        )
        return widgets.VBox([heading, self.answers[shown.name]])

    def _go(self, step: int) -> None:
        if self.paper is None:
            return
        self.index = min(max(self.index + step, 0), len(self.paper.questions) - 1)
        self._render()

    def _save(self, shown: sessions.Shown, choice: object) -> None:
        if self._loading or self.paper is None or choice is None:
            return
        try:
            sessions.save_answer(
                self.db, self.loaded, self.paper.attempt_id, self.paper.holder, shown.name,
                choice, self.now,
            )  # fmt: skip
        except DatabaseUnavailable as error:
            # Not saved: keep the choice to save again, and say so (never "saved").
            self.unsaved[shown.name] = (shown, choice)
            self.refuse(error)
            self.retry.layout.display = None
            return
        except HoctapError as error:
            self.refuse(error)
            if "hết giờ" in error.message or "đã nộp" in error.message:
                self._finish()
            return
        self.unsaved.pop(shown.name, None)
        if not self.unsaved:
            self.retry.layout.display = "none"
        at = self.now().astimezone(ZONE)
        self.say(f"Đã lưu câu trả lời lúc {at:%H:%M:%S}.", "ok")

    def _save_again(self, _button: object) -> None:
        for shown, choice in list(self.unsaved.values()):
            self._save(shown, choice)
            if shown.name in self.unsaved:
                return  # still unreachable: the message says so

    # -- the clock -----------------------------------------------------------------------

    def _tick(self) -> None:
        if self.paper is None:
            return
        left = self.paper.seconds_left(self.now())
        self.clock.value = (
            f"<div class='clock'>Thời gian còn lại: {left // 60:02d}:{left % 60:02d}</div>"
        )

    def _schedule(self, left: int) -> None:
        """Kernel-side timers: the clock's text every 5 s, and the hand-in at the deadline."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not inside a kernel's event loop (a test): no timers
            return
        self._timers.append(loop.call_later(left + 0.5, self._finish))

        def refresh() -> None:
            if self.paper is not None and self.paper.submitted_at is None and self.entrant_id:
                self._tick()
                self._timers.append(loop.call_later(5, refresh))

        self._timers.append(loop.call_later(5, refresh))

    # -- handing in ----------------------------------------------------------------------

    def _confirm(self, _button: object) -> None:
        if self.paper is None:
            return
        answered = {name for name, widget in self.answers.items() if _has_answer(widget)}
        missing = len(self.paper.questions) - len(answered)
        note = f" Còn {missing} câu chưa trả lời." if missing else ""
        yes = make_button("Nộp bài", self._submit, "danger")
        no = make_button("Làm tiếp", lambda _b: self._render())
        self.body.children = [
            widgets.HTML(f"<p class='question'>Anh/chị chắc chắn nộp bài?{escape(note)}</p>"),
            widgets.HBox([yes, no]),
        ]

    def _submit(self, _button: object) -> None:
        if self.paper is None:
            return
        try:
            outcome = sessions.submit(
                self.db, self.loaded, self.paper.attempt_id, self.paper.holder, self.now
            )
        except DatabaseUnavailable as error:
            self.refuse(error)  # not handed in: the buttons stay, to hand in again
            return
        except HoctapError as error:
            self.refuse(error)
            if "cửa sổ khác" not in error.message:
                self._finish()
            return
        self.show_result(outcome, "Đã nộp bài.")

    def _finish(self) -> None:
        """Time is up (or the attempt was closed elsewhere): show what counts."""
        if self.paper is None:
            return
        try:
            outcome = sessions.result(self.db, self.loaded, self.paper.attempt_id, self.now)
        except HoctapError:
            return  # still open: the deadline has not passed on the server's clock
        self.show_result(outcome, "Hết giờ: bài đã được nộp tự động.")

    def show_result(self, outcome: sessions.Result, headline: str) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        paper, self.paper = self.paper, None
        seconds = int(outcome.duration.total_seconds())
        lines = [
            f"<p class='ok'><b>{escape(headline)}</b></p>",
            f"<p>Điểm: <b>{outcome.score:g}/{outcome.full:g}</b>; trả lời đúng "
            f"{outcome.correct}/{outcome.total} câu; thời gian làm bài {seconds // 60} phút "
            f"{seconds % 60} giây.</p>",
        ]
        if self.loaded.contest.show_answers and paper is not None:
            rows = []
            for number, shown in enumerate(paper.questions, start=1):
                if shown.name not in outcome.right:
                    continue
                mark = "✓ đúng" if outcome.right[shown.name] else "✗ chưa đúng"
                rows.append(f"<li>Câu {number}: {mark}</li>")
            lines.append("<ul>" + "".join(rows) + "</ul>")
        lines.append("<p class='note'>Kết quả xếp hạng do ban tổ chức công bố.</p>")
        self.body.children = [widgets.HTML("".join(lines))]
        self.message.value = ""


def _has_answer(widget: widgets.Widget) -> bool:
    if isinstance(widget, widgets.RadioButtons):
        return widget.value is not None
    if isinstance(widget, widgets.Text):
        return bool(widget.value.strip())
    if isinstance(widget, widgets.VBox):
        return any(
            (isinstance(c, widgets.Checkbox) and c.value)
            or (isinstance(c, widgets.Dropdown) and c.value != -1)
            for c in widget.children
        )
    return False


def contest_name(query: str | None = None) -> str:
    """The contest a page asks for (``?contest=NAME``), from Voilà's query string."""
    values = parse_qs(query if query is not None else os.environ.get("QUERY_STRING", ""))
    return (values.get("contest") or [""])[0]


def build(
    name: str = "", now: sessions.Clock = sessions.server_now, account: str = ""
) -> widgets.Widget:
    """The page for a contest by name; without a name, the open contests to choose from.

    ``account`` is the hub log-in of the person at the page (empty without the hub).
    """
    from hoctap.contest.catalog import find_contest, list_contests
    from hoctap.people.units import open_province_database

    db = open_province_database()
    try:
        if not name:
            moment = now()
            found = [c for c in list_contests(db.settings) if c.contest.is_open(moment)]
            if len(found) != 1:
                links = (
                    "".join(
                        f"<li><a href='?contest={escape(c.contest.name)}'>"
                        f"{escape(c.contest.title)}</a></li>"
                        for c in found
                    )
                    or "<li>Hiện không có cuộc thi nào đang mở.</li>"
                )
                return widgets.HTML(f"{_STYLE}<div class='hoctap-quiz'><h1>Các cuộc thi đang "
                                    f"mở</h1><ul>{links}</ul></div>")  # fmt: skip
            name = found[0].contest.name
        return QuizApp(db, find_contest(db.settings, name), now, account).root
    except HoctapError as error:
        return widgets.HTML(
            f"{_STYLE}<div class='hoctap-quiz'><p class='error'>{escape(error.message)} "
            f"{escape(error.hint)}</p></div>"
        )


def show() -> None:
    """Display the quiz page in a notebook (``voila_apps/quiz.ipynb`` calls this)."""
    from IPython.display import display

    from hoctap.hub.pages import USER_ENV

    # Behind the hub, the pages service puts the logged-in name in the request it passes on.
    account = os.environ.get(USER_ENV, "")
    display(build(contest_name(), account=account))  # type: ignore[no-untyped-call]
