"""A contest open now on a real `hoctap web` process, for the browser tests and benchmarks.

The data folder gets a small bank (one question of each kind a form shows: radio buttons, check
boxes, drop-down lists, a number) and a contest open from an hour ago, with people on its roster.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from hoctap.people.units import open_province_database
from hoctap.settings import ZONE, Settings

from .contests import person
from .servers import free_port

NAME = "thi-trinh-duyet"
BANK = """
title: Ngân hàng thử cho trình duyệt
questions:
  - name: tn-001
    type: single_choice
    category: Một lựa chọn
    points: 1
    text: Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030” được phê duyệt bằng văn bản nào?
    answers:
      - {text: Chỉ thị số 14/CT-TTg ngày 25/5/2021}
      - {text: Quyết định số 1373/QĐ-TTg ngày 30/7/2021, correct: true}
      - {text: Quyết định số 489/QĐ-TTg ngày 08/4/2020}
    source: Quyết định số 1373/QĐ-TTg
  - name: tn-002
    type: multiple_choice
    category: Nhiều lựa chọn
    points: 1
    text: Những hoạt động nào là học tập suốt đời? (chọn tất cả phương án đúng)
    answers:
      - {text: Đọc sách ở thư viện xã, fraction: 0.5}
      - {text: Học tin học trên mạng, fraction: 0.5}
      - {text: Không học gì sau khi đi làm, fraction: -1}
    source: Thử
  - name: tn-003
    type: matching
    category: Ghép đôi
    points: 1
    text: Ghép mỗi văn bản với nội dung của nó.
    answers:
      - {left: Quyết định số 1373/QĐ-TTg, right: Phê duyệt Đề án xây dựng xã hội học tập}
      - {left: Quyết định số 1307/QĐ-BTTTT, right: Ban hành Kế hoạch truyền thông về Đề án}
    source: Thử
  - name: tn-004
    type: numeric
    category: Số
    points: 1
    text: Đề án xây dựng xã hội học tập kéo dài đến năm nào?
    answers:
      - {value: 2030, tolerance: 0, correct: true}
    source: Thử
  - name: dd-001
    type: prediction
    category: Câu hỏi dự đoán
    points: 0
    text: Dự đoán có bao nhiêu người tham gia cuộc thi?
    source: Thể lệ cuộc thi
"""
CONTEST = """
title: Thi thử trên điện thoại
bank: trinh-duyet
types: [single_choice, multiple_choice, matching, numeric]
draw:
  - {category: Một lựa chọn, count: 1}
  - {category: Nhiều lựa chọn, count: 1}
  - {category: Ghép đôi, count: 1}
  - {category: Số, count: 1}
time_limit_minutes: 30
opens: OPENS
closes: CLOSES
attempts: 0
layout: one_per_screen
prediction: {question: dd-001, target: total}
participants: roster
"""
PEOPLE = 40
"""Trainees hv001 … hv040, phone ending in 1000 + their number (hv007: …1007)."""


def code(number: int) -> str:
    return f"hv{number:03d}"


def tail(number: int) -> str:
    return str(1000 + number)


def seed(home: Path, people: int = PEOPLE) -> Settings:
    """The data folder: the bank, the contest open now (on the server's clock), the people."""
    settings = Settings.from_env({"HOCTAP_HOME": str(home)})
    (home / "quizzes").mkdir(parents=True, exist_ok=True)
    (home / "quizzes" / "trinh-duyet.yaml").write_text(BANK, encoding="utf-8")
    now = datetime.now(ZONE)
    stamp = "%d/%m/%Y %H:%M"
    text = CONTEST.replace("OPENS", (now - timedelta(hours=1)).strftime(stamp))
    text = text.replace("CLOSES", (now + timedelta(hours=6)).strftime(stamp))
    (home / "contests").mkdir(parents=True, exist_ok=True)
    (home / "contests" / f"{NAME}.yaml").write_text(text, encoding="utf-8")
    db = open_province_database(settings)
    try:
        for number in range(1, people + 1):
            person(db, code(number), f"Nguyễn Văn Thử {number}", f"091234{tail(number)}")
    finally:
        db.close()
    return settings


def wait_healthy(url: str, process: subprocess.Popen[str] | None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "suc-khoe", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        if process is not None and process.poll() is not None:
            raise AssertionError(f"hoctap web exited early:\n{process.communicate()[0]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{url}suc-khoe did not answer within {timeout} s")
        time.sleep(0.2)


@contextmanager
def hoctap_web(home: Path) -> Iterator[str]:
    """`python -m hoctap web` on a free port over ``home``; yields its address (ends with /)."""
    port = free_port()
    env = dict(os.environ, HOCTAP_HOME=str(home))
    for name in ("HOCTAP_DB_URL", "HOCTAP_GRADEBOOK_URL"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "hoctap", "web", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
