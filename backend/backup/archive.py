"""The backup file: a zip holding `manifest.json`, the database (an SQLite copy or a
pg_dump), the stored originals and the key that encrypts second factors, each entry
with its SHA-256 and size in the manifest.

A zip, not a tarball: a restore checks every entry before it changes anything, which
needs one pass over each entry, not over the whole stream twice. Originals (PDFs,
Office files: compressed already) are stored as they are; the database is deflated.
"""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from backend.errors import CommandError

FORMAT = "evidence-workbench-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class BackupError(CommandError):
    """A backup that cannot be made or a file that cannot be restored, and why."""


@dataclass(frozen=True)
class Entry:
    path: str  # inside the zip; for data files also the path under the data folder
    sha256: str
    size: int


@dataclass
class Manifest:
    created_at: str
    app_version: str
    database_kind: str  # "sqlite" or "postgresql"
    database_file: str  # the entry holding the database
    schema_revision: str  # Alembic's revision of the backed-up database
    row_counts: dict[str, int]
    entries: list[Entry] = field(default_factory=list)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data: dict[str, Any] = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ValueError("not an Evidence Workbench backup")
        if int(data.get("format_version", 0)) > FORMAT_VERSION:
            raise BackupError(
                f"this backup was made by a newer version of Evidence Workbench (backup "
                f"format {data['format_version']}; this one reads {FORMAT_VERSION}); "
                "upgrade first"
            )
        entries = [Entry(**e) for e in data.pop("entries")]
        return cls(entries=entries, **data)


class Writer:
    """Adds entries and records their checksums; `close` writes the manifest last."""

    def __init__(self, path: Path) -> None:
        self._zip = zipfile.ZipFile(path, "w", allowZip64=True)
        self.entries: list[Entry] = []

    def add_file(self, source: Path, name: str, *, compress: bool = False) -> None:
        method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info = zipfile.ZipInfo(name, time.localtime()[:6])
        info.compress_type = method
        info.external_attr = 0o600 << 16  # the archive holds secrets: owner only
        digest, size = hashlib.sha256(), 0
        with source.open("rb") as src, self._zip.open(info, "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
        self.entries.append(Entry(name, digest.hexdigest(), size))

    def close(self, manifest: Manifest) -> None:
        manifest.entries = self.entries
        self._zip.writestr(MANIFEST, manifest.to_json(), compress_type=zipfile.ZIP_DEFLATED)
        self._zip.close()

    def abort(self) -> None:
        self._zip.close()


def open_verified(path: Path) -> tuple[zipfile.ZipFile, Manifest]:
    """The archive and its manifest, once every entry matches its checksum; else a
    BackupError saying what is wrong (nothing has been changed yet)."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise BackupError(f"{path}: no such file") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{path} is not a backup (not a readable zip file: {exc})") from exc
    try:
        manifest = _manifest(archive, path)
        for entry in manifest.entries:
            _verify(archive, entry, path)
    except BaseException:
        archive.close()
        raise
    return archive, manifest


def _manifest(archive: zipfile.ZipFile, path: Path) -> Manifest:
    try:
        return Manifest.from_json(archive.read(MANIFEST))
    except KeyError as exc:
        raise BackupError(f"{path} is not an Evidence Workbench backup (no manifest)") from exc
    except (ValueError, TypeError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{path} has an unreadable manifest ({exc})") from exc


def _verify(archive: zipfile.ZipFile, entry: Entry, path: Path) -> None:
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(entry.path) as src:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except KeyError as exc:
        raise BackupError(f"{path} is incomplete: {entry.path} is missing") from exc
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BackupError(f"{path} is corrupt: {entry.path} cannot be read ({exc})") from exc
    if size != entry.size or digest.hexdigest() != entry.sha256:
        raise BackupError(f"{path} is corrupt: {entry.path} does not match its checksum")


def extract(archive: zipfile.ZipFile, entry: Entry, target: Path) -> None:
    """One entry to `target` (written beside it, then renamed), checked again."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    digest = hashlib.sha256()
    with archive.open(entry.path) as src, partial.open("wb") as dst:
        _copy(src, dst, digest)
    if digest.hexdigest() != entry.sha256:
        partial.unlink()
        raise BackupError(f"{entry.path} changed while it was restored")
    partial.replace(target)


def _copy(src: IO[bytes], dst: IO[bytes], digest: Any) -> None:
    while chunk := src.read(CHUNK):
        digest.update(chunk)
        dst.write(chunk)
