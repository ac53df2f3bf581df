"""Chooses the adapter for a file: every adapter scores it, the highest wins."""

from __future__ import annotations

from ingest.errors import IngestError, UnsupportedFormat
from ingest.formats.base import FileProbe, FormatAdapter
from ingest.formats.docx import DocxAdapter
from ingest.formats.image import ImageAdapter
from ingest.formats.markup import HtmlAdapter, MarkdownAdapter, TextAdapter
from ingest.formats.office import PptxAdapter, XlsxAdapter
from ingest.formats.pdf import PdfAdapter

ADAPTERS: tuple[FormatAdapter, ...] = (
    PdfAdapter(),
    DocxAdapter(),
    PptxAdapter(),
    XlsxAdapter(),
    HtmlAdapter(),
    MarkdownAdapter(),
    TextAdapter(),
    ImageAdapter(),
)

# Formats people will try that no adapter reads: say so plainly.
_KNOWN_UNSUPPORTED = {
    b"\xd0\xcf\x11\xe0": "an old Office 97-2003 file (.doc, .xls, .ppt); save it as DOCX, "
    "XLSX, PPTX or PDF and upload that",
    b"{\\rtf": "an RTF file; save it as DOCX or PDF and upload that",
}


_TEXT_EXTENSIONS = {
    *HtmlAdapter.extensions,
    *MarkdownAdapter.extensions,
    *TextAdapter.extensions,
}


def pick(probe: FileProbe) -> FormatAdapter:
    if not probe.head:
        raise IngestError("The file is empty (0 bytes).")
    # Before scoring: RTF is ASCII, so the plain-text fallback would take it as text.
    for magic, what in _KNOWN_UNSUPPORTED.items():
        if probe.head.startswith(magic):
            raise UnsupportedFormat(f"This is {what}.")
    scored = [(adapter.score(probe), i, adapter) for i, adapter in enumerate(ADAPTERS)]
    best, _, adapter = max(scored, key=lambda s: (s[0], -s[1]))
    if best > 0:
        return adapter
    utf16 = probe.head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if probe.extension in _TEXT_EXTENSIONS and (utf16 or b"\x00" not in probe.head):
        raise UnsupportedFormat(
            "This text file is not UTF-8 encoded; save it as UTF-8 (e.g. in Notepad: "
            "Save as, Encoding: UTF-8) and upload it again."
        )
    ext = f".{probe.extension} " if probe.extension else ""
    raise UnsupportedFormat(
        f"This {ext}file is not in a format that can be read. Supported: PDF, DOCX, PPTX, "
        "XLSX, HTML, Markdown, plain text and images (PNG, JPEG, TIFF)."
    )
