"""The contest pages in Chromium, on a phone's screen and a desktop's: taking a contest end to
end, the network lost and back, a reload, no script at all, narrow screens, accessibility, and
the keyboard alone.

Slow: one `hoctap web` process (started as an organiser does, `python -m hoctap web --port P`)
serves the module's tests over its own data folder; one test goes through `hoctap serve --no-lab`
(Voilà and the contest service) as a trainer alone runs it. Debian's Chromium through Playwright.
Each test takes the contest as a different trainee (tests/support/contest_site.py).
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hoctap.db.models import AttemptAnswer
from hoctap.people.units import open_province_database
from hoctap.settings import Settings
from tests.support.contest_site import NAME, code, hoctap_web, seed, tail
from tests.support.platform import chromium, running

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
WAIT_MS = 15_000
SAVED = re.compile(r"^đã lưu lúc \d\d:\d\d:\d\d$")
RIGHT = {
    "tn-001": "Quyết định số 1373/QĐ-TTg ngày 30/7/2021",
    "tn-002": ["Đọc sách ở thư viện xã", "Học tin học trên mạng"],
    "tn-003": {
        "Quyết định số 1373/QĐ-TTg": "Phê duyệt Đề án xây dựng xã hội học tập",
        "Quyết định số 1307/QĐ-BTTTT": "Ban hành Kế hoạch truyền thông về Đề án",
    },
    "tn-004": "2030",
    "dd-001": "25",
}
"""The right answer to each question of the test bank (and a guess for the prediction)."""


@dataclass
class Site:
    url: str
    settings: Settings
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def trainee(self) -> int:
        """A trainee who has not taken the contest yet in this module."""
        return next(self.numbers)

    def saved(self, attempt: int) -> list[tuple[str, str, int]]:
        """Every stored answer row of an attempt: (question, answer, revision)."""
        db = open_province_database(self.settings)
        try:
            with db.session() as session:
                rows = session.scalars(
                    select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt)
                )
                return sorted((r.question, r.answer, r.revision) for r in rows)
        finally:
            db.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    home = tmp_path_factory.mktemp("contest-browser") / "home"
    settings = seed(home)
    with hoctap_web(home) as url:
        yield Site(url, settings)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as opened:
        yield opened


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(**PHONE)
    context.set_default_timeout(WAIT_MS)
    try:
        yield context
    finally:
        context.close()


# -- helpers -----------------------------------------------------------------------------------


def enter(page: Any, base: str, number: int, script: bool = True) -> int:
    """Enter by code and phone digits, start the attempt; returns its id (once the page's script
    runs, unless the browser runs none)."""
    page.goto(f"{base}thi/{NAME}")
    page.get_by_role("textbox", name="Mã học viên").fill(code(number))
    page.get_by_role("textbox", name="4 số cuối điện thoại").first.fill(tail(number))
    page.get_by_text("Tôi đồng ý công bố").first.click()
    page.get_by_role("button", name="Vào thi").first.click()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.locator("#paper").wait_for()
    if script:  # deferred: it shows one question per screen when it has run
        page.wait_for_function("document.documentElement.classList.contains('js')")
    return int(page.locator("#paper").get_attribute("data-attempt"))


def shown(page: Any) -> Any:
    """The question on screen (one per screen)."""
    name = page.locator("form.question:visible").get_attribute("data-q")
    return page.locator(f'form.question[data-q="{name}"]')


def choose(form: Any, right: bool = True) -> None:
    """Answer the question of ``form`` as a finger would: tap, pick, type."""
    name = form.get_attribute("data-q")
    answer = RIGHT[name]
    if name == "tn-001":
        options = form.locator("label.option")
        if right:
            form.locator("label.option", has_text=str(answer)).click()
        else:
            options.filter(has_not_text=str(answer)).first.click()
    elif name == "tn-002":
        for text in answer:
            form.locator("label.option", has_text=text).click()
    elif name == "tn-003":
        assert isinstance(answer, dict)
        for left, match in answer.items():
            form.get_by_label(left).select_option(label=match)
    else:
        box = form.locator("input[name=tra_loi]")
        box.fill(str(answer))
        form.get_by_role("button", name="Lưu câu trả lời").click()


def status(form: Any) -> Any:
    return form.locator(".status")


def wait_saved(form: Any) -> None:
    status(form).and_(form.page.locator(".status.saved")).wait_for(state="attached")
    assert SAVED.match(status(form).inner_text()), status(form).inner_text()


def next_question(page: Any) -> None:
    before = shown(page).get_attribute("data-q")
    page.get_by_role("button", name="Câu sau →").click()
    page.wait_for_function(
        "(q) => { const f = [...document.querySelectorAll('form.question')]"
        ".filter(f => !f.hidden); return f.length === 1 && f[0].dataset.q !== q; }",
        arg=before,
    )


def hand_in(page: Any) -> str:
    page.get_by_role("link", name="Nộp bài").click()
    page.get_by_text("Anh/chị chắc chắn nộp bài?").wait_for()
    page.get_by_role("button", name="Nộp bài").click()
    page.get_by_text("Đã nộp bài.").wait_for()
    return str(page.inner_text("main"))


def take_whole_contest(page: Any, base: str, number: int, site: Site | None = None) -> None:
    taken = answers_sent(page)
    attempt = enter(page, base, number)
    questions = page.locator("form.question")
    count = questions.count()
    assert count == 5  # four drawn and the prediction
    first = shown(page)
    assert first.count() == 1 and "Câu 1/4." in first.locator("legend").inner_text()
    # The first answer is held on its way to the server: the page must not say "đã lưu" before
    # the server has said ok.
    held: list[Any] = []
    page.route("**/tra-loi", lambda route: held.append(route))
    choose(first)
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert held, "the page sent nothing"
    assert status(first).inner_text() == "chưa lưu"
    if site is not None:
        assert site.saved(attempt) == []
    held[0].continue_()
    page.unroute("**/tra-loi")
    wait_saved(first)
    for index in range(1, count):
        next_question(page)
        form = shown(page)
        label = form.locator("legend").inner_text()
        assert (f"Câu {index + 1}/4." in label) if index < 4 else ("dự đoán" in label)
        choose(form)
        wait_saved(form)
    assert page.get_by_role("button", name="Câu sau →").is_disabled()
    # A typed answer is sent once, though its field's change and its button both say so.
    assert [q for q, _ in taken].count("tn-004") == 1, taken
    assert [q for q, _ in taken].count("dd-001") == 1, taken
    assert all(code == 200 for _, code in taken), taken
    result = hand_in(page)
    assert "Điểm: 4/4;" in result and "trả lời đúng 4/4 câu" in result, result
    if site is not None:
        rows = site.saved(attempt)
        assert [r[0] for r in rows] == sorted(RIGHT)


# -- tests -------------------------------------------------------------------------------------


def test_a_trainee_takes_the_contest_on_a_phone(site: Site, phone: Any) -> None:
    page = phone.new_page()
    take_whole_contest(page, site.url, site.trainee(), site)


def test_a_trainee_takes_the_contest_on_a_desktop_through_hoctap_serve(
    browser: Any, tmp_path: Path
) -> None:
    home = tmp_path / "serve-home"
    seed(home, people=1)
    with running(home, "--no-lab") as platform:
        context = browser.new_context(**DESKTOP)
        context.set_default_timeout(WAIT_MS)
        try:
            take_whole_contest(context.new_page(), platform.web_url(), 1)
        finally:
            context.close()


def answers_sent(page: Any) -> list[tuple[str, int]]:
    """Every answer the server took from this page, as (question, HTTP status), appended live."""
    from urllib.parse import parse_qs

    taken: list[tuple[str, int]] = []

    def seen(response: Any) -> None:
        if response.url.endswith("/tra-loi"):
            fields = parse_qs(response.request.post_data or "")
            taken.append((fields.get("q", ["?"])[0], response.status))

    page.on("response", seen)
    return taken


def test_answers_chosen_offline_are_sent_once_when_the_network_is_back(
    site: Site, phone: Any
) -> None:
    page = phone.new_page()
    taken = answers_sent(page)
    attempt = enter(page, site.url, site.trainee())
    network = page.locator("#network")
    assert network.is_hidden()
    phone.set_offline(True)
    offline = []
    for _ in range(2):  # a radio button, then two check boxes (two changes, one answer)
        form = shown(page)
        offline.append(form.get_attribute("data-q"))
        choose(form)
        page.wait_for_function(
            "(q) => document.querySelector(`form[data-q='${q}'] .status`).textContent"
            " === 'chưa lưu'",
            arg=offline[-1],
        )
        assert "unsaved" in (status(form).get_attribute("class") or "")
        next_question(page)
    network.wait_for()
    assert "Mất kết nối" in network.inner_text()
    assert site.saved(attempt) == [] and taken == []
    phone.set_offline(False)  # no click: the page sends what it kept
    for name in offline:
        wait_saved(page.locator(f'form.question[data-q="{name}"]'))
    network.wait_for(state="hidden")
    rows = site.saved(attempt)
    assert [r[0] for r in rows] == sorted(offline)
    revisions = {
        name: int(page.locator(f'form[data-q="{name}"]').get_attribute("data-rev"))
        for name in offline
    }
    assert {r[0]: r[2] for r in rows} == revisions and revisions["tn-002"] == 2
    assert sorted(taken) == sorted((name, 200) for name in offline)  # each sent once
    assert "Quyết định số 1373/QĐ-TTg" in dict((r[0], r[1]) for r in rows)["tn-001"]

    # Offline again; the page is closed with two answers kept on the phone, and opened again
    # once the network is back: the kept answers are put back on the page and sent.
    phone.set_offline(True)
    kept = []
    for _ in range(2):  # the drop-down lists, then the number
        form = shown(page)
        kept.append(form.get_attribute("data-q"))
        choose(form)
        page.wait_for_function(
            "(q) => document.querySelector(`form[data-q='${q}'] .status`).textContent"
            " === 'chưa lưu'",
            arg=kept[-1],
        )
        next_question(page)
    kept_key = f"hoctap-chua-luu-{attempt}"
    stored = page.evaluate("(k) => Object.keys(JSON.parse(localStorage.getItem(k)))", kept_key)
    assert sorted(stored) == sorted(kept)
    page.close()
    phone.set_offline(False)
    again = phone.new_page()
    taken_again = answers_sent(again)
    again.goto(f"{site.url}thi/{NAME}/bai")
    for name in kept:
        wait_saved(again.locator(f'form.question[data-q="{name}"]'))
    assert sorted(taken_again) == sorted((name, 200) for name in kept)
    rows = {r[0]: r[1] for r in site.saved(attempt)}
    assert sorted(rows) == sorted(offline + kept)
    assert rows["tn-004"] == "2030"
    assert rows["tn-003"].count(" -> ") == 2
    matching = again.locator('form[data-q="tn-003"] select')
    assert [matching.nth(i).evaluate("s => s.selectedOptions[0].text") for i in range(2)] == list(
        RIGHT["tn-003"].values()
    )
    assert again.evaluate("(k) => localStorage.getItem(k)", kept_key) == "{}"  # nothing left


def test_an_answer_the_server_could_not_take_for_a_moment_is_sent_again(
    site: Site, phone: Any
) -> None:
    """The database away for a moment: the server says 503 (not saved, not refused); the page
    keeps the answer, says "chưa lưu" and sends it again by itself."""
    page = phone.new_page()
    attempt = enter(page, site.url, site.trainee())
    busy = {"left": 2}

    def database_away(route: Any) -> None:
        if busy["left"] > 0:
            busy["left"] -= 1
            route.fulfill(
                status=503,
                content_type="application/json",
                body='{"ok": false, "message": "Chưa lưu được: mất kết nối với cơ sở dữ liệu.",'
                ' "hint": "Thử lại sau ít phút."}',
            )
        else:
            route.continue_()

    page.route("**/tra-loi", database_away)
    form = shown(page)
    choose(form)
    page.wait_for_function(
        "(q) => document.querySelector(`form[data-q='${q}'] .status`).textContent"
        ".startsWith('chưa lưu')",
        arg=form.get_attribute("data-q"),
    )
    assert "mất kết nối với cơ sở dữ liệu" in page.locator("#network").inner_text()
    assert site.saved(attempt) == []
    wait_saved(form)  # sent again after 3 s, twice: the second time the server takes it
    assert busy["left"] == 0 and [r[0] for r in site.saved(attempt)] == [
        form.get_attribute("data-q")
    ]


def test_a_reload_resumes_the_attempt_with_the_time_left_and_the_answers(
    site: Site, phone: Any
) -> None:
    page = phone.new_page()
    attempt = enter(page, site.url, site.trainee())
    first = shown(page)
    choose(first, right=False)
    wait_saved(first)
    picked = first.locator("input:checked").evaluate("i => i.parentElement.textContent.trim()")
    next_question(page)
    second = shown(page)
    choose(second)
    wait_saved(second)
    page.wait_for_timeout(2100)  # the clock moves on
    before = clock_seconds(page)
    assert 1770 <= before < 1799  # 30 minutes, a few seconds gone
    page.reload()
    assert int(page.locator("#paper").get_attribute("data-attempt")) == attempt
    after = clock_seconds(page)
    assert before - 5 <= after <= before, (before, after)
    server_left = int(page.locator("#paper").get_attribute("data-left"))
    assert abs(server_left - after) <= 2
    again = page.locator('form.question[data-q="tn-001"]')
    assert (
        again.locator("input:checked").evaluate("i => i.parentElement.textContent.trim()") == picked
    )
    assert again.locator("input:checked").count() == 1
    boxes = page.locator('form.question[data-q="tn-002"] input:checked')
    assert boxes.count() == 2
    assert status(again).inner_text() == "đã lưu"


def clock_seconds(page: Any) -> int:
    minutes, seconds = page.locator("#clock").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def test_the_whole_contest_works_without_javascript(site: Site, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, **PHONE)
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        attempt = enter(page, site.url, site.trainee(), script=False)
        forms = page.locator("form.question")
        assert forms.count() == 5 and page.locator("form.question:visible").count() == 5
        assert page.locator(".steps").is_hidden()  # no "Câu sau →" without the script
        check_fits(page, "paper without the script")  # every question and its button
        names = [forms.nth(i).get_attribute("data-q") for i in range(5)]
        for number, name in enumerate(names, start=1):
            form = page.locator(f'form.question[data-q="{name}"]')
            if name == "dd-001":
                form.locator("input[name=tra_loi]").fill(str(RIGHT[name]))
            else:
                choose_without_saving(form)
            with page.expect_navigation():
                form.get_by_role("button", name="Lưu câu trả lời").click()
            page.get_by_text("Đã lưu câu trả lời lúc").wait_for()
            # Back at the next question (the anchor), with this one's answer shown as saved.
            assert page.url.endswith(f"#cau-{min(number + 1, 5)}"), page.url
            assert status(page.locator(f'form.question[data-q="{name}"]')).inner_text() == "đã lưu"
        assert page.locator('form[data-q="tn-001"] input:checked').count() == 1
        assert page.locator('form[data-q="tn-002"] input:checked').count() == 2
        assert [r[0] for r in site.saved(attempt)] == sorted(RIGHT)
        assert "Điểm: 4/4;" in hand_in(page)
    finally:
        context.close()


def choose_without_saving(form: Any) -> None:
    """Pick the right answer on a form whose button saves it (no script: nothing sent yet)."""
    name = form.get_attribute("data-q")
    answer = RIGHT[name]
    if name == "tn-001":
        form.locator("label.option", has_text=str(answer)).click()
    elif name == "tn-002":
        for text in answer:
            form.locator("label.option", has_text=text).click()
    elif name == "tn-003":
        assert isinstance(answer, dict)
        for left, match in answer.items():
            form.get_by_label(left).select_option(label=match)
    else:
        form.locator("input[name=tra_loi]").fill(str(answer))


TARGETS = (
    "button:visible, a.button:visible, label.option:visible, select:visible, "
    "input:visible:not([type=radio]):not([type=checkbox]), .check label:visible"
)
"""What a finger taps: buttons, options, form fields, the consent's label."""


