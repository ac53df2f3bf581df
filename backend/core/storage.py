"""Stored originals: content-addressed files under the data folder."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


class TooLarge(Exception):
    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"The file is larger than the limit of {limit_bytes // 2**20} MB.")
        self.limit_bytes = limit_bytes


@dataclass(frozen=True)
class StoredFile:
    relative_path: str  # relative to the data folder
    sha256: str
    size_bytes: int


def store_stream(stream: BinaryIO, data_dir: Path, suffix: str, limit_bytes: int) -> StoredFile:
    """Copy a stream into originals/ under its SHA-256, refusing more than limit_bytes."""
    originals = data_dir / "originals"
    originals.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=originals, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit_bytes:
                    raise TooLarge(limit_bytes)
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        relative = Path("originals") / sha[:2] / f"{sha}{_safe_suffix(suffix)}"
        target = data_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.unlink(tmp_name)
        else:
            os.replace(tmp_name, target)
        return StoredFile(relative.as_posix(), sha, size)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def store_path(path: Path, data_dir: Path, limit_bytes: int) -> StoredFile:
    if path.stat().st_size > limit_bytes:
        raise TooLarge(limit_bytes)
    with path.open("rb") as fh:
        return store_stream(fh, data_dir, path.suffix, limit_bytes)


def _safe_suffix(suffix: str) -> str:
    suffix = suffix.lower()
    return suffix if suffix[1:].isalnum() and len(suffix) <= 10 else ""
