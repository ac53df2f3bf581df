"""ingest.formats.base: what adapters may look at."""

from __future__ import annotations

from pathlib import Path

from ingest.formats.base import HEAD_BYTES, FileProbe


def test_probe_reads_the_head_and_lower_cases_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(b"x" * (HEAD_BYTES + 100))
    probe = FileProbe.of(path, "Board Papers.PDF")
    assert (probe.path, probe.extension, len(probe.head)) == (path, "pdf", HEAD_BYTES)


def test_probe_without_original_name_uses_the_path(tmp_path: Path) -> None:
    path = tmp_path / "archive.tar.gz"
    path.write_bytes(b"abc")
    assert (FileProbe.of(path).extension, FileProbe.of(path).head) == ("gz", b"abc")


def test_probe_of_a_name_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "README"
    path.write_bytes(b"")
    assert (FileProbe.of(path).extension, FileProbe.of(path).head) == ("", b"")
