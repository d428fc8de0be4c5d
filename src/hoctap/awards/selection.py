"""Which criteria score which units in a year: the texts in force by default, or one file by name.

By default each kind of unit is scored by the one criteria file that names the kind in
``unit_kinds`` and covers the year (``years``): the text in force for that kind. A file chosen by
name (``--criteria``) scores every unit. Either way the selection says, in one line per file,
which criteria produced a table and whether they simulate.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from hoctap.awards.criteria import Criteria, Indicator, criteria_folder, load_criteria
from hoctap.errors import HoctapError

DEFAULT = "mặc định"


@dataclass(frozen=True)
class Selection:
    period: int
    files: tuple[Criteria, ...]
    named: bool
    """True when one file was chosen by name for every unit."""
    unscored: tuple[str, ...] = ()
    """Kinds of unit no default file covers this year: left out of the table, and said so."""

    @property
    def name(self) -> str:
        """What a frozen ranking records: the file's name, or ``mặc định`` and the files used."""
        if self.named:
            return self.files[0].name
        return f"{DEFAULT}: " + ", ".join(c.name for c in self.files)

    @property
    def digest(self) -> str:
        """One hash for every file used: it changes when any of them does."""
        if len(self.files) == 1:
            return self.files[0].digest
        joined = "\n".join(f"{c.name}:{c.digest}" for c in self.files)
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()

    def for_kind(self, kind: str) -> Criteria | None:
        if self.named:
            return self.files[0]
        return next((c for c in self.files if kind in c.unit_kinds), None)

    def kinds_of(self, criteria: Criteria) -> tuple[str, ...] | None:
        """The kinds a file scores here; None: every kind."""
        return None if self.named else criteria.unit_kinds

    @property
    def indicators(self) -> list[Indicator]:
        """Every indicator of every file, each key once (the self-assessment sheet's columns)."""
        found: dict[str, Indicator] = {}
        for criteria in self.files:
            for indicator in criteria.indicators:
                found.setdefault(indicator.key, indicator)
        return list(found.values())

    @property
    def simulated(self) -> bool:
        return any(c.status != "van_ban" for c in self.files)

    def lines(self) -> list[str]:
        """One sentence per file: which kinds it scores, what it follows, whether it simulates,
        and the province's choices; what the leaderboard, the report and the CLI show."""
        from hoctap.people.units import KINDS

        out = []
        for criteria in self.files:
            kinds = self.kinds_of(criteria)
            who = "Mọi đơn vị" if kinds is None else "; ".join(KINDS.get(k, k) for k in kinds)
            line = f"{who}: {criteria.label}"
            if criteria.status_note:
                line += f". {criteria.status_note.rstrip('.')}"
            if criteria.choices:
                line += ". Lựa chọn của tỉnh: " + "; ".join(c.describe() for c in criteria.choices)
            out.append(line + f" (tệp {criteria.name}.yaml).")
        if self.unscored:
            out.append(
                f"Năm {self.period} chưa có bộ tiêu chí mặc định cho: "
                + "; ".join(KINDS.get(k, k) for k in self.unscored)
                + "; các đơn vị này không có trong bảng (chọn một bộ bằng --criteria TÊN)."
            )
        return out


def select_criteria(name: str | Path | None, period: int) -> Selection:
    """The criteria for a year: the named file for every unit, or the texts in force by kind."""
    if name:
        return Selection(period, (load_criteria(name),), True)
    from hoctap.awards.criteria import criteria_names
    from hoctap.people.units import KINDS

    folder = criteria_folder()
    every = [load_criteria(folder / f"{n}.yaml") for n in criteria_names(folder)]
    used: list[Criteria] = []
    missing: list[str] = []
    for kind in KINDS:
        if kind == "tinh":
            continue
        found = [c for c in every if kind in c.unit_kinds and c.covers(period)]
        if len(found) > 1:
            raise HoctapError(
                f"Năm {period}, loại đơn vị “{KINDS[kind]}” có hai bộ tiêu chí mặc định: "
                + ", ".join(c.name for c in found)
                + ".",
                "Sửa 'unit_kinds' hoặc 'years' trong các tệp ở grading/awards/ để mỗi loại "
                "đơn vị có một bộ cho mỗi năm.",
            )
        if not found:
            missing.append(kind)
        elif found[0] not in used:
            used.append(found[0])
    if not used:
        raise HoctapError(
            f"Năm {period} không có bộ tiêu chí mặc định cho loại đơn vị nào.",
            "Chọn một bộ bằng --criteria TÊN (các bộ có: "
            + ", ".join(c.name for c in every)
            + "), hoặc sửa 'years' của một tệp ở grading/awards/.",
        )
    return Selection(period, tuple(used), False, tuple(missing))
