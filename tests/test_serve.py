"""`hoctap serve` for real: JupyterLab in Vietnamese with nbgrader, Voilà, Ctrl-C stops both.

Slow: each test starts real servers; the browser tests drive Debian's Chromium.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from hoctap.demo.people import seed_demo
from hoctap.people.units import open_province_database
from hoctap.settings import Settings
from tests.support.platform import Platform, chromium, running

pytestmark = pytest.mark.slow


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, response.read().decode("utf-8")


@pytest.fixture(scope="module")
def platform(
    tmp_path_factory: pytest.TempPathFactory, sqlite_gradebook: Path
) -> Iterator[Platform]:
    """JupyterLab and Voilà on a data folder with a small demo."""
    home = tmp_path_factory.mktemp("platform") / "home"
    (home / "course").mkdir(parents=True)
    shutil.copyfile(sqlite_gradebook, home / "course" / "gradebook.db")
    settings = Settings.from_env({"HOCTAP_HOME": str(home)})
    db = open_province_database(settings)
    seed_demo(db, people=400)
    db.close()
    with running(home) as serving:
        yield serving


def test_both_answer_on_loopback(platform: Platform) -> None:
    status, body = get(platform.lab_url("/api/status"))
    assert status == 200 and "started" in json.loads(body)
    status, _ = get(platform.voila_url())
    assert status == 200
    assert f"http://127.0.0.1:{platform.lab_port}/lab?token=" in platform.output
    assert f"http://127.0.0.1:{platform.voila_port}/voila/render/overview.ipynb" in platform.output
    assert "mã (token)" in platform.output


def test_lab_defaults_to_vietnamese(platform: Platform) -> None:
    _, body = get(platform.lab_url("/lab/api/settings/@jupyterlab/translation-extension:plugin"))
    assert json.loads(body)["schema"]["properties"]["locale"]["default"] == "vi_VN"
    # No English "get Jupyter news?" prompt, and no request to the Internet for it.
    _, body = get(platform.lab_url("/lab/api/settings/@jupyterlab/apputils-extension:notification"))
    assert json.loads(body)["schema"]["properties"]["fetchNews"]["default"] == "false"


def test_nbgrader_extensions_are_on(platform: Platform) -> None:
    # The formgrader (nbgrader's server extension) answers for the course: no modules released yet.
    status, body = get(platform.lab_url("/formgrader/api/assignments"))
    assert status == 200
    assert json.loads(body) == []


@pytest.mark.browser
def test_lab_menus_are_in_vietnamese(platform: Platform, tmp_path: Path) -> None:
    with chromium() as browser:
        page = browser.new_page()
        page.goto(platform.lab_url(), wait_until="domcontentloaded")
        menubar = page.locator("#jp-menu-panel")
        menubar.get_by_text("Tệp", exact=True).wait_for(timeout=90_000)
        assert menubar.get_by_text("Trợ giúp", exact=True).is_visible()
        assert menubar.get_by_text("Nbgrader", exact=True).is_visible()
        page.screenshot(path=str(tmp_path / "lab.png"))


@pytest.mark.browser
def test_voila_overview_shows_units_without_personal_data(platform: Platform) -> None:
    with chromium() as browser:
        page = browser.new_page()
        page.goto(platform.voila_url(), wait_until="domcontentloaded")
        page.get_by_role("heading", name="Tổng quan hoctap").wait_for(timeout=90_000)
        text = page.inner_text("body")
    assert "Xã, phường" in text and "Sở, ngành" in text
    assert "dữ liệu mẫu" in text
    assert "400" in text
    assert "Traceback" not in text and "Error" not in text
    assert re.search(r"0[35789]\d{2}\D?\d{3}\D?\d{3}", text) is None  # no phone numbers


@pytest.mark.parametrize("flag", ["--no-lab", "--no-voila"])
def test_each_part_can_start_alone(home: Path, flag: str) -> None:
    with running(home, flag) as serving:
        lab, voila = listening(serving.lab_port), listening(serving.voila_port)
    assert (lab, voila) == ((False, True) if flag == "--no-lab" else (True, False))


def test_ctrl_c_stops_all_three_cleanly(home: Path) -> None:
    serving = Platform(home)
    serving.wait_ready()
    ports = (serving.lab_port, serving.voila_port, serving.web_port)
    assert all(listening(port) for port in ports)
    assert f"Cuộc thi    http://127.0.0.1:{serving.web_port}/" in serving.output
    ranking = requests.get(serving.web_url("cong-bo/thi-tim-hieu-mau"), timeout=30)
    assert ranking.status_code == 200 and "Kết quả:" in ranking.text
    verify = requests.get(serving.web_url("xac-minh"), timeout=30)
    assert verify.status_code == 200 and "Mã xác minh" in verify.text
    assert serving.stop() == 0
    assert "Đã dừng JupyterLab, Voilà và Trang thi." in serving.output
    assert not any(listening(port) for port in ports)
    assert "Traceback" not in serving.output
