"""hoctap's additions to nbgrader's configuration; grading/nbgrader_config.py applies them."""

from __future__ import annotations

from typing import Any


def configure(c: Any) -> None:
    """Put hoctap's steps into nbgrader's pipelines, keeping nbgrader's own order around them."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions, GetGrades

    from hoctap.grading.preprocessors import ClearAnswerKeys, SimplifyTestErrors

    # Keys go before ClearSolutions: SaveCells (later) then stores the locked cells without them,
    # and autograding restores cells from what SaveCells stored.
    steps = list(GenerateAssignment.class_traits()["preprocessors"].default())
    steps.insert(steps.index(ClearSolutions), ClearAnswerKeys)
    c.GenerateAssignment.preprocessors = steps
    # Rubrics ("BEGIN MARK SCHEME") sit in the locked instruction cell above each written answer.
    c.ClearMarkScheme.enforce_metadata = False

    # Feedback: grades, then no hidden tests, no rubric, and failed checks as their message only.
    c.GenerateFeedback.preprocessors = [
        GetGrades,
        ClearHiddenTests,
        ClearMarkScheme,
        SimplifyTestErrors,
        CSSHTMLHeaderPreprocessor,
    ]
    c.AssignLatePenalties.plugin_class = "hoctap.grading.late.LatePenalty"
    c.ExchangeFactory.fetch_assignment = "hoctap.grading.exchange.RecordedFetch"
