"""Workbooks and CSV files written as the tests' input, and a workbook as LibreOffice reads it."""

from __future__ import annotations

import csv
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from hoctap.people.roster import ROSTER_COLUMNS

from .servers import require

ROSTER_HEADER = [column.header for column in ROSTER_COLUMNS]
SELF_ASSESSMENT_HEADER = [
    "Đơn vị",
    "Năm",
    "Có chủ trương hoặc kế hoạch cho thành viên học tập thường xuyên",
    "Có quy định động viên, khuyến khích thành viên học tập",
    "Đầu tư nguồn lực cho học tập (đơn vị tự chấm 0-10)",
    "Thành viên có kế hoạch tự học, tự bồi dưỡng được phê duyệt (%)",
    'Thành viên đáp ứng năng lực, phẩm chất "Công dân học tập" (%)',
]
"""A unit's self-assessment sheet, as the units fill it in."""


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    header: Sequence[str] = ROSTER_HEADER,
    title: str | None = None,
    sheet: str = "Danh sách",
) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    if title:
        worksheet.append([title])
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    header: Sequence[str] = ROSTER_HEADER,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def libreoffice_csv(path: Path, folder: Path) -> str:
    """The workbook as LibreOffice Calc reads it, saved as UTF-8 CSV."""
    soffice = shutil.which("soffice")
    require(soffice is not None, "LibreOffice Calc (Debian package libreoffice-calc-nogui)")
    assert soffice is not None
    out = folder / "libreoffice"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out),
         str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return (out / f"{path.stem}.csv").read_text(encoding="utf-8")
