"""`hoctap hub` for real: JupyterHub on 127.0.0.1 with the demo accounts, in Chromium.

A trainee fetches a module in JupyterLab, answers every check by clicking and submits; the
trainer collects and autogrades it in the course's formgrader; the judge sees the unit move.

Slow: it starts JupyterHub, its proxy (configurable-http-proxy from npm), the course service
(nbgrader's formgrader), Voilà's pages as a hub service and a trainee's JupyterLab, and drives
Debian's Chromium. One hub serves the whole story, because starting it is the slow part.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil
import pytest
import requests

from hoctap.apps.leaderboard import SHOWN
from hoctap.demo.people import seed_demo
from hoctap.grading import course
from hoctap.kit.exercises import ANSWERS_FILE
from hoctap.people.units import open_province_database
from hoctap.settings import Settings
from tests.support import labsteps
from tests.support.platform import chromium, running

pytestmark = [pytest.mark.slow, pytest.mark.browser]

MODULE = "hp1-chu-truong-chinh-sach"
PAGES = "/services/hoctap-pages/voila/render"
FORMGRADER = "/services/hoctap/formgrader"
# Who may open what, as the issue asks: judges the leaderboard and results, trainers their
# trainees' progress (and results), trainees the contest; the overview holds counts only.
CONTEST = "/services/hoctap-thi/thi/thi-tim-hieu-mau"
MAY_OPEN = {
    "trainee": {"overview.ipynb", "contest"},
    "trainer": {"overview.ipynb", "progress.ipynb", "results.ipynb", "formgrader"},
    "judge": {"overview.ipynb", "results.ipynb", "leaderboard.ipynb"},
}
EVERY_PAGE = set().union(*MAY_OPEN.values()) | {"secret.ipynb"}


def log_in(base: str, account: dict[str, str]) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/hub/login", timeout=30)
    form = {"username": account["name"], "password": account["password"]}
    form["_xsrf"] = session.cookies.get("_xsrf") or ""
    answer = session.post(f"{base}/hub/login", data=form, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:300]
    return session


def browser_log_in(context: Any, base: str, account: dict[str, str], target: str) -> Any:
    """Log in through the hub's page, straight on to ``target`` (no server of one's own)."""
    page = context.new_page()
    page.goto(f"{base}/hub/login?next={quote(target)}")
    page.fill("#username_input", account["name"])
    page.fill("#password_input", account["password"])
    page.click("#login_submit")
    page.wait_for_url(f"{base}{target}**", timeout=180_000)
    return page


UNIT, TOTAL = SHOWN.index("Đơn vị"), SHOWN.index("Tổng điểm")
OWN_AWARD = 'Xét tặng "Đơn vị học tập xuất sắc" của tỉnh (ví dụ) (tiêu chí riêng của tỉnh)'
# The unit's total in the visible ranking table, or "" while it is not shown.
TOTAL_OF = f"""unit => {{
    const row = [...document.querySelectorAll('table.hoctap-ranking tbody tr')]
        .find(r => r.offsetParent !== null && r.cells[{UNIT}].innerText.trim() === unit);
    return row ? row.cells[{TOTAL}].innerText.trim() : "";
}}"""


def unit_total(page: Any, unit: str) -> str:
    """The unit's total points as the leaderboard's table shows it."""
    page.wait_for_function(TOTAL_OF, arg=unit, timeout=90_000)
    return str(page.evaluate(TOTAL_OF, unit))


def test_roles_and_a_module_from_fetch_to_the_judges_leaderboard(home: Path) -> None:
    settings = Settings.from_env({"HOCTAP_HOME": str(home)})
    db = open_province_database(settings)
    seed_demo(db, people=40)
    db.close()
    course.release(settings, MODULE)
    with running(home, command="hub") as hub, chromium() as browser:
        base = f"http://127.0.0.1:{hub.lab_port}"
        accounts_file = home / "hub" / "demo-accounts.json"
        accounts = {a["role"]: a for a in json.loads(accounts_file.read_text("utf-8"))}
        assert set(accounts) == {"trainee", "trainer", "judge"}
        assert oct(accounts_file.stat().st_mode)[-3:] == "600"
        for account in accounts.values():  # printed at start-up, as make run shows them
            assert f"tên đăng nhập {account['name']}" in hub.output
            assert account["password"] in hub.output
        assert f"{base}{FORMGRADER}" in hub.output
        assert f"{base}{PAGES}/leaderboard.ipynb" in hub.output

        # The contest service's public pages need no log-in, through the hub's address.
        public = f"{base}/services/hoctap-thi"
        ranking = requests.get(f"{public}/cong-bo/thi-tim-hieu-mau", timeout=60)
        assert ranking.status_code == 200 and "Kết quả:" in ranking.text
        unknown = requests.get(f"{public}/xac-minh/K7PX-3QMD", timeout=60)
        assert unknown.status_code == 404 and "Không có giấy chứng nhận nào" in unknown.text
        assert "/hub/login" in requests.get(f"{base}{CONTEST}", timeout=60).url
        assert f"{public}/" in hub.output  # printed at start-up
        # Nobody reaches a page without logging in: the hub's log-in page answers instead.
        anonymous = requests.get(f"{base}{PAGES}/leaderboard.ipynb", timeout=60)
        assert "/hub/login" in anonymous.url and "hoctap-ranking" not in anonymous.text
        # Each role against each page.
        for role, account in accounts.items():
            session = log_in(base, account)
            for page in sorted(EVERY_PAGE):
                url = {"formgrader": f"{base}{FORMGRADER}", "contest": f"{base}{CONTEST}"}.get(
                    page, f"{base}{PAGES}/{page}"
                )
                # Voilà sends the status before it runs the page: no need to wait for it.
                with session.get(url, timeout=120, stream=True) as answer:
                    expected = 200 if page in MAY_OPEN[role] else 403
                    assert answer.status_code == expected, (role, page, answer.status_code)
                    if expected == 403 and page.endswith(".ipynb") and page != "secret.ipynb":
                        assert "không được mở trang" in answer.content.decode()

        # The trainee: a wrong password is refused; then JupyterLab in their own workspace.
        trainee, trainer, judge = accounts["trainee"], accounts["trainer"], accounts["judge"]
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/hub/login")
        assert "cùng một người dùng hệ thống" in page.inner_text("body")  # the demo says so
        page.fill("#username_input", trainee["name"])
        page.fill("#password_input", "not-the-password")
        page.click("#login_submit")
        page.wait_for_load_state()
        assert "/hub/login" in page.url
        page.fill("#username_input", trainee["name"])
        page.fill("#password_input", trainee["password"])
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{trainee['name']}/lab**", timeout=180_000)

        # The contest service knows the trainee from the log-in (no code, no phone digits),
        # whatever header the browser sends to claim another name; they take the contest.
        spoofing = browser.new_context(extra_http_headers={"X-Hoctap-Hub-User": judge["name"]})
        spoofing.add_cookies(page.context.cookies())
        quiz = spoofing.new_page()
        quiz.goto(f"{base}{CONTEST}")
        quiz.get_by_text("vào thi với tài khoản").wait_for(timeout=60_000)
        assert f"tài khoản {trainee['name']}:" in quiz.inner_text("body")
        assert quiz.locator("input[name=ma]").count() == 0
        quiz.get_by_role("button", name="Vào thi").click()
        quiz.get_by_role("button", name="Bắt đầu làm bài").click()
        quiz.locator("form.question:visible label.option").first.click()
        quiz.locator("form.question:visible .status.saved").wait_for(timeout=30_000)
        quiz.get_by_role("link", name="Nộp bài").click()
        quiz.get_by_role("button", name="Nộp bài").click()
        quiz.get_by_text("Đã nộp bài.").wait_for(timeout=30_000)
        assert "Điểm:" in quiz.inner_text("body")
        spoofing.close()

        # The judge opens the leaderboard before the trainee's work is graded.
        judges = browser.new_context()
        board = browser_log_in(judges, base, judge, f"{PAGES}/leaderboard.ipynb")
        unit = trainee_unit(settings, trainee["name"])
        unit_total(board, unit)
        # The circular's lines are the units' own self-assessment; the platform's modules count
        # in the province's own award, which the judge chooses.
        board.locator("select").nth(3).select_option(label=OWN_AWARD)
        board.get_by_text("Tiêu chí riêng của tỉnh, không phải của Thông tư").first.wait_for(
            timeout=90_000
        )
        before = unit_total(board, unit)
        board.wait_for_timeout(5_000)  # the page checks its server every 4 s
        assert board.locator("#hoctap-connection").is_hidden()

        # The trainee fetches the module, answers every check right by clicking, submits.
        def lab(path: str) -> str:
            return f"{base}/user/{trainee['name']}{path}"

        labsteps.fetch(page, lab, MODULE)
        labsteps.open_and_run_all(page, lab, MODULE)
        source = Path(__file__).parent.parent / "courses" / MODULE / f"{MODULE}.ipynb"
        for answer, nth in labsteps.answer_key(source):
            labsteps.choose(page, answer, nth)
        # The checks ran before any answer: each failed as one Vietnamese line, no traceback.
        assert page.get_by_text("Chưa đạt: Bạn chưa chọn đáp án cho câu này.").count() >= 1
        assert page.get_by_text("Traceback (most recent call last)").count() == 0
        page.keyboard.press("Control+s")
        labsteps.submit(page, lab, MODULE)

        # The trainer collects and autogrades in the course's formgrader, in a tab of its own.
        trainers = browser.new_context()
        grader = browser_log_in(trainers, base, trainer, f"{FORMGRADER}/manage_assignments")
        row = grader.locator("tr", has_text=MODULE).first
        row.locator("td.collect a").click(timeout=90_000)
        grader.get_by_text(f"Successfully collected submissions of '{MODULE}'").wait_for(
            timeout=120_000
        )
        grader.goto(f"{base}{FORMGRADER}/manage_submissions/{MODULE}")
        mine = grader.locator("tr", has_text=trainee["name"]).first
        mine.locator("td.autograde a").click(timeout=90_000)
        grader.get_by_text(f"Successfully autograded '{MODULE}'").wait_for(timeout=240_000)
        trainers.close()

        # The judge asks for fresh figures: the unit's total moves.
        board.get_by_role("button", name="Tính lại theo số liệu mới").click()
        board.wait_for_function(
            f"([unit, before]) => !['', before].includes(({TOTAL_OF})(unit))",
            arg=[unit, before],
            timeout=120_000,
        )
        after = unit_total(board, unit)

        # The hub dies: the supervisor starts it again, and people log in as before.
        hub_process = next(
            child
            for child in psutil.Process(hub.process.pid).children()
            if "jupyterhub" in " ".join(child.cmdline())
        )
        killed = time.monotonic()
        hub_process.kill()
        deadline = killed + 180
        while "JupyterHub đã chạy lại." not in hub.output:
            assert time.monotonic() < deadline, hub.output[-2000:]
            time.sleep(0.5)
        again = log_in(base, judge).get(f"{base}{PAGES}/leaderboard.ipynb", timeout=120)
        assert again.status_code == 200
        print(f"JupyterHub killed: log-ins and pages work again after "
              f"{time.monotonic() - killed:.1f} s")  # fmt: skip
        board.get_by_text("Mất kết nối với máy chủ").wait_for(state="hidden", timeout=30_000)
        judges.close()

    with course.gradebook_of(settings) as gradebook:
        submission = gradebook.find_submission(MODULE, trainee["name"])
        assert submission.score == 9.0  # the nine checks; the written parts await the trainer
    assert float(after.replace(",", ".")) > float(before.replace(",", "."))
    # Every click was saved in the trainee's workspace, and the trainers' status sees it all.
    workspace = home / "trainees" / trainee["name"]
    answers = json.loads((workspace / MODULE / ANSWERS_FILE).read_text(encoding="utf-8"))
    assert set(answers) == {f"q{n}" for n in range(1, 10)}
    record = {r.code: r for r in course.status(settings, MODULE)}[trainee["name"]]
    assert record.unit_name == unit
    assert record.fetched and record.submitted and record.graded
    # The trainee's workspace is set up to submit in their name, through the hub's groups.
    config = (workspace / "nbgrader_config.py").read_text("utf-8")
    assert f"c.CourseDirectory.student_id = {trainee['name']!r}" in config
    assert "JupyterHubAuthPlugin" in config


def trainee_unit(settings: Settings, code: str) -> str:
    from sqlalchemy import select

    from hoctap.db.models import Person

    db = open_province_database(settings)
    try:
        with db.session() as session:
            person = session.scalars(select(Person).where(Person.code == code)).one()
            return person.unit.name
    finally:
        db.close()
