"""Benchmark: `hoctap roster import` of a 2,000-row spreadsheet, as a whole process.

Goal (issue 2): under 5 s. Baseline in the same run: `pandas.read_excel` of the same file in a
fresh process, i.e. the cost of merely reading the spreadsheet. Prints medians and the ratio.

Three cases: the first import into a set-up data folder (database migrated, nbgrader's gradebook
made), the same file again, and the first import into a new, empty data folder, where the command
also migrates the database and creates nbgrader's gradebook.

    .venv/bin/python benchmarks/bench_roster_import.py [--rows 2000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from hoctap.demo.people import demo_rows
from hoctap.grading.gradebook import students
from hoctap.io.writers import write_records
from hoctap.people.roster import ROSTER_COLUMNS
from hoctap.people.units import open_province_database
from hoctap.settings import Settings

GOAL_SECONDS = 5.0
TCVN3 = str.maketrans({"ễ": "Ô", "ă": "¨", "ị": "Þ", "ư": "\xad", "ờ": "ê", "Đ": "§", "đ": "®"})


def messy_rows(units: list[object], count: int) -> list[list[object]]:
    """Rows as officials send them: prefixes, phone formats, NFD and TCVN3 cells, odd spacing."""
    rng = random.Random(7)
    rows = []
    for row in demo_rows(units, count, seed=99):  # type: ignore[arg-type]
        name, unit_code, phone = str(row["name"]), str(row["unit"]), str(row["phone"])
        unit = next(u for u in units if u.code == unit_code)  # type: ignore[attr-defined]
        style = rng.random()
        if style < 0.15:
            name = unicodedata.normalize("NFD", name)
        elif style < 0.25 and all(ch in TCVN3 or ord(ch) < 0x80 for ch in name):
            name = name.translate(TCVN3)
        elif style < 0.35:
            name = "  " + name.upper() + " "
        unit_text = rng.choice(
            [
                unit.name,
                f"UBND {unit.name.lower()}",
                unit.name.split(" ", 1)[-1] if unit.kind == "xa_phuong" else unit.name,
                unit.code,
            ]  # type: ignore[attr-defined]
        )
        phone = rng.choice(
            [
                phone,
                f"+84 {phone[1:4]} {phone[4:7]} {phone[7:]}",
                f"{phone[:4]}.{phone[4:7]}.{phone[7:]}",
            ]
        )
        rows.append([name, unit_text, row["role"], phone, "", "", row["consent"]])
    return rows


ROSTER_HEADER = [column.header for column in ROSTER_COLUMNS]


def write_roster(path: Path, rows: list[list[object]]) -> None:
    records = [dict(zip(ROSTER_HEADER, row, strict=True)) for row in rows]
    write_records(records, ROSTER_HEADER, "xlsx", path, "Danh sách học viên")


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hoctap-bench-"))
    try:
        # A set-up data folder (database migrated, units seeded, gradebook made by nbgrader).
        pristine = work / "pristine"
        settings = Settings.from_env({"HOCTAP_HOME": str(pristine)})
        db = open_province_database(settings)
        with db.session() as session:
            from sqlalchemy import select

            from hoctap.db.models import Unit

            units = [u for u in session.scalars(select(Unit)) if u.kind != "tinh"]
        db.close()
        students(settings)
        roster = work / "danh-sach-hoc-vien.xlsx"
        write_roster(roster, messy_rows(units, args.rows))

        python = sys.executable
        baseline_argv = [python, "-c", f"import pandas; pandas.read_excel({str(roster)!r})"]
        import_argv = [python, "-m", "hoctap", "roster", "import", str(roster)]
        baseline, fresh, again, new = [], [], [], []
        for run in range(args.runs):
            home = work / f"run-{run}"
            shutil.copytree(pristine, home)
            env = dict(os.environ, HOCTAP_HOME=str(home))
            baseline.append(timed(baseline_argv, env))
            fresh.append(timed(import_argv, env))  # creates every trainee
            again.append(timed(import_argv, env))  # the same file again: nothing changes
            empty = work / f"new-{run}"
            empty.mkdir()  # a new data folder: no database, no gradebook yet
            new.append(timed(import_argv, dict(os.environ, HOCTAP_HOME=str(empty))))
            if not (empty / "course" / "gradebook.db").is_file():
                raise SystemExit(f"no gradebook was made in {empty}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    median = statistics.median
    print(f"Máy: {platform.machine()}, {os.cpu_count()} lõi, Python {platform.python_version()}")
    print(f"Bảng tính: {args.rows} dòng; {args.runs} lần chạy, lấy trung vị (median).")
    print(f"  pandas.read_excel (cơ sở so sánh):  {median(baseline):6.2f} s")
    print(
        f"  hoctap roster import (lần đầu):     {median(fresh):6.2f} s"
        f"   = {median(fresh) / median(baseline):.2f} × pandas.read_excel"
    )
    print(
        f"  hoctap roster import (nhập lại):    {median(again):6.2f} s"
        f"   = {median(again) / median(baseline):.2f} × pandas.read_excel"
    )
    print(
        f"  hoctap roster import (thư mục dữ liệu mới, kể cả tạo sổ điểm): {median(new):6.2f} s"
        f"   = {median(new) / median(baseline):.2f} × pandas.read_excel"
    )
    cases = {"cơ sở": baseline, "lần đầu": fresh, "nhập lại": again, "thư mục mới": new}
    each = "; ".join(
        f"{label} {' '.join(f'{t:.2f}' for t in times)}" for label, times in cases.items()
    )
    print(f"  từng lần (s): {each}")
    ok = all(median(times) < GOAL_SECONDS for times in (fresh, again, new))
    print(f"Mục tiêu: dưới {GOAL_SECONDS:.0f} s: {'ĐẠT' if ok else 'KHÔNG ĐẠT'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
