"""The grading policy a province edits (grading/policy.yaml): modules, due dates, late penalty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from hoctap.errors import HoctapError
from hoctap.settings import ZONE, project_root


@dataclass(frozen=True)
class Module:
    """One training module (an nbgrader assignment)."""

    id: str
    """Folder name in courses/ and nbgrader assignment id."""
    title: str
    due: datetime | None
    """Due date, timezone-aware (Asia/Ho_Chi_Minh), or None for no due date."""
    pass_percent: float
    """Share of the points that counts as passing the module."""


@dataclass(frozen=True)
class LatePenalty:
    """Points taken off a late notebook: a share of its score per started day late, capped."""

    percent_per_day: float
    max_percent: float

    def penalty(self, score: float, seconds_late: float) -> float:
        if seconds_late <= 0 or score <= 0:
            return 0.0
        days = -(-seconds_late // 86400)
        return round(score * min(self.max_percent, days * self.percent_per_day) / 100, 2)


@dataclass(frozen=True)
class Policy:
    modules: dict[str, Module]
    late: LatePenalty


def policy_path() -> Path:
    root = project_root()
    if root is None:
        raise HoctapError("Không tìm thấy thư mục grading/ của hoctap.")
    return root / "grading" / "policy.yaml"


def _fail(path: Path, key: str, problem: str, fix: str) -> HoctapError:
    return HoctapError(f"{path.name}, mục '{key}': {problem}", fix)


def _number(raw: dict[str, Any], key: str, path: Path, low: float, high: float) -> float:
    value = raw.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise _fail(
            path, key, f"giá trị '{value}' không hợp lệ.", f"Ghi một số từ {low} đến {high}."
        )
    return float(value)


def parse_policy(raw: object, path: Path) -> Policy:
    """Validate the policy's plain data; errors name the file, the key and the fix."""
    if not isinstance(raw, dict):
        raise HoctapError(f"{path.name} không đúng dạng.", "Xem mẫu trong grading/policy.yaml.")
    late_raw = raw.get("late_penalty") or {}
    if not isinstance(late_raw, dict):
        raise _fail(path, "late_penalty", "phải là một nhóm khoá.", "Xem mẫu trong tệp.")
    late = LatePenalty(
        _number(late_raw, "percent_per_day", path, 0, 100),
        _number(late_raw, "max_percent", path, 0, 100),
    )
    modules_raw = raw.get("modules")
    if not isinstance(modules_raw, dict) or not modules_raw:
        raise _fail(
            path, "modules", "chưa có học phần nào.", "Liệt kê các học phần dưới 'modules:'."
        )
    modules: dict[str, Module] = {}
    for module_id, item in modules_raw.items():
        key = f"modules.{module_id}"
        if not isinstance(item, dict) or not str(item.get("title", "")).strip():
            raise _fail(path, key, "thiếu 'title'.", "Ghi tên học phần bằng tiếng Việt.")
        due = item.get("due")
        due_at: datetime | None = None
        if due is not None:
            try:
                due_at = (
                    due
                    if isinstance(due, datetime)
                    else datetime.strptime(str(due), "%Y-%m-%d %H:%M")
                )
            except ValueError:
                raise _fail(path, f"{key}.due", f"không đọc được ngày '{due}'.",
                            "Ghi theo dạng 2026-12-31 23:59 (giờ Việt Nam).") from None  # fmt: skip
            due_at = due_at.replace(tzinfo=ZONE) if due_at.tzinfo is None else due_at
        pass_percent = _number(
            {"pass_percent": item.get("pass_percent", 50)}, "pass_percent", path, 0, 100
        )
        modules[str(module_id)] = Module(str(module_id), str(item["title"]), due_at, pass_percent)
    return Policy(modules, late)


@cache
def load_policy(path: Path | None = None) -> Policy:
    from hoctap.io.yamlfile import load_yaml

    path = path or policy_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise HoctapError(f"Không đọc được {path}: {exc.strerror}.") from exc
    raw = load_yaml(text, path.name)
    return parse_policy(raw, path)


def utc_naive(moment: datetime) -> datetime:
    """nbgrader keeps times as naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None)
