"""The contest service's pages: entering, the paper, saving each answer, handing in, results.

Every rule is in ``hoctap.contest.sessions`` (and ``throttle``); a handler reads the request,
calls one of them in a worker thread (the database must not hold up the event loop), and renders
a template or, for the page's script, a little JSON. Who is taking part is a signed cookie: the
contest, the entrant and the attempt's holder token. Nothing that decides a grade is sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from tornado.log import app_log
from tornado.web import Application, HTTPError, RequestHandler, StaticFileHandler

from hoctap.contest import sessions, throttle
from hoctap.contest.catalog import LoadedContest, find_contest, list_contests
from hoctap.db import Database
from hoctap.db.models import Entrant
from hoctap.errors import DatabaseUnavailable, HoctapError, Refused
from hoctap.settings import ZONE
from hoctap.web.forms import choice_from_form, revision_from_form

T = TypeVar("T")
COOKIE_DAYS = 2
CONTEST_CACHE_SECONDS = 30.0
PUBLIC_CACHE_SECONDS = 30
SCRIPT_HEADER = "X-Hoctap-Script"
"""Sent by the page's script: answer with JSON instead of a redirect."""
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass
class Service:
    """What every handler shares in one worker process."""

    db: Database
    now: sessions.Clock = sessions.server_now
    hub: bool = False
    """Behind JupyterHub: the log-in says who takes part."""
    proxied: bool = False
    """Behind nginx or the hub's proxy: the client's address is the last X-Forwarded-For."""
    executor: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(8))
    _contests: dict[str, tuple[float, LoadedContest]] = field(default_factory=dict)
    _public: dict[str, tuple[float, Any]] = field(default_factory=dict)

    def contest(self, name: str) -> LoadedContest:
        """A contest by name, read from its file at most every 30 s in this worker."""
        kept = self._contests.get(name)
        if kept is not None and time.monotonic() - kept[0] < CONTEST_CACHE_SECONDS:
            return kept[1]
        if not name or "/" in name or name.startswith("."):
            raise HTTPError(404)
        try:
            loaded = find_contest(self.db.settings, name)
        except HoctapError:
            raise HTTPError(404) from None
        self._contests[name] = (time.monotonic(), loaded)
        return loaded

    def public(self, key: str, make: Callable[[], T]) -> T:
        """A public page's figures, computed at most every 30 s in this worker."""
        kept = self._public.get(key)
        if kept is not None and time.monotonic() - kept[0] < PUBLIC_CACHE_SECONDS:
            return kept[1]  # type: ignore[no-any-return]
        value = make()
        self._public[key] = (time.monotonic(), value)
        return value


