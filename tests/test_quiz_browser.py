"""The contest end to end in Chromium: a trainee enters, answers, Voilà dies and comes back,
the trainee resumes and hands in.

Slow: it starts `hoctap serve --no-lab` (Voilà on 127.0.0.1) and drives Debian's Chromium.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import psutil
import pytest

from hoctap.people.units import open_province_database
from hoctap.settings import ZONE, Settings
from tests.support.contests import person
from tests.support.platform import chromium, running

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CONTEST = """
title: Thi thử trên trình duyệt
bank: xa-hoi-hoc-tap
draw:
  - {{category: "Chủ trương, chính sách", count: 2}}
  - {{category: Đơn vị học tập, count: 1}}
time_limit_minutes: 10
opens: {opens}
closes: {closes}
attempts: 1
prediction: {{question: dd-001, target: total}}
"""


def kernel_memory_mb(root_pid: int) -> list[float]:
    """Resident memory of each Jupyter kernel started under the given process."""
    sizes = []
    for child in psutil.Process(root_pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                sizes.append(child.memory_info().rss / 2**20)
        except psutil.NoSuchProcess:
            continue
    return sizes


def test_a_trainee_takes_the_contest_in_a_browser(home: Path, tmp_path: Path) -> None:
    settings = Settings.from_env({"HOCTAP_HOME": str(home)})
    db = open_province_database(settings)
    person(db, "hv001", "Nguyễn Văn An", "0912345678")
    db.close()
    now = datetime.now(ZONE)
    (home / "contests").mkdir(parents=True, exist_ok=True)
    (home / "contests" / "thi-trinh-duyet.yaml").write_text(
        CONTEST.format(
            opens=(now - timedelta(days=1)).strftime("%d/%m/%Y %H:%M"),
            closes=(now + timedelta(days=1)).strftime("%d/%m/%Y %H:%M"),
        ),
        encoding="utf-8",
    )
    with running(home, "--no-lab") as platform, chromium() as browser:
        url = platform.voila_url("quiz.ipynb") + "?contest=thi-trinh-duyet"
        page = browser.new_page()

        def enter() -> None:
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_text("Thi thử trên trình duyệt").wait_for(timeout=90_000)
            page.get_by_placeholder("ví dụ: hv001").fill("hv001")
            page.get_by_placeholder("nếu đơn vị đã khai số điện thoại").fill("5678")
            page.get_by_text("Tôi đồng ý công bố họ tên").click()
            page.get_by_role("button", name="Vào thi").first.click()
            page.locator(".clock").wait_for(timeout=30_000)

        enter()
        page.get_by_text("Câu 1/3").wait_for()
        first_option = page.locator(".widget-radio-box label").first
        chosen = first_option.inner_text()
        first_option.click()
        page.get_by_text("Đã lưu câu trả lời").wait_for()
        content = page.content()
        memory = kernel_memory_mb(platform.process.pid)

        # Voilà dies mid-contest: the page says so, the supervisor starts Voilà again, the page
        # says it is back; a reload brings the same paper, the answer still chosen.
        voila = next(
            child
            for child in psutil.Process(platform.process.pid).children()
            if "voila" in " ".join(child.cmdline())
        )
        assert page.locator("#hoctap-connection").is_hidden()  # checked every 4 s so far
        killed = time.monotonic()
        voila.kill()
        # The page asks every 4 s: it says the server is gone, or, when Voilà came back before
        # its next question (the supervisor restarts it at once), straight away that it is back.
        banner = page.locator("#hoctap-connection")
        banner.wait_for(state="visible", timeout=30_000)
        told = time.monotonic() - killed
        assert banner.inner_text().startswith(("Mất kết nối với máy chủ", "Máy chủ đã chạy lại"))
        page.get_by_text("Máy chủ đã chạy lại").wait_for(timeout=120_000)
        print(f"Voilà killed: the page said so after {told:.1f} s, "
              f"and that it was back after {time.monotonic() - killed:.1f} s")  # fmt: skip
        assert "Đang khởi động lại Voilà (lần 1/" in platform.output
        enter()
        page.get_by_text("Đã mở lại bài đang làm").wait_for()
        checked = page.locator(".widget-radio-box input:checked")
        assert checked.count() == 1
        assert page.locator(".widget-radio-box label").first.inner_text() == chosen

        page.get_by_role("button", name="Câu sau →").click()
        page.get_by_text("Câu 2/3").wait_for()
        page.locator(".widget-radio-box label").first.click()
        page.get_by_text("Đã lưu câu trả lời").wait_for()
        page.get_by_role("button", name="Nộp bài").click()
        page.get_by_text("Anh/chị chắc chắn nộp bài?").wait_for()
        page.get_by_role("button", name="Nộp bài").click()
        page.get_by_text("Đã nộp bài.").wait_for(timeout=30_000)
        text = page.inner_text("body")
        page.screenshot(path=str(tmp_path / "quiz.png"))
    assert "Điểm:" in text and "Traceback" not in text
    # The page never held the key: no question's explanation is in what the browser received.
    from hoctap.contest.catalog import find_contest

    loaded = find_contest(settings, "thi-trinh-duyet")
    explanations = [q.feedback for q in loaded.questions if q.feedback]
    assert explanations and not any(e in content for e in explanations)
    print(f"quiz kernel memory (MB): {memory}")
    assert memory and max(memory) < 400
    done = subprocess.run(
        [sys.executable, "-m", "hoctap", "contest", "results", "thi-trinh-duyet", "-f", "csv"],
        env=dict(os.environ, HOCTAP_HOME=str(home)),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "Nguyễn Văn An" in done.stdout
