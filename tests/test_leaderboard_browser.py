"""The judges' leaderboard in Chromium: filter, open a unit, export to Excel and read it back.

Slow: it starts `hoctap serve --no-lab` (Voilà on 127.0.0.1) and drives Debian's Chromium.
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

from hoctap.awards.measures import this_year
from hoctap.awards.selection import select_criteria
from hoctap.awards.selfassessment import seed_demo_self_assessments
from hoctap.people.units import open_province_database
from hoctap.settings import Settings
from tests.support.platform import chromium, running
from tests.support.sheets import libreoffice_csv

pytestmark = [pytest.mark.slow, pytest.mark.browser]


VISIBLE_TABLE = "table.hoctap-ranking:visible"


def test_a_judge_filters_opens_a_unit_and_exports(home: Path, tmp_path: Path) -> None:
    import urllib.error

    from openpyxl import load_workbook

    db = open_province_database(Settings.from_env({"HOCTAP_HOME": str(home)}))
    seed_demo_self_assessments(db, select_criteria(None, this_year()), this_year())
    db.close()
    token = "judges-only-123"
    with running(home, "--no-lab", "--token", token) as platform, chromium() as browser:
        url = platform.voila_url("leaderboard.ipynb")
        # Without the token Voilà asks for it; the notebook's source is never served.
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener = urllib.request.build_opener(NoRedirect)
            opener.open(url, timeout=30)
        assert refused.value.code in (302, 403)
        base = f"http://127.0.0.1:{platform.voila_port}/voila"
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/files/leaderboard.ipynb?token={token}", timeout=30)
        listing = f"{base}/api/contents/leaderboard.ipynb?token={token}&content=1"
        with urllib.request.urlopen(listing, timeout=30) as response:
            assert json.load(response)["content"] is None  # its name only, never its cells
        page = browser.new_page(accept_downloads=True)
        page.goto(f"{url}?token={token}", wait_until="domcontentloaded")
        table = page.locator(VISIBLE_TABLE).first
        table.wait_for(timeout=90_000)
        assert "Sở Y tế" in table.inner_text()
        assert "from hoctap" not in page.content()  # no notebook source in the page
        page.locator("select").nth(1).select_option(label="Xã, phường")  # after the year
        page.wait_for_function(
            "() => [...document.querySelectorAll('table.hoctap-ranking')]"
            ".filter(t => t.offsetParent !== null).every(t => !t.innerText.includes('Sở Y tế'))"
        )
        rows = page.locator(VISIBLE_TABLE).first.locator("tbody tr")
        assert rows.count() == 56  # the communes only
        first_commune = rows.first.locator("td").nth(2).inner_text()
        details = page.locator("select").nth(4)  # after year, kind, level and criteria
        details.select_option(index=1)
        page.get_by_text("Cách tính").wait_for()
        assert first_commune in page.inner_text("body")
        body = page.inner_text("body")
        assert "Thông tư 22/2020/TT-BGDĐT" in body and "mô phỏng" in body  # what scored it
        page.get_by_role("button", name="Xuất Excel (bảng đang xem)").click()
        with page.expect_download() as download:
            page.get_by_text("Tải tệp").click()
        path = tmp_path / "xep-loai.xlsx"
        download.value.save_as(path)
        page.screenshot(path=str(tmp_path / "leaderboard.png"))
        # Leaving the page frees its kernel at once (not at the idle cull, 15 minutes later).
        page.goto("about:blank")
        log = home / "logs" / "voila.log"
        deadline = time.monotonic() + 30
        while "Kernel shutdown" not in log.read_text(encoding="utf-8", errors="replace"):
            assert time.monotonic() < deadline, "the page's kernel was not shut down"
            time.sleep(0.5)
    sheet = load_workbook(path).active
    assert sheet is not None
    kinds = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert kinds == {"Xã, phường"} and sheet.max_row == 57
    assert sheet.cell(row=1, column=5).value == "Xếp loại"

    # LibreOffice opens it with the Vietnamese text intact.
    text = libreoffice_csv(path, tmp_path)
    assert text.splitlines()[0].startswith("Mã đơn vị,Đơn vị,Loại đơn vị,Tổng điểm,Xếp loại")
    assert first_commune in text and "Xã, phường" in text


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None
