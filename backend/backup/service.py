"""`evidence backup FILE` and `evidence restore FILE`: everything a deployment holds that
cannot be rebuilt, in one file, and back.

What is in a backup: the database (every table), the stored originals it names (and
any others in the data folder), and the key that encrypts second factors (when it is
a file in the data folder rather than the SECRET_KEY setting). Not in it: the search
index, which a restore rebuilds from the database.

A backup is written beside its target and renamed at the end, so a failed one never
leaves a file that looks complete. A restore first checks the whole file (format,
schema, every checksum) and that the target holds no one's work, and only then
writes: into an empty data folder and database, after which migrations bring the
schema up to date and the search index is rebuilt.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError as AlembicCommandError

from backend.backup import archive
from backend.backup.archive import BackupError, Entry, Manifest
from backend.backup.databases import Database, for_settings
from backend.core.config import Settings
from backend.core.db import alembic_config
from backend.core.secret_box import KEY_FILE
from backend.core.time import utcnow

APP_VERSION = "0.1.0"


@dataclass
class Summary:
    manifest: Manifest

    @property
    def files(self) -> int:
        return sum(1 for e in self.manifest.entries if e.path.startswith("originals/"))

    @property
    def rows(self) -> int:
        return sum(self.manifest.row_counts.values())


def backup(settings: Settings, target: Path) -> Summary:
    database = for_settings(settings)
    partial = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    writer = archive.Writer(partial)
    try:
        with tempfile.TemporaryDirectory(prefix="evidence-backup-") as folder:
            dump = Path(folder) / "database"
            snapshot = database.snapshot(dump)
            writer.add_file(dump, database.file_name, compress=True)
        _add_data_files(writer, settings, snapshot.stored_paths)
        manifest = Manifest(
            created_at=utcnow().isoformat(),
            app_version=APP_VERSION,
            database_kind=database.kind,
            database_file=database.file_name,
            schema_revision=snapshot.schema_revision,
            row_counts=snapshot.row_counts,
        )
        writer.close(manifest)
    except BaseException:
        writer.abort()
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return Summary(manifest)


def _add_data_files(writer: archive.Writer, settings: Settings, named: set[str]) -> None:
    """Every stored original (files are never changed once stored, so copying them
    after the database snapshot is consistent), and the second-factor key."""
    data = settings.data_dir
    originals = sorted(
        p for p in settings.originals_dir.rglob("*") if p.is_file() and p.suffix != ".part"
    )
    present = {p.relative_to(data).as_posix() for p in originals}
    missing = sorted(named - present)
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise BackupError(
            f"the database names {len(missing)} stored file(s) missing from "
            f"{settings.originals_dir}: {shown}; restore them before backing up"
        )
    for path in originals:
        writer.add_file(path, path.relative_to(data).as_posix())
    if (data / KEY_FILE).is_file():
        writer.add_file(data / KEY_FILE, KEY_FILE)


def restore(settings: Settings, source: Path) -> Summary:
    """Checks everything, then restores; the caller rebuilds the search index."""
    database = for_settings(settings)
    zipped, manifest = archive.open_verified(source)
    with zipped:
        _check_compatible(manifest, database, settings)
        files = {
            entry: _data_path(settings, entry)
            for entry in manifest.entries
            if entry.path != manifest.database_file
        }
        _check_empty(database, settings)
        with tempfile.TemporaryDirectory(prefix="evidence-restore-") as folder:
            dump = Path(folder) / "database"
            archive.extract(zipped, _entry(manifest, manifest.database_file), dump)
            database.restore(dump)
        for entry, target in files.items():
            archive.extract(zipped, entry, target)
        key = settings.data_dir / KEY_FILE
        if key.exists():
            key.chmod(0o600)
    return Summary(manifest)


def _check_compatible(manifest: Manifest, database: Database, settings: Settings) -> None:
    if manifest.database_kind != database.kind:
        where = "PostgreSQL (DATABASE_URL)" if database.kind == "postgresql" else "SQLite"
        raise BackupError(
            f"this backup is of a {manifest.database_kind} deployment; this one uses "
            f"{where}: restore it with the same kind of database"
        )
    try:
        known = ScriptDirectory.from_config(alembic_config(settings)).get_revision(
            manifest.schema_revision
        )
    except AlembicCommandError:
        known = None
    if known is None:
        raise BackupError(
            f"this backup's database schema ({manifest.schema_revision}) is unknown to this "
            "version of Evidence Workbench: it was made by a newer one; upgrade first"
        )


def _check_empty(database: Database, settings: Settings) -> None:
    stored = settings.originals_dir
    has_files = stored.is_dir() and any(p.is_file() for p in stored.rglob("*"))
    if database.holds_data() or has_files:
        raise BackupError(
            f"the target already holds data (database or {stored}); restore into an empty "
            "data folder and an empty database"
        )


def _entry(manifest: Manifest, path: str) -> Entry:
    found = next((e for e in manifest.entries if e.path == path), None)
    if found is None:
        raise BackupError(f"the backup names no database entry {path}")
    return found


def _data_path(settings: Settings, entry: Entry) -> Path:
    """Where an entry goes in the data folder; never outside it (a crafted name like
    ../../etc/x is refused)."""
    data = settings.data_dir
    target = (data / entry.path).resolve()
    allowed = entry.path == KEY_FILE or entry.path.startswith("originals/")
    if not allowed or not target.is_relative_to(data):
        raise BackupError(f"the backup holds an entry with an unexpected name: {entry.path}")
    return target
