"""nbgrader's fetch, plus a record of who fetched what and when (nbgrader keeps none)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from nbgrader.exchange.default.fetch_assignment import ExchangeFetchAssignment
from nbgrader.utils import get_username

FETCHED = "fetched"


class RecordedFetch(ExchangeFetchAssignment):  # type: ignore[misc]
    """Fetch as nbgrader does, then record it: ``fetched/<student>+<module>+<time>``."""

    def copy_files(self) -> None:
        super().copy_files()
        student = self.coursedir.student_id
        if student in ("", "*"):
            student = get_username()
        folder = os.path.join(self.root, self.coursedir.course_id, FETCHED)
        try:
            os.makedirs(folder, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%S")
            record = os.path.join(folder, f"{student}+{self.coursedir.assignment_id}+{stamp}")
            open(record, "w").close()
        except OSError as exc:  # the fetch itself succeeded: never fail it for the record
            self.log.warning("Không ghi được nhật ký tải bài: %s", exc)
