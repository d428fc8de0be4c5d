"""Benchmark: `hoctap contest rank-forms` on a 100,000-row, 20-question Google Forms export.

Goal (issue 5): as a whole process, at most 3x the time of a bare
`python -c "import pandas; pandas.read_csv(FILE)"` on the same file, measured in the same run, and
peak memory under 1 GB. The two commands alternate, so both see the same noise; medians.

    .venv/bin/python benchmarks/bench_rank_forms.py [--rows 100000] [--questions 20] [--runs 5]
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import hoctap
from hoctap.demo.forms import sample_forms

GOAL_RATIO = 3.0
GOAL_PEAK_MB = 1024


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    out, err = process.communicate()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{out.decode()}\n{err.decode()}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hoctap-bench-forms-"))
    try:
        responses, key = work / "cau-tra-loi.csv", work / "dap-an.csv"
        sample_forms(responses, key, rows=args.rows, questions=args.questions)
        # A normal install has its bytecode compiled; this machine sets PYTHONDONTWRITEBYTECODE,
        # which would make every run compile hoctap's modules again.
        compileall.compile_dir(str(Path(hoctap.__file__).parent), quiet=1)
        python = sys.executable
        baseline_argv = [python, "-c", f"import pandas; pandas.read_csv({str(responses)!r})"]
        rank_argv = [
            python,
            "-m",
            "hoctap",
            "contest",
            "rank-forms",
            str(responses),
            "--key",
            str(key),
            "--format",
            "csv",
            "--output",
            str(work / "xep-hang.csv"),
        ]
        # The pipe holds the summary, so a slow pipe reader does not count against hoctap.
        timed(baseline_argv)  # warm the page cache for both
        baseline, ranking, peaks = [], [], []
        for _ in range(args.runs):
            baseline.append(timed(baseline_argv)[0])
            seconds, peak = timed(rank_argv)
            ranking.append(seconds)
            peaks.append(peak)
        size_mb = responses.stat().st_size / 1e6
    finally:
        shutil.rmtree(work, ignore_errors=True)

    median = statistics.median
    ratio = median(ranking) / median(baseline)
    print(f"Máy: {platform.machine()}, {os.cpu_count()} lõi, Python {platform.python_version()}")
    print(
        f"Tệp trả lời: {args.rows} dòng, {args.questions} câu, {size_mb:.0f} MB; "
        f"{args.runs} lần chạy, lấy trung vị (median)."
    )
    print(f"  pandas.read_csv (cơ sở so sánh):   {median(baseline):6.2f} s")
    print(f"  hoctap contest rank-forms:         {median(ranking):6.2f} s   = {ratio:.2f} ×")
    print(f"  bộ nhớ đỉnh của rank-forms:        {max(peaks):6.0f} MB")
    print("  các lần: " + ", ".join(f"{r / b:.2f}" for r, b in zip(ranking, baseline, strict=True)))
    ok = ratio <= GOAL_RATIO and max(peaks) < GOAL_PEAK_MB
    print(
        f"Mục tiêu: ≤ {GOAL_RATIO:.0f} × pandas.read_csv, dưới {GOAL_PEAK_MB} MB: "
        f"{'ĐẠT' if ok else 'KHÔNG ĐẠT'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