def check_fits(page: Any, where: str, controls: bool = True) -> None:
    """No sideways scrolling, and every tap target at least 44 px high."""
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{where}: scrolls sideways ({width[0]} > {width[1]} px)"
    targets = page.locator(TARGETS)
    small = []
    for index in range(targets.count()):
        box = targets.nth(index).bounding_box()
        if box is not None and box["height"] < 44:
            small.append((targets.nth(index).evaluate("e => e.outerHTML.slice(0, 80)"), box))
    assert not small, f"{where}: tap targets under 44 px: {small}"
    assert (targets.count() > 0) == controls, where


@pytest.mark.parametrize("width", [320, 360])
def test_narrow_phones_need_no_sideways_scrolling_and_get_large_targets(
    site: Site, browser: Any, width: int
) -> None:
    context = browser.new_context(**dict(PHONE, viewport={"width": width, "height": 640}))
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        page.goto(f"{site.url}thi/{NAME}")
        check_fits(page, "entry")
        page.get_by_role("textbox", name="Họ và tên").first.fill("Nguyễn Văn Thử 3")
        page.get_by_role("textbox", name="Đơn vị").first.fill("x")
        page.get_by_role("button", name="Tìm").click()
        page.locator("p.error").first.wait_for()
        check_fits(page, "entry after a search")
        enter(page, site.url, site.trainee())
        for index in range(5):
            form = shown(page)
            check_fits(page, f"paper, question {index + 1}")
            choose(form)
            wait_saved(form)
            if index < 4:
                next_question(page)
        page.get_by_role("link", name="Nộp bài").click()
        page.get_by_text("Anh/chị chắc chắn nộp bài?").wait_for()
        check_fits(page, "hand-in confirmation")
        page.get_by_role("button", name="Nộp bài").click()
        page.get_by_text("Đã nộp bài.").wait_for()
        check_fits(page, "result")
        page.goto(f"{site.url}cong-bo/{NAME}")
        assert page.locator("tbody tr").count() >= 1
        check_fits(page, "public ranking", controls=False)
        page.goto(f"{site.url}xac-minh")
        check_fits(page, "verification")
    finally:
        context.close()


