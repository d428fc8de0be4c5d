"""Where hoctap keeps its state: the data folder (HOCTAP_HOME) and the two database URLs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
"""The province's time zone: deadlines, contest times and dates on documents are read and shown
in it; the database stores times in UTC."""

# The nbgrader gradebook must not share a schema with hoctap's tables: nbgrader stamps its
# migration version only when it finds an empty database. On PostgreSQL it gets its own schema.
GRADEBOOK_SCHEMA = "nbgrader"


@cache
def project_root() -> Path | None:
    """The source checkout this package runs from (editable install), if any."""
    root = Path(__file__).resolve().parents[2]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "hoctap"' in pyproject.read_text(encoding="utf-8"):
        return root
    return None


def default_home() -> Path:
    root = project_root()
    if root is not None:
        return root / "var"
    return Path.home() / ".local" / "share" / "hoctap"


def _gradebook_url_for(db_url: str, course_dir: Path) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{course_dir / 'gradebook.db'}"
    if url.get_backend_name() == "postgresql":
        options = f"-csearch_path={GRADEBOOK_SCHEMA}"
        return url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    return db_url


@dataclass(frozen=True)
class Settings:
    """The paths and URLs one hoctap installation works with."""

    home: Path
    """HOCTAP_HOME: database (SQLite), nbgrader course tree, exchange, exports."""
    db_url: str
    """HOCTAP_DB_URL: hoctap's own tables (units, people, ...)."""
    gradebook_url: str
    """HOCTAP_GRADEBOOK_URL: nbgrader's gradebook (its own file, or its own schema)."""
    public_url: str = ""
    """HOCTAP_PUBLIC_URL: the address people type (https://…/), when the platform has one; the
    certificates' QR code then points at its verification page, PUBLIC_URL/xac-minh/CODE."""

    @property
    def course_dir(self) -> Path:
        """nbgrader's course root (source/, release/, submitted/, autograded/, feedback/)."""
        return self.home / "course"

    @property
    def exchange_dir(self) -> Path:
        return self.home / "exchange"

    @property
    def gradebook_schema(self) -> str | None:
        """The PostgreSQL schema that holds the gradebook, or None for a separate database file."""
        from sqlalchemy.engine import make_url

        url = make_url(self.gradebook_url)
        options = str(url.query.get("options", ""))
        prefix = "-csearch_path="
        return options[len(prefix) :] if options.startswith(prefix) else None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = Path(env.get("HOCTAP_HOME") or default_home()).expanduser().resolve()
        db_url = env.get("HOCTAP_DB_URL") or f"sqlite:///{home / 'hoctap.db'}"
        gradebook_url = env.get("HOCTAP_GRADEBOOK_URL") or _gradebook_url_for(
            db_url, home / "course"
        )
        public_url = (env.get("HOCTAP_PUBLIC_URL") or "").strip()
        if public_url and not public_url.endswith("/"):
            public_url += "/"
        return cls(home=home, db_url=db_url, gradebook_url=gradebook_url, public_url=public_url)
