"""The award criteria: groups of indicators with their points, read from ``grading/awards.yaml``.

Each indicator names what it measures (something the platform computes, or a line of the unit's
self-assessment sheet, ``self:KEY``), the rule that turns the value into points, and the document
it comes from. A config that does not add up is refused, naming the key and the fix.
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
    "modules_completed": "tỉ lệ thành viên hoàn thành đủ các học phần bắt buộc (%)",
    "module_average": "điểm trung bình các học phần của thành viên (% điểm tối đa)",
    "contest_participation": "tỉ lệ thành viên dự thi tìm hiểu (%)",
    "contest_average": "điểm trung bình cuộc thi tìm hiểu của thành viên dự thi (% điểm tối đa)",
}
"""What the platform measures itself; ``self:KEY`` values come from the self-assessment sheet."""
SELF = "self:"


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    measure: str
    """A key of MEASURES, or ``self:KEY`` for a line of the self-assessment sheet."""
    rule: Rule
    note: str
    """The document (and clause) the indicator comes from, or how the platform stands in for it."""

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
class Criteria:
    groups: tuple[Group, ...]
    levels: tuple[tuple[str, float], ...]
    digest: str
    """SHA-256 of the config's text: a frozen ranking records which criteria made it."""

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
        problems.add(
            f"{where}.rule.{kind}", "giá trị không đọc được; xem ví dụ trong grading/awards.yaml"
        )
        return None
    problems.add(f"{where}.rule", f"không có kiểu '{kind}'; dùng yes_no, linear hoặc steps")
    return None


def parse_criteria(text: str, source: str = "grading/awards.yaml") -> Criteria:
    """The criteria from the config's text; HoctapError listing every problem otherwise."""
    data: Any = load_yaml(text, source)
    problems = Problems(source, text, "Sửa tệp rồi chạy lại lệnh.")
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        raise HoctapError(f"{source} cần khóa 'groups:' (các nhóm tiêu chí).")
    groups: list[Group] = []
    seen: set[str] = set()
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
            measure = str(raw.get("measure", "")).strip()
            if measure not in MEASURES and not (
                measure.startswith(SELF) and len(measure) > len(SELF)
            ):
                problems.add(
                    f"{spot}.measure",
                    f"'{measure}' không có; dùng một trong "
                    + ", ".join(MEASURES)
                    + ", hoặc self:TÊN cho một dòng của bảng tự đánh giá",
                )
            if not str(raw.get("note", "")).strip():
                problems.add(f"{spot}.note", "ghi văn bản làm căn cứ cho chỉ số")
            rule = _rule(raw.get("rule"), spot, problems)
            if rule is not None:
                indicators.append(
                    Indicator(
                        key, str(raw.get("name", key)), measure, rule, str(raw.get("note", ""))
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
    grand = sum(g.points for g in groups)
    if groups and abs(grand - 100) > 1e-9:
        problems.add("groups", f"các nhóm cộng lại {grand:g} điểm; tổng phải là 100")
    levels: tuple[tuple[str, float], ...] = DEFAULT_LEVELS
    if "levels" in data:
        raw_levels = data["levels"]
        try:
            levels = tuple((str(k), float(v)) for k, v in raw_levels.items())
        except (AttributeError, TypeError, ValueError):
            problems.add("levels", "viết {Tốt: 85, Khá: 70, Trung bình: 50}")
        else:
            bounds = [b for _, b in levels]
            if bounds != sorted(bounds, reverse=True) or any(not 0 < b <= 100 for b in bounds):
                problems.add(
                    "levels",
                    "ngưỡng phải giảm dần và nằm trong 0–100, ví dụ "
                    "{Tốt: 85, Khá: 70, Trung bình: 50}",
                )
    problems.raise_if_any()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Criteria(tuple(groups), levels, digest)


def load_criteria(path: Path | None = None) -> Criteria:
    """The criteria of ``grading/awards.yaml`` (or another file)."""
    from hoctap.settings import project_root

    if path is None:
        root = project_root()
        if root is None:
            raise HoctapError("Không tìm thấy grading/awards.yaml.")
        path = root / "grading" / "awards.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise HoctapError(f"Không đọc được {path}: {error.strerror}.") from error
    return parse_criteria(text, str(path))