def test_every_page_passes_axe_and_labels_every_control(site: Site, browser: Any) -> None:
    require_axe()
    # The pages forbid inline scripts (Content-Security-Policy): only this context, which runs
    # axe-core in them, bypasses it.
    context = browser.new_context(bypass_csp=True, **PHONE)
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        checked = []

        def audit(where: str) -> None:
            checked.append(where)
            problems = axe_problems(page)
            assert not problems, f"{where}: {problems}"
            unnamed = unnamed_controls(page)
            assert not unnamed, f"{where}: controls without a name: {unnamed}"

        page.goto(f"{site.url}thi/{NAME}")
        audit("entry")
        page.get_by_role("textbox", name="Mã học viên").fill("hv999")
        page.get_by_role("button", name="Vào thi").first.click()
        page.locator("p.error").first.wait_for()
        audit("entry with a refusal")
        enter(page, site.url, site.trainee())
        for index in range(5):
            form = shown(page)
            choose(form)
            wait_saved(form)
            audit(f"paper, question {index + 1} answered")
            if index < 4:
                next_question(page)
        page.get_by_role("link", name="Nộp bài").click()
        page.get_by_text("Anh/chị chắc chắn nộp bài?").wait_for()
        audit("hand-in confirmation")
        page.get_by_role("button", name="Nộp bài").click()
        page.get_by_text("Đã nộp bài.").wait_for()
        audit("result")
        page.goto(f"{site.url}cong-bo/{NAME}")
        page.locator("table").wait_for()
        audit("public ranking")
        page.goto(f"{site.url}xac-minh")
        audit("verification")
        page.goto(f"{site.url}xac-minh/ABCD-EFGH")
        audit("verification of an unknown code")
        page.goto(site.url)
        audit("open contests")
        assert len(checked) == 13
        # The checks see what they are for: a field with no label is reported by both.
        page.evaluate("document.querySelector('main').append(document.createElement('input'))")
        assert any(p.startswith("label ") for p in axe_problems(page))
        assert unnamed_controls(page)
    finally:
        context.close()


