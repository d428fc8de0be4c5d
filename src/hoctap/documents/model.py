"""An official document as plain data: header, numbered sections of paragraphs, tables and
charts, then the recipients and the signature. ``pdf`` and ``xlsx`` render the same object, so
the two files always say the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["text", "int", "decimal"]


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False
    """A smaller, italic note (sources, how a figure was measured)."""


@dataclass(frozen=True)
class Column:
    title: str
    group: str = ""
    """Columns side by side with the same group share a merged title cell above theirs."""
    kind: ColumnKind = "text"
    width: float = 1.0
    """Relative width."""


@dataclass(frozen=True)
class Band:
    """A row across the whole table: the name of the rows below it ("Xã, phường")."""

    label: str


Cell = str | int | float | None
Row = tuple[Cell, ...] | Band


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total: tuple[Cell, ...] | None = None
    """A last row in bold ("Toàn tỉnh"), when the columns add up."""
    note: str = ""

    @property
    def grouped(self) -> bool:
        return any(c.group for c in self.columns)


@dataclass(frozen=True)
class Chart:
    title: str
    kind: Literal["bars", "histogram"]
    labels: tuple[str, ...]
    values: tuple[float, ...]
    source: str
    unit: str = "%"
    axis: str = ""


Block = Paragraph | Table | Chart


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class DataSheet:
    """A wide table for the spreadsheet only (one row per unit and module, ...)."""

    title: str
    columns: tuple[str, ...]
    records: tuple[dict[str, object], ...]


@dataclass(frozen=True)
class Document:
    parent: str
    issuer: str
    number: str
    date_line: str
    title: str
    subject: str
    sections: tuple[Section, ...]
    recipients: tuple[str, ...]
    signer_title: tuple[str, ...]
    signer_name: str
    opening: str = ""
    data_sheets: tuple[DataSheet, ...] = field(default=())

    def text_lines(self) -> list[str]:
        """Every line of text in reading order (for a quick check, or a plain-text export)."""
        lines = [self.parent, self.issuer, self.number, self.date_line, self.title, self.subject]
        lines.append(self.opening)
        for section in self.sections:
            lines.append(section.title)
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    lines.append(block.text)
                elif isinstance(block, Table | Chart):
                    lines.append(block.title)
        return [line for line in lines if line]
