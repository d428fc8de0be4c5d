"""Award criteria: groups of indicators with their points, one file each in ``grading/awards/``.

A file says what it is: a text's own criteria (``van_ban``), a simulation where no text covers a
kind of unit (``mo_phong``), or a province's own recognition (``tinh``); which document it
follows; which kinds of unit and which years it scores by default. Each indicator names what it
measures (something the platform computes, or a line of the unit's self-assessment sheet,
``self:KEY``), the rule that turns the value into points, and the document it comes from. A
province's documented choices (``choices``) may switch an indicator to a platform measure. A
file may build on another (``extends``), adding groups on top of its score. A config that does
not add up is refused, naming the key and the fix.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoctap.awards.levels import DEFAULT_LEVELS
from hoctap.awards.points import Linear, Rule, Steps, YesNo, most
from hoctap.errors import HoctapError
from hoctap.io.yamlfile import Problems, load_yaml

MEASURES = {
    "modules_completed": "tỷ lệ thành viên hoàn thành đủ các học phần trên hoctap (%)",
    "module_average": "điểm trung bình các học phần của thành viên (% điểm tối đa)",
    "contest_participation": "tỷ lệ thành viên dự thi tìm hiểu (%)",
    "contest_average": "điểm trung bình cuộc thi tìm hiểu của thành viên dự thi (% điểm tối đa)",
}
"""What the platform measures itself; ``self:KEY`` values come from the self-assessment sheet."""
SELF = "self:"
STATUSES = {
    "van_ban": "theo văn bản",
    "mo_phong": "mô phỏng",
    "tinh": "tiêu chí riêng của tỉnh",
}
"""What a criteria file is: a text's own criteria, a simulation, or the province's own award."""


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    measure: str
    """A key of MEASURES, or ``self:KEY`` for a line of the self-assessment sheet."""
    rule: Rule
    note: str
    """The document (and clause) the indicator comes from, or how the platform stands in for it."""
    chosen_by: str = ""
    """The key of the province's choice that switched ``measure`` to a platform measure."""
    aliases: tuple[str, ...] = ()
    """Other headers a self-assessment sheet may give the line (names of earlier versions)."""

    @property
    def points(self) -> float:
        return most(self.rule)

    @property
    def self_assessed(self) -> bool:
        return self.measure.startswith(SELF)


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    points: float
    note: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Choice:
    """A decision the criteria leave to the province, written in the file and shown with every
    table (e.g. whether hoctap's modules count as the state's mandatory training)."""

    key: str
    text: str
    value: bool
    note: str

    def describe(self) -> str:
        return f"{self.text}: {'có' if self.value else 'không'}"


@dataclass(frozen=True)
class Criteria:
    groups: tuple[Group, ...]
    levels: tuple[tuple[str, float], ...]
    digest: str
    """SHA-256 of the config's text: a frozen ranking records which criteria made it."""
    name: str = ""
    """The file's name without ``.yaml``: what ``--criteria`` takes."""
    title: str = ""
    basis: str = ""
    """The document (and article) the file follows."""
    status: str = "van_ban"
    """A key of STATUSES."""
    status_note: str = ""
    """Why the file simulates, or what the province's own award adds; shown with the table."""
    unit_kinds: tuple[str, ...] = ()
    """The kinds of unit this file scores by default (none: only when chosen by name)."""
    years: tuple[int | None, int | None] = (None, None)
    """First and last year the file scores by default (None: open)."""
    choices: tuple[Choice, ...] = ()
    total: float = 100.0

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def label(self) -> str:
        """One line naming the criteria, what they follow and, if so, that they simulate."""
        text = f"{self.title} ({self.status_label}"
        if self.basis:
            text += f"; căn cứ: {self.basis}"
        return text + ")"

    def covers(self, year: int) -> bool:
        first, last = self.years
        return (first is None or year >= first) and (last is None or year <= last)

    @property
    def indicators(self) -> list[Indicator]:
        return [i for g in self.groups for i in g.indicators]

    @property
    def self_keys(self) -> list[str]:
        """The self-assessment sheet's lines, in the config's order."""
        return [i.measure[len(SELF) :] for i in self.indicators if i.self_assessed]


