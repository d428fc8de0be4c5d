"""The nbgrader course folder in HOCTAP_HOME: its directories and its nbgrader_config.py."""

from __future__ import annotations

from pathlib import Path

from hoctap.settings import Settings, project_root

COURSE_ID = "hoctap"


def policy_config() -> Path | None:
    """The tracked grading policy (grading/nbgrader_config.py) of the checkout, if there is one."""
    root = project_root()
    path = root / "grading" / "nbgrader_config.py" if root else None
    return path if path and path.is_file() else None


def ensure_course_dir(settings: Settings) -> Path:
    """Create the course and exchange folders and write the course's nbgrader_config.py."""
    course = settings.course_dir
    for sub in ("source", "release", "submitted", "autograded", "feedback"):
        (course / sub).mkdir(parents=True, exist_ok=True)
    settings.exchange_dir.mkdir(parents=True, exist_ok=True)
    settings.exchange_dir.chmod(0o777)  # nbgrader's exchange must be writable by every trainee
    lines = [
        "# Written by hoctap for this data folder; the grading policy lives in grading/.",
        "c = get_config()  # noqa: F821",
        f"c.CourseDirectory.root = {str(course)!r}",
        f"c.CourseDirectory.course_id = {COURSE_ID!r}",
        f"c.CourseDirectory.db_url = {settings.gradebook_url!r}",
        f"c.Exchange.root = {str(settings.exchange_dir)!r}",
    ]
    policy = policy_config()
    if policy is not None:
        lines.append(f"load_subconfig({str(policy)!r})  # noqa: F821")
    config = course / "nbgrader_config.py"
    text = "\n".join(lines) + "\n"
    if not config.is_file() or config.read_text(encoding="utf-8") != text:
        config.write_text(text, encoding="utf-8")
    return course
