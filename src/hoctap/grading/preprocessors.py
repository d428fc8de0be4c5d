"""Preprocessors hoctap adds to nbgrader's pipelines (see hoctap.grading.nbconfig for the order)."""

from __future__ import annotations

from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode


class ClearAnswerKeys(NbGraderPreprocessor):  # type: ignore[misc]
    """Remove "### BEGIN ANSWER KEY" ... "### END ANSWER KEY" regions, markers included.

    A module's source notebook sets its model answers there (``q1.select(2)``), so that it passes
    ``nbgrader validate``; unlike a solution region nothing replaces them, since the trainee
    answers by clicking, not by writing code.
    """

    begin_delimiter = Unicode("BEGIN ANSWER KEY", help="Marks the start of a key.").tag(config=True)
    end_delimiter = Unicode("END ANSWER KEY", help="Marks the end of a key.").tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        delimiters = (self.begin_delimiter, self.end_delimiter)
        if cell.cell_type != "code" or not any(d in cell.source for d in delimiters):
            return cell, resources
        kept: list[str] = []
        inside = False
        for line in cell.source.split("\n"):
            if self.begin_delimiter in line:
                if inside:
                    raise RuntimeError(f"Ô số {index}: '{self.begin_delimiter}' lồng nhau.")
                inside = True
            elif self.end_delimiter in line:
                if not inside:
                    raise RuntimeError(f"Ô số {index}: '{self.end_delimiter}' không có điểm đầu.")
                inside = False
            elif not inside:
                kept.append(line)
        if inside:
            raise RuntimeError(f"Ô số {index}: thiếu '{self.end_delimiter}'.")
        cell.source = "\n".join(kept).rstrip("\n")
        return cell, resources


class SimplifyTestErrors(NbGraderPreprocessor):  # type: ignore[misc]
    """In feedback, show a failed test cell as its message only.

    A traceback quotes the line that failed, which for a hidden test is the answer key
    (nbgrader issue #917). The message is the Vietnamese feedback the check was written with.
    """

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        if cell.cell_type != "code" or not (utils.is_grade(cell) and not utils.is_solution(cell)):
            return cell, resources
        outputs = []
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                message = output.get("evalue") or output.get("ename") or "Chưa đạt."
                output = NotebookNode(  # type: ignore[no-untyped-call]
                    output_type="stream", name="stderr", text=f"Chưa đạt: {message}\n"
                )
            outputs.append(output)
        cell.outputs = outputs
        return cell, resources