def _rule(raw: object, where: str, problems: Problems) -> Rule | None:
    if not isinstance(raw, dict) or len(raw) != 1:
        problems.add(
            f"{where}.rule",
            "viết một trong {yes_no: 10}, "
            "{linear: {low: 0, high: 100, points: 10}}, {steps: [[50, 5], [80, 10]]}",
        )
        return None
    ((kind, spec),) = raw.items()
    try:
        if kind == "yes_no":
            return YesNo(float(spec))
        if kind == "linear":
            rule = Linear(float(spec["low"]), float(spec["high"]), float(spec["points"]))
            if rule.high <= rule.low:
                problems.add(f"{where}.rule.linear", "'high' phải lớn hơn 'low'")
            return rule
        if kind == "steps":
            steps = tuple((float(t), float(p)) for t, p in spec)
            if [t for t, _ in steps] != sorted(t for t, _ in steps) or not steps:
                problems.add(
                    f"{where}.rule.steps", "các mức phải tăng dần, ví dụ [[50, 5], [80, 10]]"
                )
            return Steps(steps)
    except (TypeError, KeyError, ValueError):
        problems.add(f"{where}.rule.{kind}", "giá trị không đọc được; xem grading/awards/README.md")
        return None
    problems.add(f"{where}.rule", f"không có kiểu '{kind}'; dùng yes_no, linear hoặc steps")
    return None


