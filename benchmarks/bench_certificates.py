"""Benchmark: 1,000 certificates issued and printed (issue 9: under 60 s).

What is timed is what `hoctap certificates` does after choosing the recipients: issue the 1,000
certificates in the database (serial numbers, verification codes), then write one PDF per
certificate and `tat-ca.pdf` with them all (fonts embedded, a QR code each).

Baseline, in the same run: ReportLab writing the same 1,000 pages' text, in the same embedded
font, into one PDF, with no QR code, no database and no file per certificate: the floor of
putting these words on paper with this library. The two alternate; medians of --runs.

    .venv/bin/python benchmarks/bench_certificates.py [--count 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

GOAL_SECONDS = 60.0


def recipients(db: object, count: int) -> object:
    """A batch of ``count`` generated (not real) people across the province's units."""
    from sqlalchemy import select

    from hoctap.db.models import Unit
    from hoctap.demo.people import demo_rows
    from hoctap.documents.certificate_records import Batch, Recipient

    with db.session() as session:  # type: ignore[attr-defined]
        units = list(session.scalars(select(Unit)))
        names = {u.code: u.name for u in units}
        rows = demo_rows(units, count)
    people = tuple(
        Recipient(
            holder=f"entrant:{index}",
            name=str(row["name"]),
            unit=names[str(row["unit"])],
            detail="87,5%",
            fields={"hoc_phan": "Dữ liệu và infographic", "diem": "87,5"},
        )
        for index, row in enumerate(rows)
    )
    return Batch("module", "hp4-du-lieu-infographic", "Dữ liệu và infographic", people)


def ours(db: object, batch: object, settings: object, folder: Path) -> tuple[float, int]:
    from hoctap.documents.certificate_pdf import render_certificates
    from hoctap.documents.certificates import issue

    start = time.perf_counter()
    issued = issue(db, batch, settings, datetime.now(UTC))  # type: ignore[arg-type]
    files = render_certificates(issued, settings, folder)  # type: ignore[arg-type]
    return time.perf_counter() - start, len(files)


def baseline(batch: object, folder: Path) -> float:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from hoctap.documents.fonts import BOLD, REGULAR, register_pdf_fonts

    register_pdf_fonts()
    start = time.perf_counter()
    canvas = Canvas(str(folder / "baseline.pdf"), pagesize=landscape(A4))
    for person in batch.recipients:  # type: ignore[attr-defined]
        canvas.setFont(BOLD, 34)
        canvas.drawCentredString(421, 420, "GIẤY CHỨNG NHẬN")
        canvas.setFont(BOLD, 26)
        canvas.drawCentredString(421, 320, person.name)
        canvas.setFont(REGULAR, 14)
        canvas.drawCentredString(421, 290, f"Đơn vị: {person.unit}")
        canvas.drawCentredString(421, 270, "Đã hoàn thành học phần “Dữ liệu và infographic”")
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hoctap-bench-certificates-"))
    os.environ["HOCTAP_HOME"] = str(work / "home")
    os.environ.pop("HOCTAP_DB_URL", None)
    try:
        from hoctap.db.models import Certificate
        from hoctap.documents.config import load_documents
        from hoctap.people.units import open_province_database

        settings = load_documents()
        db = open_province_database()
        batch = recipients(db, args.count)
        ours_times, base_times = [], []
        for run in range(args.runs):
            with db.session() as session:  # every run issues new certificates
                session.query(Certificate).delete()
            folder = work / f"run-{run}"
            seconds, files = ours(db, batch, settings, folder)
            assert files == args.count + 1, files
            ours_times.append(seconds)
            base_times.append(baseline(batch, work))
            shutil.rmtree(folder)
            print(f"run {run + 1}: {seconds:.1f} s (baseline {base_times[-1]:.1f} s)")
        db.close()
        median, base = statistics.median(ours_times), statistics.median(base_times)
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}"
        )
        print(
            f"{args.count} certificates issued and printed (one PDF each + tat-ca.pdf): median "
            f"{median:.1f} s ({1000 * median / args.count:.0f} ms each); baseline (the text "
            f"alone, one PDF): {base:.1f} s; ratio {median / base:.1f}x"
        )
        goal = GOAL_SECONDS * args.count / 1000
        verdict = "PASS" if median < goal else "FAIL"
        print(f"goal: under {goal:.0f} s: {verdict}")
        return 0 if verdict == "PASS" else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
