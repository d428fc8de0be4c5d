"""What a trainee does in JupyterLab's Vietnamese UI, step by step, for the browser tests."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

Url = Callable[[str], str]
"""Turns a JupyterLab path ("/lab", "/lab/tree/...") into the address to open."""


def open_assignment_list(page: Any, url: Url) -> Any:
    """Nbgrader → Assignment List, on a fresh JupyterLab page; returns the list's panel."""
    page.goto(url("/lab"), wait_until="domcontentloaded")
    menubar = page.locator("#jp-menu-panel")
    menubar.get_by_text("Tệp", exact=True).wait_for(timeout=120_000)  # the Vietnamese UI
    menubar.get_by_text("Nbgrader", exact=True).click(timeout=90_000)
    page.locator(".lm-Menu").get_by_text("Assignment List", exact=True).click()
    return page.locator("#nbgrader-assignment-list")


def fetch(page: Any, url: Url, module: str) -> None:
    assignments = open_assignment_list(page, url)
    assignments.get_by_role("button", name="Fetch", exact=True).click(timeout=60_000)
    assignments.get_by_text(module, exact=True).last.wait_for(timeout=60_000)


def open_and_run_all(page: Any, url: Url, module: str) -> None:
    """Open the fetched module's notebook and run every cell, once its kernel is ready."""
    page.goto(url(f"/lab/tree/{module}/{module}.ipynb"), wait_until="domcontentloaded")
    # "Run All Cells" before the kernel is up does nothing: wait for it, as a person would.
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
    page.locator("#jp-menu-panel").get_by_text("Chạy", exact=True).click(timeout=90_000)
    # The language pack leaves "Run All Cells" untranslated; accept either.
    page.locator(".lm-Menu").get_by_text(re.compile(r"^(Run All Cells|Chạy tất cả các ô)$")).click()


def choose(page: Any, answer: str, nth: int = 0) -> None:
    """Click an answer of a knowledge check and wait until the page says it is saved.

    ``nth``: which of the options with this text, when several questions offer it.
    """
    saved = page.get_by_text(f"Đã lưu lựa chọn: {answer}")
    before = saved.count()
    page.get_by_label(answer, exact=True).nth(nth).check(timeout=120_000)
    saved.nth(before).wait_for(timeout=30_000)


def answer_key(source: Path) -> list[tuple[str, int]]:
    """The right option of each multiple-choice check in a module's source notebook, in order,
    with how many earlier checks offer the same text (for ``choose``'s ``nth``)."""
    cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
    seen: list[str] = []
    key: list[tuple[str, int]] = []
    for cell in cells:
        text = "".join(cell["source"])
        chosen = re.search(r"### BEGIN ANSWER KEY\n\w+\.select\((\d+)\)", text)
        if cell["cell_type"] != "code" or "choice(" not in text or not chosen:
            continue
        call = ast.parse(text).body[0].value  # type: ignore[attr-defined]
        options = [ast.literal_eval(element) for element in call.args[2].elts]
        right = options[int(chosen.group(1))]
        key.append((right, seen.count(right)))
        seen.extend(options)
    return key


def submit(page: Any, url: Url, module: str) -> None:
    assignments = open_assignment_list(page, url)
    assignments.get_by_role("button", name="Submit", exact=True).first.click(timeout=60_000)
    assignments.locator("#submitted_assignments_list").get_by_text(module).first.wait_for(
        timeout=60_000
    )