def require_axe() -> None:
    assert AXE.is_file(), f"{AXE} is missing: `make test` installs it (npm ci, package.json)"


def axe_problems(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.html).slice(0, 3)}))"
    )
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in found
            if v["impact"] in ("serious", "critical")]  # fmt: skip


CONTROLS = {"textbox", "checkbox", "radio", "combobox", "button", "link", "spinbutton", "listbox"}


def unnamed_controls(page: Any) -> list[str]:
    """Controls whose accessible name (Chromium's accessibility tree) is empty."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    unnamed = []
    for node in nodes:
        role = node.get("role", {}).get("value")
        if node.get("ignored") or role not in CONTROLS:
            continue
        if not str(node.get("name", {}).get("value", "")).strip():
            unnamed.append(f"{role} {node.get('backendDOMNodeId')}")
    return unnamed


def focused(page: Any) -> str:
    """The focused element, as a short description: tag, type, name, value, its text."""
    return str(
        page.evaluate(
            "() => { const e = document.activeElement; if (!e) return '';"
            " const label = e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent;"
            " return [e.tagName.toLowerCase(), e.type || '', e.name || '', e.value || '',"
            " (label || '').trim().replace(/\\\\s+/g, ' ')].join('|'); }"
        )
    )


def tab_to(page: Any, *wanted: str, limit: int = 20) -> None:
    """Press Tab until the focused element's description contains each of ``wanted``."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if all(part in seen[-1] for part in wanted):
            return
    raise AssertionError(f"{wanted!r} not reached by the keyboard; focus went: {seen}")


