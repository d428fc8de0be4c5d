"""`hoctap hub` for real: JupyterHub on 127.0.0.1 with the demo accounts, log-in in Chromium.

Slow: it starts JupyterHub, its proxy (configurable-http-proxy from npm) and a trainee's
JupyterLab, and drives Debian's Chromium.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hoctap.db import open_database
from hoctap.demo import seed_demo
from hoctap.settings import Settings

from .platform import chromium, running

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_demo_accounts_log_in_and_a_trainee_gets_their_workspace(home: Path) -> None:
    db = open_database(Settings.from_env({"HOCTAP_HOME": str(home)}))
    seed_demo(db, people=40)
    db.close()
    with running(home, command="hub") as hub, chromium() as browser:
        accounts = {
            a["role"]: a
            for a in json.loads((home / "hub" / "demo-accounts.json").read_text("utf-8"))
        }
        assert set(accounts) == {"trainee", "trainer", "judge"}
        for account in accounts.values():  # printed at start-up, as make run shows them
            assert f"tên đăng nhập {account['name']}" in hub.output
            assert account["password"] in hub.output
        assert oct((home / "hub" / "demo-accounts.json").stat().st_mode)[-3:] == "600"
        trainee = accounts["trainee"]
        base = f"http://127.0.0.1:{hub.lab_port}"
        page = browser.new_page()
        page.goto(f"{base}/hub/login")
        assert "cùng một người dùng hệ thống" in page.inner_text("body")  # the demo says so
        page.fill("#username_input", trainee["name"])
        page.fill("#password_input", "not-the-password")
        page.click("#login_submit")
        page.wait_for_load_state()
        assert "/hub/login" in page.url  # refused
        page.fill("#username_input", trainee["name"])
        page.fill("#password_input", trainee["password"])
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{trainee['name']}/lab**", timeout=180_000)
        page.locator(".jp-LauncherCard, .jp-Launcher").first.wait_for(timeout=120_000)
        # The trainer's formgrader, opened in a tab of its own (JupyterHub >= 4.1 forbids
        # framing it inside JupyterLab).
        trainer = accounts["trainer"]
        formgrader = f"{base}/user/{trainer['name']}/formgrader"
        assert formgrader in hub.output
        context = browser.new_context()  # the trainer's own browser: logs in, then the tab
        grader = context.new_page()
        grader.goto(f"{base}/hub/login")
        grader.fill("#username_input", trainer["name"])
        grader.fill("#password_input", trainer["password"])
        grader.click("#login_submit")
        grader.wait_for_url(f"**/user/{trainer['name']}/lab**", timeout=180_000)
        grader.goto(formgrader)
        grader.get_by_text("Manage Assignments").first.wait_for(timeout=120_000)
        context.close()
        # The judges' pages run beside the hub, behind a token printed at start-up.
        token = (home / "voila-token").read_text("utf-8").strip()
        board = f"http://127.0.0.1:{hub.lab_port + 3}/voila/render/leaderboard.ipynb"
        assert f"{board}?token={token}" in hub.output
        page.goto(f"{board}?token={token}")
        page.locator("table.hoctap-ranking:visible").first.wait_for(timeout=90_000)
    # The trainee's JupyterLab opened on their own workspace, set up to submit in their name.
    config = home / "trainees" / trainee["name"] / "nbgrader_config.py"
    assert f"c.CourseDirectory.student_id = {trainee['name']!r}" in config.read_text("utf-8")
