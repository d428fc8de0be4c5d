"""Back up a data folder into one zip file, and restore it into an empty one.

The zip holds every row of hoctap's database and of nbgrader's gradebook as JSON lines (one file
per table, read through each schema's own table definitions, so a backup from SQLite restores
into PostgreSQL and back), the data folder's files (the course: sources, releases, submissions,
feedback; the exchange; trainees' workspaces; banks, contests, exports), and a manifest with the
schema revision, the row counts and a SHA-256 of every member. Restoring checks the manifest
first and writes nothing unless it is whole; it refuses a data folder that already has people,
contest entries or submissions. The zip holds people's data and the demo's passwords: it is
written readable by its owner only.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, MetaData, Table, delete, func, insert, inspect, select, text
from sqlalchemy.engine import Connection, Engine, make_url

from hoctap.errors import HoctapError
from hoctap.settings import Settings

FORMAT = "hoctap-backup/1"
MANIFEST = "manifest.json"
SKIPPED_DIRS = {"logs", "backups"}
SKIPPED_HUB = {"jupyterhub.sqlite", "jupyterhub_cookie_secret", "jupyterhub.pid", "proxy.pid"}


@dataclass(frozen=True)
class BackupReport:
    path: Path
    rows: dict[str, int]
    files: int


def _sqlite_files(url: str) -> set[Path]:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return set()
    path = Path(parsed.database).resolve()
    return {path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))}


def _data_files(settings: Settings) -> Iterator[Path]:
    """Files of the data folder that are not a database, a log, a backup or the hub's state."""
    skipped = _sqlite_files(settings.db_url) | _sqlite_files(settings.gradebook_url)
    home = settings.home
    if not home.is_dir():
        return
    for path in sorted(home.rglob("*")):
        if not path.is_file() or path.resolve() in skipped:
            continue
        parts = path.relative_to(home).parts
        if parts[0] in SKIPPED_DIRS or (parts[0] == "hub" and parts[-1] in SKIPPED_HUB):
            continue
        if "__pycache__" in parts or ".ipynb_checkpoints" in parts:
            continue
        yield path


def _encode(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    return value


def _decode(value: object, table: Table, column: str) -> object:
    if not isinstance(value, dict):
        return value
    if "$datetime" in value:
        moment = datetime.fromisoformat(value["$datetime"])
        aware = getattr(table.c[column].type, "timezone", False)
        if aware and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)  # hoctap stores UTC wall times on SQLite
        if not aware and moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$bytes" in value:
        return base64.b64decode(value["$bytes"])
    return value


def _hoctap_tables() -> list[Table]:
    from hoctap.db.models import Base

    return list(Base.metadata.sorted_tables)


def _gradebook_tables() -> list[Table]:
    from hoctap.grading.gradebook import nbgrader_api

    metadata: MetaData = nbgrader_api().Base.metadata
    return list(metadata.sorted_tables)


def _gradebook_engine(settings: Settings) -> Engine:
    """nbgrader's gradebook, created by nbgrader if it is not there yet."""
    from sqlalchemy import create_engine

    from hoctap.grading.course import gradebook_of

    with gradebook_of(settings):  # nbgrader creates (and migrates) its schema when opened
        pass
    return create_engine(settings.gradebook_url)


def _revision(conn: Connection, table: str) -> str | None:
    """The schema's migration revision (hoctap and nbgrader keep theirs in their own tables)."""
    if not inspect(conn).has_table(table):
        return None
    value = conn.execute(text(f"SELECT version_num FROM {table}")).scalar()
    return None if value is None else str(value)


def _dump(
    conn: Connection, tables: list[Table], prefix: str, out: zipfile.ZipFile
) -> dict[str, int]:
    counts = {}
    for table in tables:
        lines = []
        for row in conn.execute(select(table)):
            record = {key: _encode(value) for key, value in row._mapping.items()}
            lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
        out.writestr(f"{prefix}/{table.name}.jsonl", "\n".join(lines) + ("\n" if lines else ""))
        counts[f"{prefix}/{table.name}"] = len(lines)
    return counts


def backup(
    settings: Settings, output: Path, progress: Callable[[str], None] = lambda _m: None
) -> BackupReport:
    """Write the data folder's backup to ``output`` (a .zip)."""
    from hoctap.db import VERSION_TABLE
    from hoctap.people.units import open_province_database

    db = open_province_database(settings)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    try:
        partial.touch(mode=0o600)  # people's data: readable by the owner only
        partial.chmod(0o600)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as out:
            progress("Cơ sở dữ liệu hoctap…")
            with db.engine.connect() as conn:
                revision = _revision(conn, VERSION_TABLE)
                rows = _dump(conn, _hoctap_tables(), "db", out)
            progress("Sổ điểm nbgrader…")
            engine = _gradebook_engine(settings)
            try:
                with engine.connect() as conn:
                    gradebook_revision = _revision(conn, "alembic_version")
                    rows |= _dump(conn, _gradebook_tables(), "gradebook", out)
            finally:
                engine.dispose()
            progress("Tệp trong thư mục dữ liệu…")
            files = 0
            for path in _data_files(settings):
                if path.resolve() in (output.resolve(), partial.resolve()):
                    continue
                out.write(path, "files/" + path.relative_to(settings.home).as_posix())
                files += 1
            digests = {
                info.filename: hashlib.sha256(out.read(info.filename)).hexdigest()
                for info in out.infolist()
            }
            manifest = {
                "format": FORMAT,
                "created": datetime.now(UTC).isoformat(),
                "revision": revision,
                "gradebook_revision": gradebook_revision,
                "rows": rows,
                "files": files,
                "sha256": digests,
            }
            out.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        db.close()
    return BackupReport(output, rows, files)


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    hint = "Dùng tệp do hoctap backup tạo ra, chép lại nguyên vẹn."
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as exc:
        raise HoctapError(f"{path.name} không phải bản sao lưu của hoctap.", hint) from exc
    if manifest.get("format") != FORMAT:
        raise HoctapError(
            f"{path.name}: định dạng {manifest.get('format')!r} không đọc được.", hint
        )
    for name, digest in manifest["sha256"].items():
        try:
            actual = hashlib.sha256(archive.read(name)).hexdigest()
        except KeyError as exc:
            raise HoctapError(
                f"{path.name} thiếu phần {name}: tệp không nguyên vẹn.", hint
            ) from exc
        if actual != digest:
            raise HoctapError(f"{path.name}: phần {name} bị hỏng (sai mã kiểm tra).", hint)
    return dict(manifest)


