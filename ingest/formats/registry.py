"""Chooses the adapter for a file: every adapter scores it, the highest wins."""

from __future__ import annotations

from ingest.errors import IngestError, UnsupportedFormat
from ingest.formats.base import FileProbe, FormatAdapter
from ingest.formats.markup import HtmlAdapter, MarkdownAdapter, TextAdapter
from ingest.formats.office import DocxAdapter, PptxAdapter, XlsxAdapter
from ingest.formats.pdf import PdfAdapter

ADAPTERS: tuple[FormatAdapter, ...] = (
    PdfAdapter(),
    DocxAdapter(),
    PptxAdapter(),
    XlsxAdapter(),
    HtmlAdapter(),
    MarkdownAdapter(),
    TextAdapter(),
)

# Formats people will try that no adapter reads: say so plainly.
_KNOWN_UNSUPPORTED = {
    b"\xd0\xcf\x11\xe0": "an old Office 97-2003 file (.doc, .xls, .ppt); save it as DOCX, "
    "XLSX, PPTX or PDF and upload that",
    b"{\\rtf": "an RTF file; save it as DOCX or PDF and upload that",
    b"\x89PNG": "an image; scanned pages must be a PDF (OCR is not yet available)",
    b"\xff\xd8\xff": "an image; scanned pages must be a PDF (OCR is not yet available)",
}


def pick(probe: FileProbe) -> FormatAdapter:
    if not probe.head:
        raise IngestError("The file is empty (0 bytes).")
    scored = [(adapter.score(probe), i, adapter) for i, adapter in enumerate(ADAPTERS)]
    best, _, adapter = max(scored, key=lambda s: (s[0], -s[1]))
    if best > 0:
        return adapter
    for magic, what in _KNOWN_UNSUPPORTED.items():
        if probe.head.startswith(magic):
            raise UnsupportedFormat(f"This is {what}.")
    ext = f".{probe.extension} " if probe.extension else ""
    raise UnsupportedFormat(
        f"This {ext}file is not in a format that can be read. Supported: PDF, DOCX, PPTX, "
        "XLSX, HTML, Markdown and plain text."
    )
