"""Checks a ZIP container (DOCX, PPTX, XLSX) before any parser expands it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.errors import IngestError

MAX_RATIO = 200  # real Office parts compress ~3-20x; bombs compress thousands of times


def zip_names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return []


def check_container(path: Path, kind: str, max_unzipped_bytes: int) -> None:
    """Raise IngestError for a broken container or one that expands suspiciously."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(
            f"This is not a valid {kind} file (its ZIP container is broken)."
        ) from exc
    total = sum(i.file_size for i in infos)
    if total > max_unzipped_bytes:
        raise IngestError(
            f"This {kind} expands to {total // 2**20} MB, over the limit of "
            f"{max_unzipped_bytes // 2**20} MB; it looks like a zip bomb and was not opened."
        )
    for info in infos:
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise IngestError(
                f"This {kind} contains '{info.filename}', compressed over {MAX_RATIO} times; "
                "it looks like a zip bomb and was not opened."
            )