def test_the_whole_contest_can_be_taken_with_the_keyboard_alone(site: Site, browser: Any) -> None:
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        number = site.trainee()
        page.goto(f"{site.url}thi/{NAME}")
        tab_to(page, "input|text|ma|")
        page.keyboard.type(code(number))
        tab_to(page, "input|text|so_cuoi|")
        page.keyboard.type(tail(number))
        tab_to(page, "checkbox|dong_y")
        page.keyboard.press("Space")
        tab_to(page, "button|submit|||Vào thi")
        page.keyboard.press("Enter")
        page.get_by_text("Đồng hồ bắt đầu tính").wait_for()
        tab_to(page, "Bắt đầu làm bài")
        page.keyboard.press("Enter")
        page.locator("#paper").wait_for()
        page.wait_for_function("document.documentElement.classList.contains('js')")
        attempt = int(page.locator("#paper").get_attribute("data-attempt"))
        for index in range(5):
            form = shown(page)
            name = form.get_attribute("data-q")
            answer_by_keyboard(page, name, first=2 if index == 0 else 1)
            wait_saved(form)
            if index < 4:
                tab_to(page, "Câu sau →")
                page.keyboard.press("Enter")
                page.wait_for_function(
                    "(q) => document.querySelector(`form[data-q='${q}']`).hidden", arg=name
                )
                # Focus is on the new question's text, so its options are the next Tab away.
                assert focused(page).startswith("legend|")
        tab_to(page, "a||||Nộp bài")
        page.keyboard.press("Enter")
        page.get_by_text("Anh/chị chắc chắn nộp bài?").wait_for()
        tab_to(page, "button|submit|||Nộp bài")
        page.keyboard.press("Enter")
        page.get_by_text("Đã nộp bài.").wait_for()
        assert "Điểm: 4/4;" in page.inner_text("main")
        assert [r[0] for r in site.saved(attempt)] == sorted(RIGHT)
    finally:
        context.close()


