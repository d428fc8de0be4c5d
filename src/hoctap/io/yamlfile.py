"""The YAML files a province edits (contests, banks, award criteria): read them, and say what is
wrong in one way everywhere: the file, the line, the key, and what to do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from hoctap.errors import HoctapError

# libyaml's safe loader when PyYAML has it: the same documents, several times faster (a quiz page
# reads its bank when it starts).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
SYNTAX_HINT = (
    "Kiểm tra thụt lề và dấu hai chấm ở dòng đó; giá trị có dấu hai chấm thì đặt trong ngoặc kép."
)


@dataclass(frozen=True)
class SyntaxProblem:
    """Where a YAML text stops being YAML."""

    line: int
    """1-based, as an editor shows it."""
    reason: str
    """PyYAML's own words for it ("could not find expected ':'")."""


def syntax_problem(error: yaml.YAMLError) -> SyntaxProblem:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    return SyntaxProblem(line, str(getattr(error, "problem", None) or error))


def parse_yaml(text: str) -> Any:
    """The document of a YAML text (a leading byte-order mark ignored); yaml.YAMLError if bad."""
    return yaml.load(text.lstrip("\ufeff"), Loader=_LOADER)


def compose_yaml(text: str) -> yaml.Node | None:
    """The text's tree of nodes (each knows its line), or None when the text is not YAML."""
    try:
        return yaml.compose(text.lstrip("\ufeff"), Loader=_LOADER)
    except yaml.YAMLError:
        return None


def load_yaml(text: str, label: str) -> Any:
    """The document of a YAML text; a syntax error is a HoctapError naming ``label`` and the line.

    ``label`` is how the message names the file ("Tệp cuộc thi thi-2026.yaml").
    """
    try:
        return parse_yaml(text)
    except yaml.YAMLError as error:
        problem = syntax_problem(error)
        raise HoctapError(
            f"{label} viết sai cú pháp YAML ở dòng {problem.line} ({problem.reason}).",
            SYNTAX_HINT,
        ) from None


def _path(key: str) -> list[str | int]:
    """ "groups[2].indicators[1].rule" -> ["groups", 1, "indicators", 0, "rule"] (1-based in)."""
    return [name if name else int(index) - 1 for name, index in _STEP.findall(key)]


def line_of(root: yaml.Node | None, key: str) -> int | None:
    """The line (1-based) where ``key`` (a dotted path, 1-based indexes) is written, if it is."""
    node, line = root, None
    for step in _path(key):
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            pair = next(((k, v) for k, v in node.value if k.value == step), None)
            if pair is None:
                return line
            node, line = pair[1], pair[0].start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if not 0 <= step < len(node.value):
                return line
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


class Problems:
    """What is wrong with a file's keys, gathered so that one message lists them all.

    Each reads "dòng N, KEY: what to do" (the line when the key is written in the file). Nothing
    is raised until ``raise_if_any``: a province fixes every mistake in one pass.
    """

    def __init__(self, label: str, text: str | None = None, hint: str = "") -> None:
        self.label = label
        self.hint = hint
        self.items: list[str] = []
        self._root = compose_yaml(text) if text else None

    def add(self, key: str, message: str) -> None:
        line = line_of(self._root, key) if key else None
        where = f"dòng {line}, {key}" if line is not None else key
        self.items.append(f"{where}: {message}" if where else message)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise HoctapError(
                f"{self.label} có {len(self.items)} lỗi: " + "; ".join(self.items) + ".",
                self.hint,
            )
