"""ingest.formats.zipguard: ZIP containers checked before any parser expands them."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import docx
import pytest

from ingest.errors import IngestError
from ingest.formats.zipguard import MAX_RATIO, check_container, zip_names
from ingest.pipeline import ParseOptions, parse_file

MiB = 2**20
LIMIT = 500 * MiB


def make_zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_names(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"word/document.xml": b"<w/>", "[Content_Types].xml": b""})
    assert zip_names(path) == ["word/document.xml", "[Content_Types].xml"]


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 then garbage " * 20, b"not a zip"])
def test_broken_zip_has_no_names_and_fails_the_check(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(content)
    assert zip_names(path) == []
    with pytest.raises(IngestError, match=r"not a valid DOCX file \(its ZIP container is broken\)"):
        check_container(path, "DOCX", LIMIT)


def test_missing_file_fails_the_check(tmp_path: Path) -> None:
    assert zip_names(tmp_path / "gone.xlsx") == []
    with pytest.raises(IngestError, match="not a valid XLSX"):
        check_container(tmp_path / "gone.xlsx", "XLSX", LIMIT)


def test_ordinary_container_passes(tmp_path: Path) -> None:
    members = {"a.xml": b"<x>" * 1000, "b.bin": random.Random(1).randbytes(2 * MiB)}
    check_container(make_zip(tmp_path / "ok.docx", members), "DOCX", LIMIT)


def test_total_expanded_size_limit(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "big.pptx", {"a.xml": b"a" * 600, "b.xml": b"b" * 600})
    check_container(path, "PPTX", 1200)  # exactly at the limit is fine
    with pytest.raises(IngestError) as info:
        check_container(path, "PPTX", 1199)
    assert "over the limit" in info.value.message and "zip bomb" in info.value.message


def test_compression_ratio_rule(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "bomb.xlsx", {"xl/sheet1.xml": b"\0" * (2 * MiB)})
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/sheet1.xml")
    assert info.file_size > MAX_RATIO * info.compress_size  # the premise of the test
    with pytest.raises(IngestError) as error:
        check_container(path, "XLSX", LIMIT)
    assert "'xl/sheet1.xml'" in error.value.message
    assert f"compressed over {MAX_RATIO} times" in error.value.message


def test_ratio_rule_ignores_small_members(tmp_path: Path) -> None:
    # Tiny parts compress extremely well in real files; only parts over 1 MiB count.
    path = make_zip(tmp_path / "small.docx", {"styles.xml": b"\0" * (MiB - 1)})
    check_container(path, "DOCX", LIMIT)


def test_ratio_rule_needs_real_compression(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "stored.docx", {"big.xml": b"\0" * (2 * MiB)}, zipfile.ZIP_STORED)
    check_container(path, "DOCX", LIMIT)


def test_pipeline_checks_the_container_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "note.docx"
    document = docx.Document()
    document.add_paragraph("Small, real document.")
    document.save(path)
    assert parse_file(path, path.name, ParseOptions()).text == "Small, real document."
    with pytest.raises(IngestError, match="zip bomb"):
        parse_file(path, path.name, ParseOptions(max_unzipped_bytes=1000))
