"""The database half of a backup, one class per kind behind the same four calls:
`snapshot` (a consistent copy while the service runs, with each table's row count, the
schema revision and the stored files it names), `holds_data`, `restore`, `kind`.

- SQLite: the online backup API copies the live database page by page under a read
  lock, so writers carry on and the copy is one moment of the database.
- PostgreSQL: pg_dump in the custom format, run on a snapshot exported by our own
  repeatable-read transaction, so the row counts and file list read in that
  transaction describe exactly what was dumped. pg_restore puts it back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import backend.models  # noqa: F401  (registers every table)
from backend.backup.archive import BackupError
from backend.core.config import Settings

# Tables whose rows mean the database holds someone's work (a restore refuses it).
WORK_TABLES = ("user", "project", "document")
SQLITE_SEARCH_PREFIX = "search_"  # the embedded engine's tables: rebuilt on restore


@dataclass
class Snapshot:
    schema_revision: str
    row_counts: dict[str, int]
    stored_paths: set[str]  # files the database names, relative to the data folder


class Database(Protocol):
    kind: str
    file_name: str

    def snapshot(self, target: Path) -> Snapshot: ...

    def holds_data(self) -> bool: ...

    def restore(self, source: Path) -> None: ...


def for_settings(settings: Settings) -> Database:
    if settings.sqlite_path is not None:
        return SqliteDatabase(settings.sqlite_path)
    return PostgresDatabase(settings.sync_database_url)


def app_tables() -> list[str]:
    return sorted(SQLModel.metadata.tables)


def _read_snapshot(execute: Callable[[str], list[tuple[Any, ...]]]) -> Snapshot:
    """What every backup records, through the given connection's `execute`."""
    revision = execute("SELECT version_num FROM alembic_version")[0][0]
    counts = {t: execute(f'SELECT count(*) FROM "{t}"')[0][0] for t in app_tables()}
    paths = {
        row[0]
        for table in ("documentversion", "ingestjob")
        for row in execute(f"SELECT DISTINCT stored_path FROM {table}")
    }
    return Snapshot(revision, counts, paths)


class SqliteDatabase:
    kind = "sqlite"
    file_name = "database/evidence.db"

    def __init__(self, path: Path) -> None:
        self.path = path

    def snapshot(self, target: Path) -> Snapshot:
        if not self.path.is_file():
            raise BackupError(f"there is no database at {self.path} to back up")
        with closing(sqlite3.connect(self.path)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)  # all pages in one step: one consistent moment
            return _read_snapshot(lambda sql: dst.execute(sql).fetchall())

    def holds_data(self) -> bool:
        if not self.path.is_file():
            return False
        with closing(sqlite3.connect(self.path)) as conn:
            present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            return any(
                conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()
                for t in WORK_TABLES
                if t in present
            )

    def restore(self, source: Path) -> None:
        with closing(sqlite3.connect(source)) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the backup's database fails SQLite's integrity check")
        for suffix in ("-wal", "-shm"):  # the empty database's journal must not survive
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, self.path)


class PostgresDatabase:
    kind = "postgresql"
    file_name = "database/evidence.pgdump"

    def __init__(self, url: str) -> None:
        parsed = make_url(url).set(drivername="postgresql")
        self._password = parsed.password
        self.url = parsed.set(password=None).render_as_string(hide_password=False)
        # For psycopg (our own connection): the URL with its password.
        self._conninfo = parsed.render_as_string(hide_password=False)

    def snapshot(self, target: Path) -> Snapshot:
        import psycopg

        with psycopg.connect(self._conninfo) as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            row = conn.execute("SELECT pg_export_snapshot()").fetchone()
            if row is None:  # the function returns one row; this says so to the types
                raise RuntimeError("pg_export_snapshot() returned no row")
            snapshot_id = row[0]
            found = _read_snapshot(lambda sql: conn.execute(sql).fetchall())
            self._run(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot_id}",
                f"--file={target}",
                f"--dbname={self.url}",
            )
            conn.rollback()
        return found

    def holds_data(self) -> bool:
        import psycopg

        with psycopg.connect(self._conninfo) as conn:
            present = {
                r[0]
                for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                )
            }
            return any(
                conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()
                for t in WORK_TABLES
                if t in present
            )

    def restore(self, source: Path) -> None:
        import psycopg

        # Holds no data (checked before): whatever schema an earlier start created goes,
        # so the backup's own revision comes back and migrations continue from it.
        with psycopg.connect(self._conninfo, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
        self._run(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={self.url}",
            str(source),
        )

    def _run(self, tool: str, *args: str) -> None:
        if shutil.which(tool) is None:
            raise BackupError(
                f"{tool} is not installed: install PostgreSQL's client tools (Debian: "
                "apt-get install postgresql-client), the same major version as the server "
                "or newer"
            )
        # The password travels in the environment, never on a command line (`ps` shows it).
        env = {**os.environ, **({"PGPASSWORD": self._password} if self._password else {})}
        done = subprocess.run([tool, *args], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"{tool} failed: {done.stderr.strip()[-2000:]}")
