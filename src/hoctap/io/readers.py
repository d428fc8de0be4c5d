"""Read spreadsheets (.xlsx, .csv) into rows keyed by column, matching headers tolerantly.

One reader per file type, registered in ``READERS``. Each yields (row number, cells) with the row
numbers a person sees in Excel or LibreOffice, so error messages can point at them.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hoctap.errors import HoctapError
from hoctap.text import fold, legacy, normalize
from hoctap.text.legacy import Encoding

RawRows = Iterator[tuple[int, list[object]]]
# How many rows from the top may hold a title before the header row.
_HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    """A column an importer understands: its key, its Vietnamese header, other accepted headers."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def matches(self, header: str) -> bool:
        wanted = {_header_key(h) for h in (self.header, *self.aliases)}
        return _header_key(header) in wanted


def _header_key(header: object) -> str:
    """Header comparison ignores case, diacritics, spaces and punctuation."""
    return fold(header).replace(" ", "")


@dataclass
class Table:
    """The rows of one sheet, with each recognised column's header and position."""

    source: str
    headers: dict[str, str]
    """Column key -> the header as the file spells it."""
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    """(spreadsheet row number, {column key: raw cell value}) for every non-empty row."""
    encoding: Encoding = "unicode"
    """The legacy encoding most text cells were typed in, for tie-breaks in ``normalize``."""


def _read_xlsx(path: Path, sheet: str | None) -> RawRows:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise HoctapError(
            f"Không đọc được tệp Excel {path.name}: tệp hỏng hoặc không phải .xlsx.",
            "Mở tệp bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx.",
        ) from exc
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            names = ", ".join(f"'{n}'" for n in workbook.sheetnames)
            raise HoctapError(
                f"Tệp {path.name} không có trang tính '{sheet}'.",
                f"Các trang tính có trong tệp: {names}. Chọn một trang bằng --sheet.",
            )
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


def _valid_words(text: str) -> int:
    lines = text.splitlines()[:500]
    return sum(legacy.score(normalize(cell)) for line in lines for cell in line.split(","))


def decode_bytes(data: bytes) -> str:
    """A text file's bytes as text: UTF-8 (BOM or not), UTF-16, or the best 8-bit reading."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")  # Excel's "Unicode text" export
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # An 8-bit file. Excel on a Vietnamese Windows writes Windows-1258 (tone marks as separate
    # characters); TCVN3 and VNI text reads as Windows-1252 and is repaired cell by cell. The
    # reading with more valid Vietnamese words wins.
    readings = [
        data.decode("cp1252", errors="replace"),
        unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")),
    ]
    return max(readings, key=_valid_words)


def _read_csv(path: Path, sheet: str | None) -> RawRows:
    if sheet is not None:
        raise HoctapError(
            f"Tệp CSV {path.name} chỉ có một trang: bỏ tuỳ chọn --sheet.",
        )
    try:
        text = decode_bytes(path.read_bytes())
    except OSError as exc:
        raise HoctapError(f"Không đọc được tệp {path}: {exc.strerror}.") from exc
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    for number, values in enumerate(reader, start=1):
        yield number, list(values)


READERS: dict[str, Callable[[Path, str | None], RawRows]] = {
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".csv": _read_csv,
    ".txt": _read_csv,
    ".tsv": _read_csv,
}


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _dominant_encoding(rows: Sequence[tuple[int, dict[str, object]]]) -> Encoding:
    """The legacy encoding the file is clearly typed in, or Unicode.

    Clearly: more cells read unambiguously in it than cells holding letters only Unicode has.
    Ambiguous cells ("Ma Thò Lan") then follow the file; in a Unicode file they stay as typed.
    """
    counts: dict[Encoding, int] = {}
    unicode_cells = 0
    for _, cells in rows:
        for value in cells.values():
            if not isinstance(value, str):
                continue
            if legacy.has_unicode_vietnamese(value):
                unicode_cells += 1
                continue
            found = legacy.detect(value)
            if found != "unicode":
                counts[found] = counts.get(found, 0) + 1
    if not counts:
        return "unicode"
    best = max(counts, key=lambda enc: counts[enc])
    return best if counts[best] > unicode_cells else "unicode"


def read_table(path: Path, columns: Sequence[Column], sheet: str | None = None) -> Table:
    """Read a spreadsheet's rows for the given columns; unknown columns are ignored.

    The header is the first of the top rows that holds every required column (a title row above
    it is allowed). Raises HoctapError with one clear message for an unreadable file, a missing
    sheet, or missing required columns.
    """
    path = Path(path)
    if not path.is_file():
        raise HoctapError(f"Không tìm thấy tệp {path}.", "Kiểm tra lại đường dẫn tới tệp.")
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        known = ", ".join(sorted(READERS))
        hint = f"Các loại tệp đọc được: {known}."
        if suffix == ".xls":
            hint = "Tệp .xls (Excel 97-2003): mở bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx."
        raise HoctapError(f"Chưa đọc được tệp loại '{suffix or path.name}'.", hint)

    raw = reader(path, sheet)
    required = [c for c in columns if c.required]
    top: list[tuple[int, list[object]]] = []
    header_at: int | None = None
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for number, values in raw:
        top.append((number, values))
        found = {}
        for index, value in enumerate(values):
            if _is_blank(value):
                continue
            for column in columns:
                if column.key not in found and column.matches(str(value)):
                    found[column.key] = index
        if all(c.key in found for c in required):
            header_at = number
            positions = found
            headers = {key: str(values[index]).strip() for key, index in found.items()}
            break
        if len(top) >= _HEADER_SEARCH_ROWS:
            break
    if header_at is None:
        first = next((values for _, values in top if any(not _is_blank(v) for v in values)), [])
        seen = ", ".join(f"'{v}'" for v in first if not _is_blank(v)) or "(trống)"
        wanted = ", ".join(f"'{c.header}'" for c in required)
        raise HoctapError(
            f"Tệp {path.name} thiếu cột bắt buộc. Cần các cột: {wanted}. "
            f"Dòng tiêu đề đọc được: {seen}.",
            "Đặt tên cột đúng như trên ở dòng đầu (không phân biệt hoa thường, có dấu hay "
            "không dấu); nếu danh sách nằm ở trang tính khác, chọn trang bằng --sheet.",
        )

    table = Table(source=path.name, headers=headers)
    for number, values in raw:
        cells = {
            key: (values[index] if index < len(values) else None)
            for key, index in positions.items()
        }
        if all(_is_blank(v) for v in cells.values()):
            continue
        table.rows.append((number, cells))
    table.encoding = _dominant_encoding(table.rows)
    return table
