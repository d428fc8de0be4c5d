"""nbgrader's late-submission plugin, applying grading/policy.yaml."""

from __future__ import annotations

from nbgrader.plugins import LateSubmissionPlugin

from hoctap.grading.policy import load_policy


class LatePenalty(LateSubmissionPlugin):  # type: ignore[misc]
    """A share of a late notebook's score per started day late, capped (see grading/policy.yaml)."""

    def late_submission_penalty(
        self, student_id: str, score: float, total_seconds_late: float
    ) -> float:
        return load_policy().late.penalty(score, total_seconds_late)
