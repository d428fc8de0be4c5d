"""A whole CSV or XLSX sheet as a table of text cells: the reader of contest exports, answer keys
and rosters, whatever their encoding, separator or spreadsheet program."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from zipfile import BadZipFile

import numpy as np
import pandas as pd

from hoctap.errors import HoctapError


def _fail_read(path: object, error: Exception) -> HoctapError:
    return HoctapError(
        f"Không đọc được tệp {path}: {error or type(error).__name__}.",
        "Mở tệp bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx hoặc .csv (UTF-8). Tệp trả lời "
        "của Google Forms: Câu trả lời → Tải xuống câu trả lời (.csv).",
    )


def read_sheet(
    path: Path, categorical: Callable[[list[str]], list[str]] | None = None
) -> pd.DataFrame:
    """A CSV or XLSX sheet as text cells ('' when empty); times from XLSX stay datetimes.

    ``categorical`` picks, from a CSV's headers, the columns with few distinct values (answers,
    units) to read as categories: pandas then keeps each distinct text once.
    """
    path = Path(path)
    if not path.is_file():
        raise HoctapError(f"Không tìm thấy tệp {path}.", "Kiểm tra lại đường dẫn tới tệp.")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path)
        if suffix in (".csv", ".txt", ".tsv"):
            return _read_csv(path, categorical)
    except (OSError, ValueError, KeyError, BadZipFile, csv.Error) as error:
        raise _fail_read(path, error) from error
    raise HoctapError(
        f"Chưa đọc được tệp loại '{suffix or path.name}'.", "Dùng tệp .csv hoặc .xlsx."
    )


def _read_xlsx(path: Path) -> pd.DataFrame:
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    except InvalidFileException as error:
        raise _fail_read(path, error) from error
    for column in frame.columns:
        if not pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].map(cell_text)
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _read_csv(
    path: Path, categorical: Callable[[list[str]], list[str]] | None = None
) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=0)
        if frame.shape[1] > 1:
            chosen = categorical([str(c) for c in frame.columns]) if categorical else []
            types: dict[str, object] = {c: "category" for c in chosen}
            frame = pd.read_csv(
                path,
                dtype=defaultdict(lambda: str, types),
                keep_default_na=False,
                encoding="utf-8-sig",
            )
    except UnicodeDecodeError:  # not UTF-8: an 8-bit or UTF-16 file saved by Excel
        frame = None
    if frame is not None and (frame.shape[1] > 1 or not _other_separator(frame.columns)):
        return frame
    # A ';' or tab separated file (Excel in a Vietnamese locale), or one not in UTF-8.
    from io import StringIO

    from hoctap.io.readers import decode_bytes

    text = decode_bytes(path.read_bytes())
    first = text.split("\n", 1)[0]
    separator = ";" if first.count(";") > first.count("\t") else "\t" if "\t" in first else ","
    return pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, sep=separator)


def _other_separator(columns: pd.Index) -> bool:
    return len(columns) == 1 and any(c in str(columns[0]) for c in ";\t")


def cell_text(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value
    return str(value)
