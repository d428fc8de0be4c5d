"""Benchmark: ``hoctap grade`` against ``nbgrader autograde`` on the same submissions.

    .venv/bin/python benchmarks/bench_grade.py [--submissions 40] [--repeat 3] [--workers N]

Builds a plain nbgrader course (tests/support/gradecourse.py: two auto-graded functions with a
hidden test and a written answer) with N submissions: correct, partial, empty, tampered, wrong,
written, error, late, noisy, and one infinite loop stopped by the 5 s cell timeout. Each round
copies the course twice, grades one copy with ``nbgrader autograde`` and the other with
``hoctap grade``, each as a whole command (process start-up included), checks that the two
gradebooks hold exactly the same grades, and prints the times. Prints the medians and their
ratio at the end; exits non-zero if any round's grades differ.

nbgrader runs through ``python -m hoctap.grading.nbgrader_cli``: nbgrader's own command line,
started without jsonschema's 2 s IRI-grammar load, which only makes the baseline faster.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import gradecourse as gc  # noqa: E402


def timed(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        origin = Path(tmp) / "origin"
        gc.generate(origin, gc.source_notebook(), timeout=5)
        kinds = gc.add_submissions(origin, args.submissions, loops=1)
        counts = {k: list(kinds.values()).count(k) for k in sorted(set(kinds.values()))}
        print(f"{args.submissions} submissions: {counts}")
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
        nbgrader_times, hoctap_times = [], []
        for round_ in range(1, args.repeat + 1):
            a = gc.copy_course(origin, Path(tmp) / f"nbgrader-{round_}")
            b = gc.copy_course(origin, Path(tmp) / f"hoctap-{round_}")
            t_nbgrader = timed(
                [python, "-m", "hoctap.grading.nbgrader_cli", "autograde", gc.ASSIGNMENT], a
            )
            t_hoctap = timed(
                [python, "-m", "hoctap", "grade", gc.ASSIGNMENT, "--course-dir", str(b),
                 "--workers", str(args.workers)],
                b,
            )  # fmt: skip
            same = gc.scores(gc.sqlite_url(a)) == gc.scores(gc.sqlite_url(b))
            nbgrader_times.append(t_nbgrader)
            hoctap_times.append(t_hoctap)
            print(
                f"round {round_}: nbgrader autograde {t_nbgrader:.1f} s, hoctap grade "
                f"{t_hoctap:.1f} s, ratio {t_nbgrader / t_hoctap:.2f}, "
                f"grades {'identical' if same else 'DIFFERENT'}"
            )
            if not same:
                raise SystemExit("the two gradebooks differ")
        med_n, med_h = statistics.median(nbgrader_times), statistics.median(hoctap_times)
        per = args.submissions
        print(
            f"median: nbgrader autograde {med_n:.1f} s ({med_n / per:.2f} s per submission), "
            f"hoctap grade {med_h:.1f} s ({med_h / per:.2f} s per submission), "
            f"hoctap is {med_n / med_h:.2f}x faster ({args.workers} workers)"
        )


if __name__ == "__main__":
    main()
