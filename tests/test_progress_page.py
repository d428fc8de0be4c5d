"""The trainers' progress page: by unit, who has not submitted, the spread of scores."""

from __future__ import annotations

from hoctap.apps.progress import progress_html
from hoctap.grading.course import TraineeStatus


def record(code: str, name: str, unit: str, submitted: bool, score: float | None) -> TraineeStatus:
    return TraineeStatus(
        code=code, name=name, unit_code=unit, unit_name=f"Xã {unit}",
        fetched=True, submitted=submitted, graded=score is not None,
        score=score, max_score=10.0 if score is not None else None,
        passed=bool(score and score >= 5), has_feedback=False, needs_manual=False,
    )  # fmt: skip


def test_progress_by_unit_and_who_has_not_submitted() -> None:
    records = [
        record("hv1", "Nguyễn Văn An", "A", True, 8.0),
        record("hv2", "Trần Thị Bình", "A", False, None),
        record("hv3", "Lê Văn Cường", "A", False, None),
        record("hv4", "Hoàng Thị Dung", "B", True, 3.0),
    ]
    page = progress_html(records, {"hv2": True}, "A")
    assert "Xã A" in page and "Xã B" in page
    assert "Chưa nộp bài (2)" in page
    assert "Trần Thị Bình" in page and "hv3" in page and "Lê Văn Cường" not in page  # consent
    assert "Phân bố điểm (2 bài đã chấm)" in page


def test_the_page_builds_on_a_fresh_data_folder() -> None:
    import ipywidgets as widgets

    from hoctap.apps.progress import build

    page = build()
    assert isinstance(page, widgets.VBox)
    assert "Tiến độ học phần" in page.children[0].value