# What makes a data folder not empty, as the refusal names it.
_OCCUPIED = {
    "people": "học viên",
    "entrants": "người dự thi",
    "self_assessments": "bảng tự đánh giá",
    "submitted_assignment": "bài nộp",
}


def _has_data(conn: Connection, tables: dict[str, Table]) -> list[str]:
    return [
        label
        for name, label in _OCCUPIED.items()
        if name in tables and conn.execute(select(func.count()).select_from(tables[name])).scalar()
    ]


def _load(conn: Connection, tables: list[Table], prefix: str, archive: zipfile.ZipFile) -> None:
    """Replace every row of these tables by the backup's, parents first."""
    for table in reversed(tables):
        conn.execute(delete(table))
    for table in tables:
        member = f"{prefix}/{table.name}.jsonl"
        if member not in archive.namelist():
            continue
        rows = [
            {key: _decode(value, table, key) for key, value in json.loads(line).items()
             if key in table.c}
            for line in io.TextIOWrapper(archive.open(member), encoding="utf-8")
            if line.strip()
        ]  # fmt: skip
        for first in range(0, len(rows), 5000):
            conn.execute(insert(table), rows[first : first + 5000])
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn, table)


def _reset_sequences(conn: Connection, table: Table) -> None:
    """After explicit ids, PostgreSQL's sequences must move past them."""
    for column in table.primary_key.columns:
        if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"),
                {"t": table.fullname, "c": column.name},
            ).scalar()
            if sequence:
                conn.execute(
                    text(f"SELECT setval(:s, COALESCE((SELECT MAX({column.name}) FROM "
                         f"{table.fullname}), 0) + 1, false)"),
                    {"s": sequence},
                )  # fmt: skip


def restore(
    settings: Settings, source: Path, progress: Callable[[str], None] = lambda _m: None
) -> dict[str, int]:
    """Restore a backup into this (empty) data folder; returns the rows restored per table."""
    from hoctap.db import VERSION_TABLE
    from hoctap.people.units import open_province_database

    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise HoctapError(
            f"Không mở được {source}: {exc}", "Kiểm tra đường dẫn; tệp phải là .zip của hoctap."
        ) from exc
    with archive:
        manifest = _read_manifest(archive, source)
        home = settings.home.resolve()
        files = {}
        for name in archive.namelist():
            if name.startswith("files/"):
                target = (home / name[len("files/") :]).resolve()
                if not target.is_relative_to(home):
                    raise HoctapError(f"{source.name}: đường dẫn {name} ra ngoài thư mục dữ liệu.")
                files[name] = target
        db = open_province_database(settings)
        engine = _gradebook_engine(settings)
        try:
            hoctap, gradebook = _hoctap_tables(), _gradebook_tables()
            with db.engine.begin() as conn:
                revision = _revision(conn, VERSION_TABLE)
                if manifest["revision"] != revision:
                    raise HoctapError(
                        f"Bản sao lưu ở phiên bản cơ sở dữ liệu {manifest['revision']}, hoctap "
                        f"này ở {revision}.",
                        "Khôi phục bằng phiên bản hoctap đã tạo bản sao lưu, rồi mới nâng cấp.",
                    )
                busy = _has_data(conn, {t.name: t for t in hoctap})
                with engine.connect() as gconn:
                    busy += _has_data(gconn, {t.name: t for t in gradebook})
                if busy:
                    raise HoctapError(
                        f"Thư mục dữ liệu {settings.home} đã có dữ liệu ({', '.join(busy)}); "
                        "khôi phục không ghi đè.",
                        "Khôi phục vào một thư mục dữ liệu trống: đặt HOCTAP_HOME (và "
                        "HOCTAP_DB_URL nếu dùng PostgreSQL) tới chỗ mới.",
                    )
                progress("Cơ sở dữ liệu hoctap…")
                _load(conn, hoctap, "db", archive)
                progress("Sổ điểm nbgrader…")
                with engine.begin() as gconn:  # committed just before hoctap's own rows
                    _load(gconn, gradebook, "gradebook", archive)
        finally:
            engine.dispose()
            db.close()
        progress("Tệp trong thư mục dữ liệu…")
        for name, target in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
    return {key: int(value) for key, value in manifest["rows"].items()}
