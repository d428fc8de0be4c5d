"""The demo's year of activity: real nbgrader releases, grades in the gradebook, contest attempts.

Slow: it releases the eight modules with nbgrader (one process, about ten seconds).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hoctap.awards.measures import _contest_shares, _gradebook_scores
from hoctap.awards.report import award_table
from hoctap.awards.selection import select_criteria
from hoctap.awards.selfassessment import seed_demo_self_assessments
from hoctap.db import Database
from hoctap.demo.activity import seed_demo_activity
from hoctap.demo.people import seed_demo
from hoctap.grading.course import gradebook_of, module_ids
from tests.support.awards import tt22

pytestmark = pytest.mark.slow

NOW = datetime(2026, 12, 20, 3, 0, tzinfo=UTC)


def test_demo_activity_is_real_gradebook_data_and_seeded_once(db: Database) -> None:
    seed_demo(db, people=600)
    seed_demo_self_assessments(db, tt22(), 2026)
    notes: list[str] = []
    first = seed_demo_activity(db, 2026, say=notes.append, now=NOW)
    assert first.modules_released == len(module_ids()) and notes  # progress was said
    assert first.submissions > 600 and first.attempts > 100 and not first.notes
    again = seed_demo_activity(db, 2026, say=notes.append, now=NOW)
    assert (again.modules_released, again.submissions, again.attempts) == (0, 0, 0)

    # nbgrader's own API reads the same scores as the grouped query the awards use.
    scores = _gradebook_scores(db)
    assert sum(len(modules) for modules in scores.values()) == first.submissions
    with gradebook_of(db.settings) as gradebook:
        checked = 0
        for student in sorted(scores)[:25]:
            for module, (score, most) in scores[student].items():
                submission = gradebook.find_submission(module, student)
                assert submission.score == pytest.approx(score)
                assert submission.max_score == pytest.approx(most)
                checked += 1
        assert checked > 25
    # The attempts are graded by the contest's own code: the sample contest counts in 2026.
    shares = _contest_shares(db, 2026)
    assert len(shares) == first.attempts and all(0 <= s <= 100 for s in shares.values())

    table = award_table(db, tt22(), 2026)
    assert set(table["Xếp loại"]) == {"Tốt", "Khá", "Trung bình", "Không đạt"}
    assert table["Chưa có số liệu"].astype(bool).any()  # some units sent no sheet
    # The platform's measures count in the province's own award, not in the circular's lines.
    own = award_table(db, select_criteria("xuat-sac-tinh", 2026), 2026)
    done = own["Thành viên hoàn thành đủ các học phần trên hoctap (%) (giá trị)"]
    assert done.notna().all() and done.max() > 50