def _choices(raw: object, problems: Problems) -> tuple[Choice, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problems.add("choices", "viết mỗi lựa chọn là một bảng text, value, note")
        return ()
    found = []
    for key, spec in raw.items():
        where = f"choices.{key}"
        if not isinstance(spec, dict) or not isinstance(spec.get("value"), bool):
            problems.add(f"{where}.value", "ghi true (có) hoặc false (không)")
            continue
        if not str(spec.get("note", "")).strip():
            problems.add(f"{where}.note", "ghi ai quyết định lựa chọn này và căn cứ")
        found.append(
            Choice(str(key), str(spec.get("text", key)), spec["value"], str(spec.get("note", "")))
        )
    return tuple(found)


def _measure(
    raw: dict[str, Any], spot: str, choices: dict[str, Choice], problems: Problems
) -> tuple[str, str]:
    """The indicator's measure, after the province's choices; and the choice that decided it."""

    def known(measure: str, where: str) -> None:
        if measure not in MEASURES and not (measure.startswith(SELF) and len(measure) > len(SELF)):
            problems.add(
                where,
                f"'{measure}' không có; dùng một trong "
                + ", ".join(MEASURES)
                + ", hoặc self:TÊN cho một dòng của bảng tự đánh giá",
            )

    measure = str(raw.get("measure", "")).strip()
    known(measure, f"{spot}.measure")
    switch = raw.get("measure_if_chosen")
    if switch is None:
        return measure, ""
    if not isinstance(switch, dict) or len(switch) != 1:
        problems.add(f"{spot}.measure_if_chosen", "viết {tên_lựa_chọn: modules_completed}")
        return measure, ""
    ((choice, other),) = switch.items()
    known(str(other), f"{spot}.measure_if_chosen.{choice}")
    if choice not in choices:
        problems.add(
            f"{spot}.measure_if_chosen.{choice}",
            "không có lựa chọn này ở khóa 'choices' đầu tệp",
        )
        return measure, ""
    return (str(other), str(choice)) if choices[choice].value else (measure, str(choice))


def _years(raw: Any, problems: Problems) -> tuple[int | None, int | None]:
    if raw is None:
        return (None, None)
    try:
        first = None if raw.get("from") is None else int(raw["from"])
        last = None if raw.get("to") is None else int(raw["to"])
    except (AttributeError, TypeError, ValueError):
        problems.add("years", "viết {from: 2024} hoặc {from: 2020, to: 2023}")
        return (None, None)
    if first is not None and last is not None and last < first:
        problems.add("years", "'to' phải từ năm 'from' trở đi")
    return (first, last)


def parse_criteria(
    text: str,
    source: str = "grading/awards/tieu-chi.yaml",
    name: str = "",
    base: Criteria | None = None,
) -> Criteria:
    """The criteria from a file's text; HoctapError listing every problem otherwise.

    ``base`` is the file named by ``extends:``: its groups, choices and digest come first.
    """
    data: Any = load_yaml(text, source)
    problems = Problems(source, text, "Sửa tệp rồi chạy lại lệnh.")
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        raise HoctapError(f"{source} cần khóa 'groups:' (các nhóm tiêu chí).")
    status = str(data.get("status", "van_ban"))
    if status not in STATUSES:
        problems.add("status", "ghi một trong " + ", ".join(STATUSES))
    for key in ("title", "basis"):
        if not str(data.get(key, "")).strip():
            problems.add(key, "ghi tên bộ tiêu chí (title) và văn bản làm căn cứ (basis)")
    if status != "van_ban" and not str(data.get("status_note", "")).strip():
        problems.add("status_note", "ghi vì sao mô phỏng, hoặc tiêu chí riêng của tỉnh thêm gì")
    kinds = data.get("unit_kinds") or []
    if not isinstance(kinds, list):
        problems.add("unit_kinds", "viết danh sách loại đơn vị, ví dụ [so_nganh, doan_the]")
        kinds = []
    choices = {c.key: c for c in (base.choices if base else ())}
    for choice in _choices(data.get("choices"), problems):
        if choice.key in choices:
            problems.add(
                f"choices.{choice.key}",
                "lựa chọn này thuộc tệp được mở rộng (extends); sửa ở tệp đó",
            )
        choices[choice.key] = choice
    groups: list[Group] = list(base.groups) if base else []
    seen: set[str] = {i.key for g in groups for i in g.indicators}
    for g_index, raw_group in enumerate(data["groups"], start=1):
        where = f"groups[{g_index}]"
        if not isinstance(raw_group, dict):
            problems.add(f"{where}", "mỗi nhóm là một bảng key, name, points, indicators")
            continue
        indicators = []
        for i_index, raw in enumerate(raw_group.get("indicators") or [], start=1):
            spot = f"{where}.indicators[{i_index}]"
            if not isinstance(raw, dict):
                problems.add(f"{spot}", "mỗi chỉ số là một bảng key, name, measure, rule, note")
                continue
            key = str(raw.get("key", "")).strip()
            if not key or key in seen:
                problems.add(
                    f"{spot}.key", f"thiếu hoặc trùng ('{key}'); mỗi chỉ số một khóa riêng"
                )
            seen.add(key)
            measure, chosen_by = _measure(raw, spot, choices, problems)
            if not str(raw.get("note", "")).strip():
                problems.add(f"{spot}.note", "ghi văn bản làm căn cứ cho chỉ số")
            rule = _rule(raw.get("rule"), spot, problems)
            if rule is not None:
                indicators.append(
                    Indicator(
                        key,
                        str(raw.get("name", key)),
                        measure,
                        rule,
                        str(raw.get("note", "")),
                        chosen_by,
                        tuple(str(a) for a in raw.get("aliases") or ()),
                    )
                )
        try:
            points = float(raw_group["points"])
        except (KeyError, TypeError, ValueError):
            problems.add(f"{where}.points", "cần số điểm tối đa của nhóm")
            points = 0.0
        total = sum(i.points for i in indicators)
        if indicators and abs(total - points) > 1e-9:
            problems.add(
                where,
                f"các chỉ số cộng lại {total:g} điểm, không bằng {points:g} điểm của "
                "nhóm; sửa điểm của chỉ số hoặc của nhóm",
            )
        groups.append(
            Group(
                str(raw_group.get("key", f"nhom{g_index}")),
                str(raw_group.get("name", "")),
                points,
                str(raw_group.get("note", "")),
                tuple(indicators),
            )
        )
    try:
        most_points = float(data.get("total", 100))
    except (TypeError, ValueError):
        problems.add("total", "ghi tổng điểm tối đa, ví dụ 100")
        most_points = 100.0
    grand = sum(g.points for g in groups)
    if groups and abs(grand - most_points) > 1e-9:
        problems.add(
            "groups",
            f"các nhóm cộng lại {grand:g} điểm; tổng phải là {most_points:g} (khóa 'total')",
        )
    levels: tuple[tuple[str, float], ...] = base.levels if base else DEFAULT_LEVELS
    if "levels" in data:
        raw_levels = data["levels"]
        try:
            levels = tuple((str(k), float(v)) for k, v in raw_levels.items())
        except (AttributeError, TypeError, ValueError):
            problems.add("levels", "viết {Tốt: 85, Khá: 70, Trung bình: 50}")
        else:
            bounds = [b for _, b in levels]
            if bounds != sorted(bounds, reverse=True) or any(
                not 0 < b <= most_points for b in bounds
            ):
                problems.add(
                    "levels",
                    f"ngưỡng phải giảm dần và nằm trong 0–{most_points:g}, ví dụ "
                    "{Tốt: 85, Khá: 70, Trung bình: 50}",
                )
    years = _years(data.get("years"), problems)
    problems.raise_if_any()
    digest = hashlib.sha256(((base.digest if base else "") + text).encode("utf-8")).hexdigest()
    return Criteria(
        tuple(groups),
        levels,
        digest,
        name=name,
        title=str(data["title"]).strip(),
        basis=str(data["basis"]).strip(),
        status=status,
        status_note=" ".join(str(data.get("status_note", "")).split()),
        unit_kinds=tuple(str(k) for k in kinds),
        years=years,
        choices=tuple(choices.values()),
        total=most_points,
    )


FOLDER = ("grading", "awards")
"""Where the criteria files live, under the project (or ``HOCTAP_AWARDS``)."""


def criteria_folder() -> Path:
    import os

    from hoctap.settings import project_root

    if os.environ.get("HOCTAP_AWARDS"):
        return Path(os.environ["HOCTAP_AWARDS"])
    root = project_root()
    if root is None:
        raise HoctapError(
            "Không tìm thấy thư mục tiêu chí grading/awards/.",
            "Chạy lệnh trong thư mục dự án, hoặc đặt HOCTAP_AWARDS=THƯ_MỤC.",
        )
    return root.joinpath(*FOLDER)


def criteria_names(folder: Path | None = None) -> list[str]:
    """The criteria files' names (without ``.yaml``), sorted."""
    folder = folder or criteria_folder()
    return sorted(p.stem for p in folder.glob("*.yaml"))


def load_criteria(name: str | Path, _chain: tuple[str, ...] = ()) -> Criteria:
    """A criteria file, by name (``thong-tu-22-2020``, in ``grading/awards/``) or by path.

    The default for a year, one file per kind of unit, is ``selection.select_criteria``.
    """
    if isinstance(name, Path) or name.endswith(".yaml"):
        path = Path(name)
    else:
        path = criteria_folder() / f"{name}.yaml"
        if not path.is_file():
            raise HoctapError(
                f"Không có bộ tiêu chí '{name}'.",
                "Các bộ tiêu chí có: " + ", ".join(criteria_names()) + ".",
            )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise HoctapError(f"Không đọc được {path}: {error.strerror}.") from error
    base = None
    extends = _extends(text, str(path))
    if extends:
        if extends in _chain or extends == path.stem:
            raise HoctapError(f"{path}: 'extends: {extends}' vòng lại chính nó.")
        base = load_criteria(path.with_name(f"{extends}.yaml"), (*_chain, path.stem))
    return parse_criteria(text, str(path), path.stem, base)


def _extends(text: str, source: str) -> str:
    data = load_yaml(text, source)
    return str(data.get("extends", "") or "").strip() if isinstance(data, dict) else ""
