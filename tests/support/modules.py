"""Read a module's source notebook for tests: its model answers, solutions and points."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COURSES = Path(__file__).resolve().parents[2] / "courses"
MODULES = sorted(p.name for p in COURSES.iterdir() if (p / f"{p.name}.ipynb").is_file())
_KEY_CALL = re.compile(r"^(\w+)\.(select|set)\((.*)\)$", re.S)


def load(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def nbgrader_meta(cell: dict[str, Any]) -> dict[str, Any]:
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def source(cell: dict[str, Any]) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else str(text)


def _region(text: str, begin: str, end: str) -> str:
    lines, inside, kept = text.split("\n"), False, []
    for line in lines:
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            kept.append(line)
    return "\n".join(kept)


@dataclass
class ModuleSpec:
    """What the tests need to know about one module's source notebook."""

    id: str
    answers: dict[str, Any] = field(default_factory=dict)
    """Model answers from the ANSWER KEY regions: question key -> option index or text."""
    solutions: dict[str, str] = field(default_factory=dict)
    """Code solution cells, as a trainee who gets everything right would write them."""
    model_texts: list[str] = field(default_factory=list)
    test_points: dict[str, float] = field(default_factory=dict)
    """Auto-graded test cells: grade id -> points."""
    manual_points: float = 0.0
    rubric_lines: list[str] = field(default_factory=list)

    @property
    def auto_points(self) -> float:
        return sum(self.test_points.values())

    def points_depending_on(self, keys: set[str]) -> float:
        """Points of the test cells that grade these answers (``<key>-...`` grade ids)."""
        return sum(p for gid, p in self.test_points.items() if gid.split("-")[0] in keys)


def read_module(module: str) -> ModuleSpec:
    notebook = load(COURSES / module / f"{module}.ipynb")
    spec = ModuleSpec(module)
    for cell in notebook["cells"]:
        meta, text = nbgrader_meta(cell), source(cell)
        if "BEGIN ANSWER KEY" in text:
            call = _region(text, "BEGIN ANSWER KEY", "END ANSWER KEY").strip()
            match = _KEY_CALL.match(call)
            assert match, f"{module}: unreadable answer key {call!r}"
            value = ast.literal_eval(match.group(3))
            spec.answers[match.group(1)] = value
            if isinstance(value, str):
                spec.model_texts.append(value)
        if cell["cell_type"] == "code" and meta.get("solution"):
            spec.solutions[meta["grade_id"]] = _region(text, "BEGIN SOLUTION", "END SOLUTION")
        if meta.get("grade") and not meta.get("solution") and cell["cell_type"] == "code":
            spec.test_points[meta["grade_id"]] = float(meta["points"])
        if meta.get("grade") and meta.get("solution") and cell["cell_type"] == "markdown":
            spec.manual_points += float(meta["points"])
        if "BEGIN MARK SCHEME" in text:
            rubric = _region(text, "BEGIN MARK SCHEME", "END MARK SCHEME")
            spec.rubric_lines += [line for line in rubric.splitlines() if line.strip()]
    return spec