def answer_by_keyboard(page: Any, name: str, first: int) -> None:
    """Answer with keys; ``first``: how many Tabs may reach the question's first control."""
    answer = RIGHT[name]
    if name == "tn-001":
        tab_to(page, "radio|chon", limit=first)
        # Arrow keys move through the options and choose; stop at the right one.
        for _ in range(4):
            if str(answer) in focused(page):
                break
            page.keyboard.press("ArrowDown")
        assert str(answer) in focused(page)
        page.keyboard.press("Space")
    elif name == "tn-002":
        tab_to(page, "checkbox|chon|", limit=first)
        for index in range(3):  # each box in turn: Space on the right ones
            if index:
                tab_to(page, "checkbox|chon|", limit=1)
            if any(text in focused(page) for text in answer):
                page.keyboard.press("Space")
        assert page.locator("form[data-q='tn-002'] input:checked").count() == 2
    elif name == "tn-003":
        assert isinstance(answer, dict)
        for left, match in answer.items():
            tab_to(page, "select|select-one|ghep|", left, limit=first + 1)
            for _ in range(4):
                shown_text = page.evaluate("document.activeElement.selectedOptions[0].text")
                if shown_text == match:
                    break
                page.keyboard.press("ArrowDown")
            assert page.evaluate("document.activeElement.selectedOptions[0].text") == match
    else:
        tab_to(page, "input|text|tra_loi", limit=first)
        page.keyboard.type(str(answer))
        page.keyboard.press("Enter")
