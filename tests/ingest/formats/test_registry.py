"""ingest.formats.registry: the adapter chosen for a file, and clear errors for the rest."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import docx
import pytest

from ingest.errors import IngestError, UnsupportedFormat
from ingest.formats import registry
from ingest.formats.base import FileProbe
from ingest.formats.docx import DocxAdapter
from ingest.formats.markup import HtmlAdapter, MarkdownAdapter, TextAdapter
from ingest.formats.office import PptxAdapter, XlsxAdapter
from ingest.formats.pdf import PdfAdapter
from ingest.pipeline import ParseOptions, parse_file
from tests.conftest import INSULIN_PDF

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
BINARY = random.Random(7).randbytes(4096) + b"\x00"  # seeded: the same bytes every run


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def docx_bytes(tmp_path: Path) -> bytes:
    document = docx.Document()
    document.add_paragraph("A short generated document.")
    document.save(tmp_path / "source.docx")
    return (tmp_path / "source.docx").read_bytes()


def picked(path: Path, name: str | None = None):
    return type(registry.pick(FileProbe.of(path, name)))


def test_every_format_has_an_adapter() -> None:
    names = [adapter.name for adapter in registry.ADAPTERS]
    assert names == ["pdf", "docx", "pptx", "xlsx", "html", "md", "txt", "image"]


# --- content beats the name ----------------------------------------------------------------------


def test_pdf_bytes_named_docx_go_to_the_pdf_adapter(tmp_path: Path) -> None:
    path = write(tmp_path, "report.docx", INSULIN_PDF.read_bytes())
    assert picked(path) is PdfAdapter


def test_docx_bytes_named_pdf_go_to_the_docx_adapter(tmp_path: Path) -> None:
    path = write(tmp_path, "report.pdf", docx_bytes(tmp_path))
    assert picked(path) is DocxAdapter
    doc = parse_file(path, "report.pdf", ParseOptions())
    assert (doc.format, doc.text) == ("docx", "A short generated document.")


def test_the_original_name_not_the_stored_path_gives_the_extension(tmp_path: Path) -> None:
    path = write(tmp_path, "upload-1234", b"# Heading\n\nSome text.\n")
    assert picked(path) is TextAdapter  # no extension: readable text, last resort
    assert picked(path, "notes.MD") is MarkdownAdapter


@pytest.mark.parametrize(
    ("name", "content", "adapter"),
    [
        ("page.txt", b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", HtmlAdapter),
        ("page.htm", b"<p>fragment</p>", HtmlAdapter),
        ("notes.markdown", b"# Notes", MarkdownAdapter),
        ("transcript.vtt", b"WEBVTT\n\n00:01.000 --> 00:04.000\nHello", TextAdapter),
        ("scan.bin", b"junk\x00" + b"%PDF-1.7", PdfAdapter),  # header within the first KiB
    ],
)
def test_picks_by_content_and_extension(tmp_path: Path, name: str, content: bytes, adapter) -> None:
    assert picked(write(tmp_path, name, content)) is adapter


def test_office_zip_with_another_name_is_found_by_its_parts(tmp_path: Path) -> None:
    path = tmp_path / "deck.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p/>")
    assert picked(path) is PptxAdapter
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<w/>")
    assert picked(path) is XlsxAdapter


# --- files nothing reads -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "error", "words"),
    [
        ("empty.pdf", b"", IngestError, "The file is empty (0 bytes)."),
        ("old.doc", OLE2, UnsupportedFormat, "save it as DOCX"),
        ("old.xls", OLE2, UnsupportedFormat, "old Office 97-2003 file"),
        ("letter.rtf", b"{\\rtf1\\ansi Hello}", UnsupportedFormat, "RTF file"),
        ("data.bin", BINARY, UnsupportedFormat, "This .bin file is not in a format"),
        ("noextension", BINARY, UnsupportedFormat, "This file is not in a format"),
        ("archive.zip", None, UnsupportedFormat, "Supported: PDF, DOCX"),
        ("latin1.txt", "Café £5".encode("latin-1"), UnsupportedFormat, "not UTF-8 encoded"),
    ],
)
def test_unreadable_files_are_clear_errors(
    tmp_path: Path, name: str, content: bytes | None, error: type, words: str
) -> None:
    if content is None:  # a ZIP with nothing Office inside
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            archive.writestr("photo.txt", "not office")
        path = tmp_path / name
    else:
        path = write(tmp_path, name, content)
    with pytest.raises(error) as info:
        registry.pick(FileProbe.of(path))
    assert words in info.value.message
    with pytest.raises(error):  # the same from the pipeline, never another exception
        parse_file(path, name, ParseOptions())


def test_zip_that_is_not_office_named_docx_is_a_clear_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    assert picked(path) is DocxAdapter  # trusted by its name...
    with pytest.raises(IngestError) as info:  # ...and refused with a message, not a traceback
        parse_file(path, path.name, ParseOptions())
    assert info.value.message.startswith("This Word (DOCX) file could not be read")