_templates = Environment(
    loader=PackageLoader("hoctap.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def clock_text(seconds: int) -> str:
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


_templates.filters["clock"] = clock_text


class Page(RequestHandler):
    """hoctap's handlers: security headers, Vietnamese errors, templates, the database off-loop."""

    service: Service

    def initialize(self, service: Service) -> None:
        self.service = service

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")
        self.set_header("Cache-Control", "no-store")

    @property
    def base(self) -> str:
        return str(self.settings.get("base_url", "/"))

    def url(self, *parts: str) -> str:
        return self.base + "/".join(quote(p) for p in parts)

    def render_page(self, template: str, status: int = 200, **context: Any) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        page = _templates.get_template(template).render(
            base=self.base,
            url=self.url,
            static=self.static_url,
            # A callable: only pages with a form set the token's cookie (public pages are cached).
            xsrf=lambda: self.xsrf_token.decode("ascii"),
            **context,
        )
        self.finish(page)

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work`` in the worker's thread pool (its database connections are the pool's)."""
        import asyncio

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.service.executor, lambda: work(*args))

    def wants_json(self) -> bool:
        return self.request.headers.get(SCRIPT_HEADER) == "1"

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        reason = getattr(error, "log_message", "") or ""
        if isinstance(error, HoctapError):  # a refusal no handler caught: say it, not "error"
            status_code = 503 if isinstance(error, DatabaseUnavailable) else 409
            self.set_status(status_code)
            message, hint = error.message, error.hint
        elif status_code == 403 and "xsrf" in reason:
            message = "Trang đã cũ hoặc yêu cầu không đến từ trang thi."
            hint = "Tải lại trang rồi thử lại; câu trả lời đã lưu vẫn còn."
        elif status_code == 403:
            message, hint = "Anh/chị không được mở trang này.", "Đăng nhập bằng tài khoản học viên."
        elif status_code == 404:
            message, hint = "Không có trang này.", "Về trang đầu để chọn cuộc thi."
        elif status_code == 405:
            message, hint = "Không làm được thao tác này ở đây.", "Về trang đầu để chọn cuộc thi."
        else:
            message, hint = "Máy chủ gặp lỗi, yêu cầu chưa được thực hiện.", "Thử lại sau ít phút."
        if self.wants_json():
            self.finish({"ok": False, "message": message, "hint": hint})
            return
        self.render_page(
            "message.html", status_code, title="Không thực hiện được", message=message, hint=hint
        )

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, HoctapError):  # said to the person; the log needs no traceback
            app_log.warning("%s %s: %s", self.request.method, self.request.path, value.message)
            return
        super().log_exception(typ, value, tb)

    def refused(self, error: HoctapError, template: str = "message.html", **context: Any) -> None:
        """A refusal from the rules: said in Vietnamese, with what to do next."""
        status = 503 if isinstance(error, DatabaseUnavailable) else 409
        if self.wants_json():
            self.set_status(status)
            body: dict[str, Any] = {"ok": False, "message": error.message, "hint": error.hint}
            if isinstance(error, sessions.Stale):
                body["stale"] = error.stored
            self.finish(body)
            return
        context.setdefault("title", "Không thực hiện được")
        self.render_page(template, status, message=error.message, hint=error.hint, **context)

    def address(self) -> str:
        """The client's address, for the limits on guessing. Behind a proxy it is the last
        X-Forwarded-For entry, the one the proxy added; X-Real-Ip and earlier entries come from
        the client and could be forged to escape the limits."""
        forwarded = self.request.headers.get("X-Forwarded-For", "")
        if self.service.proxied and forwarded:
            return forwarded.split(",")[-1].strip()[:100] or "?"
        return str(self.request.remote_ip or "?")

    def secure(self) -> bool:
        """Whether the browser reached us over TLS (directly, or at the proxy in front)."""
        if self.request.protocol == "https":
            return True
        proto = self.request.headers.get("X-Forwarded-Proto", "")
        return self.service.proxied and proto.split(",")[-1].strip() == "https"


# -- who is taking part ------------------------------------------------------------------------


@dataclass(frozen=True)
class Taker:
    """What the signed cookie says: this browser's entrant in this contest, and its holder."""

    contest: str
    entrant_id: int
    holder: str = ""
    account: str = ""


class ContestPage(Page):
    """Pages of one contest: the signed cookie, and the hub's log-in when behind the hub."""

    def account(self) -> str:
        """The hub log-in ("" without the hub)."""
        if not self.service.hub:
            return ""
        user = self.current_user
        return str(user["name"]) if isinstance(user, dict) else ""

    def cookie_name(self, loaded: LoadedContest) -> str:
        return "hoctap-thi-" + loaded.contest.name

    def taker(self, loaded: LoadedContest) -> Taker | None:
        raw = self.get_signed_cookie(self.cookie_name(loaded), max_age_days=COOKIE_DAYS)
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            taker = Taker(
                str(data["c"]), int(data["e"]), str(data.get("h", "")), str(data.get("u", ""))
            )
        except (ValueError, KeyError, TypeError):
            return None
        if taker.contest != loaded.contest.name or taker.account != self.account():
            return None
        return taker

    def keep_taker(self, loaded: LoadedContest, taker: Taker) -> None:
        value = json.dumps(
            {"c": taker.contest, "e": taker.entrant_id, "h": taker.holder, "u": taker.account}
        )
        self.set_signed_cookie(
            self.cookie_name(loaded),
            value,
            expires_days=COOKIE_DAYS,
            path=self.base,
            httponly=True,
            samesite="Lax",
            secure=self.secure(),
        )

    def prepare(self) -> None:
        """Behind the hub, a roster contest needs the hub's log-in; a contest open to all does
        not (anyone registers, as on the service alone), though a logged-in trainee is known."""
        if not self.service.hub or self.current_user is not None:
            return
        name = self.path_args[0] if self.path_args else ""
        if self.loaded(name).contest.participants == "open":
            return
        if self.request.method in ("GET", "HEAD"):
            self.redirect(self.get_login_url())
            return
        raise HTTPError(403)

    def loaded(self, name: str) -> LoadedContest:
        return self.service.contest(name)

    def entered(self, name: str) -> tuple[LoadedContest, Taker] | None:
        """The contest and this browser's taker; None (sent to the entry page) before entering."""
        loaded = self.loaded(name)
        taker = self.taker(loaded)
        if taker is None:
            self.redirect(
                self.url("thi", name), status=303 if self.request.method == "POST" else 302
            )
            return None
        return loaded, taker


class Contests(Page):
    """The open contests, to choose from."""

    def get(self) -> None:
        moment = self.service.now()
        found = self.service.public("contests", lambda: list_contests(self.service.db.settings))
        shown = [c.contest for c in found if c.contest.is_open(moment)]
        self.render_page("contests.html", title="Các cuộc thi đang mở", contests=shown)


class Entry(ContestPage):
    """The contest's first page: who takes part (code and phone digits, a name, registration,
    or the hub's log-in), the rules of time, consent."""

    async def get(self, name: str) -> None:
        loaded = self.loaded(name)
        taker = self.taker(loaded)
        if taker is not None:
            self.redirect(self.url("thi", name, "bai"))
            return
        await self.show_entry(loaded)

    async def show_entry(self, loaded: LoadedContest, status: int = 200, **context: Any) -> None:
        person = None
        if self.account():
            person = await self.run(sessions.logged_in_person, self.service.db, self.account())
        contest = loaded.contest
        self.render_page(
            "entry.html",
            status,
            title=contest.title,
            contest=contest,
            minutes=int(contest.time_limit.total_seconds() // 60),
            status_text=contest.status(self.service.now()),
            is_open=contest.is_open(self.service.now()),
            logged_in=bool(self.account()),
            account=self.account(),
            person=person,
            **context,
        )


class Enter(Entry):
    """POST: enter by code and phone digits, or by the hub's log-in."""

    async def post(self, name: str) -> None:
        loaded = self.loaded(name)
        consent = self.get_body_argument("dong_y", "") == "1"
        db, now = self.service.db, self.service.now
        try:
            if self.account():
                entrant = await self.run(
                    sessions.enter_logged_in, db, loaded, self.account(), consent, now
                )
            else:
                code = self.get_body_argument("ma", "").strip().lower()[:50]
                tail = self.get_body_argument("so_cuoi", "").strip()[:10]
                entrant = await self.run(self._enter_by_code, loaded, code, tail, consent)
        except HoctapError as error:
            if self.wants_json():
                self.refused(error)
                return
            await self.show_entry(loaded, 409, error=error)
            return
        self.keep_taker(loaded, Taker(loaded.contest.name, entrant.id, "", self.account()))
        self.redirect(self.url("thi", name, "bai"), status=303)

    def _enter_by_code(self, loaded: LoadedContest, code: str, tail: str, consent: bool) -> Entrant:
        db, moment = self.service.db, self.service.now()
        keys = [(throttle.PERSON_TRIES, code or "?"), (throttle.ADDRESS_TRIES, self.address())]
        throttle.check(db, keys, moment)
        try:
            return sessions.enter_person(db, loaded, code, tail, consent, self.service.now)
        except Refused:
            throttle.hit(db, keys, moment)
            raise


class Search(Entry):
    """GET: find oneself by full name and unit (never a roster by family name alone)."""

    async def get(self, name: str) -> None:
        loaded = self.loaded(name)
        full_name = self.get_query_argument("ho_ten", "")[:200]
        unit = self.get_query_argument("don_vi", "")[:200]
        if len(full_name.split()) < 2 or not unit.strip():
            error = Refused("Nhập đủ họ và tên, và đơn vị của mình để tìm.")
            await self.show_entry(loaded, 409, error=error, full_name=full_name, unit=unit)
            return
        try:
            people = await self.run(self._search, full_name, unit)
        except HoctapError as error:
            await self.show_entry(loaded, 409, error=error, full_name=full_name, unit=unit)
            return
        found = [(p.code, p.full_name, p.unit.name) for p in people]
        await self.show_entry(loaded, found=found, searched=True, full_name=full_name, unit=unit)

    def _search(self, full_name: str, unit: str) -> list[Any]:
        keys = [(throttle.SEARCHES, self.address())]
        throttle.check(self.service.db, keys, self.service.now())
        throttle.hit(self.service.db, keys, self.service.now())
        return sessions.find_people(self.service.db, full_name, unit)


class Register(Entry):
    """POST: someone not on the roster registers (contests open to all)."""

    async def post(self, name: str) -> None:
        loaded = self.loaded(name)
        fields = {
            k: self.get_body_argument(k, "")[:200] for k in ("ho_ten", "don_vi", "dien_thoai")
        }
        consent = self.get_body_argument("dong_y", "") == "1"
        try:
            entrant = await self.run(self._register, loaded, fields, consent)
        except HoctapError as error:
            await self.show_entry(loaded, 409, error=error, registration=fields)
            return
        self.keep_taker(loaded, Taker(loaded.contest.name, entrant.id, "", self.account()))
        self.redirect(self.url("thi", name, "bai"), status=303)

    def _register(self, loaded: LoadedContest, fields: dict[str, str], consent: bool) -> Entrant:
        db, moment = self.service.db, self.service.now()
        phone_key = "".join(c for c in fields["dien_thoai"] if c.isdigit()) or "?"
        keys = [(throttle.REGISTRATIONS, self.address()), (throttle.PHONE_TRIES, phone_key)]
        throttle.check(db, keys, moment)
        try:
            entrant = sessions.register(
                db,
                loaded,
                fields["ho_ten"],
                fields["don_vi"],
                fields["dien_thoai"],
                consent,
                self.service.now,
            )
        except Refused:
            throttle.hit(db, keys, moment)
            raise
        throttle.hit(db, keys[:1], moment)
        return entrant


# -- the paper -------------------------------------------------------------------------------


class PaperPage(ContestPage):
    """GET: the attempt this browser holds; POST: start one, or take it over from another
    device."""

    async def get(self, name: str) -> None:
        found = self.entered(name)
        if found is None:
            return
        loaded, taker = found
        db, now = self.service.db, self.service.now
        try:
            paper = await self.run(sessions.current_attempt, db, loaded, taker.entrant_id, now)
            if (
                paper is None
                and await self.run(sessions.entrant, db, name, taker.entrant_id) is None
            ):
                # A cookie from before the data was restored or reset: enter again.
                self.clear_cookie(self.cookie_name(loaded), path=self.base)
                self.redirect(self.url("thi", name))
                return
            if paper is None or paper.submitted_at is not None:
                why = await self.run(sessions.may_start, db, loaded, taker.entrant_id, now)
                self.render_page(
                    "start.html",
                    title=loaded.contest.title,
                    contest=loaded.contest,
                    finished=paper,
                    why=why,
                )
                return
        except HoctapError as error:
            self.refused(error)
            return
        if paper.holder != taker.holder:
            self.render_page("elsewhere.html", title=loaded.contest.title, contest=loaded.contest)
            return
        self.show(loaded, paper)

    def show(self, loaded: LoadedContest, paper: sessions.Paper) -> None:
        contest = loaded.contest
        graded = [q for q in paper.questions if q.type != "prediction"]
        left = paper.seconds_left(self.service.now())
        self.render_page(
            "paper.html",
            title=contest.title,
            contest=contest,
            paper=paper,
            graded_count=len(graded),
            left=left,
            deadline=paper.deadline.astimezone(ZONE),
            one_per_screen=contest.layout == "one_per_screen",
            saved=self.get_query_argument("da_luu", ""),
            numbers=_numbers(paper),
            selected={q.name: selected(q, paper.answers.get(q.name, "")) for q in paper.questions},
        )

    async def post(self, name: str) -> None:
        found = self.entered(name)
        if found is None:
            return
        loaded, taker = found
        try:
            paper = await self.run(
                sessions.open_attempt, self.service.db, loaded, taker.entrant_id, self.service.now
            )
        except HoctapError as error:
            self.refused(error, back=self.url("thi", name, "bai"))
            return
        self.keep_taker(loaded, Taker(taker.contest, taker.entrant_id, paper.holder, taker.account))
        self.redirect(self.url("thi", name, "bai"), status=303)


def selected(shown: sessions.Shown, answer: str) -> Any:
    """What the saved answer selects on the form: a position, positions, one per left side."""
    if shown.type in ("single_choice", "true_false"):
        return shown.options.index(answer) if answer in shown.options else -1
    if shown.type == "multiple_choice":
        chosen = set(answer.split(";")) if answer else set()
        return {i for i, text in enumerate(shown.options) if text in chosen}
    if shown.type == "matching":
        pairs = dict(p.split(" -> ", 1) for p in answer.split("; ") if " -> " in p)
        return [
            shown.matches.index(pairs[left]) if pairs.get(left) in shown.matches else -1
            for left in shown.options
        ]
    return answer


def _numbers(paper: sessions.Paper) -> dict[str, str]:
    """Each question's label: "Câu 3/10", or the prediction's."""
    graded = [q for q in paper.questions if q.type != "prediction"]
    labels = {q.name: f"Câu {i}/{len(graded)}" for i, q in enumerate(graded, start=1)}
    for q in paper.questions:
        labels.setdefault(q.name, "Câu hỏi dự đoán (câu phụ)")
    return labels


class Answer(ContestPage):
    """POST: save one answer. The script gets JSON; a form without it is sent back to the page,
    at the next question."""

    async def post(self, name: str) -> None:
        loaded = self.loaded(name)
        taker = self.taker(loaded)
        if taker is None or not taker.holder:
            error = Refused(
                "Anh/chị chưa vào thi ở trình duyệt này.", "Mở trang cuộc thi để vào thi."
            )
            self.refused(error, back=self.url("thi", name))
            return
        fields = {
            k: [v.decode("utf-8", "replace") for v in vs]
            for k, vs in self.request.body_arguments.items()
        }
        question = (fields.get("q") or [""])[0]
        try:
            attempt_id = int((fields.get("bai") or ["0"])[0])
            stored = await self.run(self._save, loaded, taker, attempt_id, question, fields)
        except ValueError:
            self.refused(Refused("Yêu cầu lưu câu trả lời không hợp lệ.", "Tải lại trang."))
            return
        except HoctapError as error:
            self.refused(error, back=self.url("thi", name, "bai"))
            return
        at = self.service.now().astimezone(ZONE).strftime("%H:%M:%S")
        if self.wants_json():
            self.finish({"ok": True, "q": question, "rev": stored, "at": at})
            return
        following = (fields.get("sau") or [""])[0]
        anchor = f"#cau-{following}" if following.isdigit() else ""
        self.redirect(self.url("thi", name, "bai") + f"?da_luu={quote(at)}{anchor}", status=303)

    def _save(
        self,
        loaded: LoadedContest,
        taker: Taker,
        attempt_id: int,
        question: str,
        fields: dict[str, list[str]],
    ) -> int:
        revision = revision_from_form(fields)
        sessions.save_answer(
            self.service.db,
            loaded,
            attempt_id,
            taker.holder,
            question,
            lambda shown: choice_from_form(shown, fields),
            self.service.now,
            revision=revision,
            entrant_id=taker.entrant_id,
        )
        return revision


class HandIn(ContestPage):
    """GET: are you sure (how many unanswered); POST: hand in."""

    async def get(self, name: str) -> None:
        found = self.entered(name)
        if found is None:
            return
        loaded, taker = found
        paper = await self.run(
            sessions.current_attempt, self.service.db, loaded, taker.entrant_id, self.service.now
        )
        if paper is None or paper.submitted_at is not None:
            self.redirect(self.url("thi", name, "ket-qua"))
            return
        missing = sum(1 for q in paper.questions if not paper.answers.get(q.name))
        self.render_page(
            "handin.html",
            title=loaded.contest.title,
            contest=loaded.contest,
            missing=missing,
            paper=paper,
        )

    async def post(self, name: str) -> None:
        found = self.entered(name)
        if found is None:
            return
        loaded, taker = found
        db, now = self.service.db, self.service.now
        try:
            paper = await self.run(sessions.current_attempt, db, loaded, taker.entrant_id, now)
            if paper is not None and paper.submitted_at is None:
                await self.run(sessions.submit, db, loaded, paper.attempt_id, taker.holder, now)
        except HoctapError as error:
            self.refused(error, back=self.url("thi", name, "bai"))
            return
        self.redirect(self.url("thi", name, "ket-qua"), status=303)


class Outcome(ContestPage):
    """GET: the score of the entrant's latest handed-in attempt."""

    async def get(self, name: str) -> None:
        found = self.entered(name)
        if found is None:
            return
        loaded, taker = found
        db, now = self.service.db, self.service.now
        paper = await self.run(sessions.current_attempt, db, loaded, taker.entrant_id, now)
        if paper is None or paper.submitted_at is None:
            self.redirect(self.url("thi", name, "bai"))
            return
        result = await self.run(sessions.result, db, loaded, paper.attempt_id, now)
        why = await self.run(sessions.may_start, db, loaded, taker.entrant_id, now)
        marks = []
        if loaded.contest.show_answers:
            for number, shown in enumerate(paper.questions, start=1):
                if shown.name in result.right:
                    marks.append((number, result.right[shown.name]))
        seconds = int(result.duration.total_seconds())
        self.render_page(
            "result.html",
            title=loaded.contest.title,
            contest=loaded.contest,
            result=result,
            minutes=seconds // 60,
            seconds=seconds % 60,
            marks=marks,
            again=not why,
            timed_out=paper.submitted_at >= paper.deadline,
        )


# -- public pages ------------------------------------------------------------------------------


class PublicPage(Page):
    """No log-in; the same answer for everyone, kept 30 s here and by nginx or the browser."""

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Cache-Control", f"public, max-age={PUBLIC_CACHE_SECONDS}")


class PublicResults(PublicPage):
    """The public ranking: names only of those who consented, as ``contest results --public``."""

    async def get(self, name: str) -> None:
        loaded = self.service.contest(name)
        rows = await self.run(
            self.service.public, f"results:{name}", lambda: _public_rows(self.service, loaded)
        )
        self.render_page(
            "public_results.html",
            title=f"Kết quả: {loaded.contest.title}",
            contest=loaded.contest,
            rows=rows[1],
            columns=rows[0],
            computed=datetime.now(ZONE).strftime("%H:%M %d/%m/%Y"),
        )


def _public_rows(service: Service, loaded: LoadedContest) -> tuple[list[str], list[list[str]]]:
    from hoctap.contest.results import contest_results

    ranked = contest_results(service.db, loaded, public=True, now=service.now)
    table = ranked.ranking
    columns = [str(c) for c in table.columns]
    return columns, [[_cell(v) for v in row] for row in table.itertuples(index=False)]


def _cell(value: object) -> str:
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Verify(PublicPage):
    """Whether a certificate is genuine: ``/xac-minh/<code>`` (the QR code's address), or the
    form."""

    async def get(self, code: str = "") -> None:
        from hoctap.documents.certificates import verify

        code = code or self.get_query_argument("ma", "")
        if not code:
            self.render_page("verify.html", title="Xác minh giấy chứng nhận", lines=[], code="")
            return
        try:
            keys = [(throttle.SEARCHES, self.address())]
            await self.run(throttle.check, self.service.db, keys, self.service.now())
            found = await self.run(verify, self.service.db, code[:40])
        except HoctapError as error:
            if not isinstance(error, DatabaseUnavailable):
                await self.run(throttle.hit, self.service.db, keys, self.service.now())
            self.render_page(
                "verify.html",
                404,
                title="Xác minh giấy chứng nhận",
                lines=[],
                code=code[:40],
                error=error,
            )
            return
        self.render_page(
            "verify.html",
            title="Xác minh giấy chứng nhận",
            lines=found.lines(),
            code=code[:40],
            genuine=not found.demo,
        )


class Health(Page):
    """For nginx and the supervisor: this worker answers and reaches the database."""

    async def get(self) -> None:
        from sqlalchemy import text

        def ping() -> None:
            with self.service.db.session() as session:
                session.execute(text("SELECT 1"))

        try:
            await self.run(ping)
        except HoctapError:
            self.set_status(503)
            self.finish("database unavailable\n")
            return
        self.set_header("Content-Type", "text/plain")
        self.finish("ok\n")


HANDLERS: list[tuple[str, type[Page]]] = [
    (r"", Contests),
    (r"thi/([a-z0-9][a-z0-9_-]{0,99})", Entry),
    (r"thi/([a-z0-9][a-z0-9_-]{0,99})/vao", Enter),
    (r"thi/([a-z0-9][a-z0-9_-]{0,99})/tim", Search),
    (r"thi/([a-z0-9][a-z0-9_-]{0,99})/dang-ky", Register),
    (r"thi/([a-z0-9][a-z0-9_-]{0,99})/bai", PaperPage),
    (r"thi/([a-z0-9][a-z0-9_-]{0,99})/tra-loi", Answer),
    (r"thi/([a-z0-9][a-z0-9_-]{0,99})/nop", HandIn),
    (r"thi/([a-z0-9][a-z0-9_-]{0,99})/ket-qua", Outcome),
    (r"cong-bo/([a-z0-9][a-z0-9_-]{0,99})", PublicResults),
    (r"xac-minh", Verify),
    (r"xac-minh/([A-Za-z0-9-]{1,40})", Verify),
    (r"suc-khoe", Health),
]


def make_app(
    service: Service, cookie_secret: str, base_url: str = "/", **settings: Any
) -> Application:
    """The service's Tornado application under ``base_url`` (behind the hub: its prefix)."""
    from importlib import resources

    base = base_url if base_url.endswith("/") else base_url + "/"
    handlers: list[Any] = []
    for pattern, handler in HANDLERS:
        cls: type[Page] = handler
        if service.hub and issubclass(handler, ContestPage):
            from jupyterhub.services.auth import HubOAuthenticated

            cls = type(handler.__name__, (HubOAuthenticated, handler), {})
        handlers.append((base + pattern, cls, {"service": service}))
    if service.hub:
        from jupyterhub.services.auth import HubOAuthCallbackHandler

        handlers.append((base + "oauth_callback", HubOAuthCallbackHandler))
    static = str(resources.files("hoctap.web").joinpath("static"))
    return Application(
        handlers,
        base_url=base,
        cookie_secret=cookie_secret,
        xsrf_cookies=True,
        xsrf_cookie_kwargs={"httponly": True, "samesite": "Lax", "path": base},
        static_path=static,
        static_url_prefix=base + "static/",
        static_handler_class=StaticFileHandler,
        compress_response=True,
        default_handler_class=NotFound,
        default_handler_args={"service": service},
        **settings,
    )


class NotFound(Page):
    def prepare(self) -> None:
        raise HTTPError(404)
