"""The adapter contract every format implements.

An adapter turns one file into `unstructured` elements (Title, NarrativeText,
ListItem, Table, Header, Footer, PageNumber...) with `metadata.page_number`
set where the format has pages. Cleaning and splitting happen later, in the
pipeline, the same way for every format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from unstructured.documents.elements import Element

from ingest.ocr import PageSource

HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileProbe:
    """What adapters may look at to decide whether a file is theirs."""

    path: Path
    extension: str  # lower case, without the dot ("pdf", "docx", "")
    head: bytes  # the first HEAD_BYTES bytes

    @classmethod
    def of(cls, path: Path, original_name: str | None = None) -> FileProbe:
        name = original_name or path.name
        ext = Path(name).suffix.lower().lstrip(".")
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
        return cls(path=path, extension=ext, head=head)


@dataclass
class Extracted:
    """An adapter's output: elements plus what the format itself knows."""

    elements: list[Element]
    page_count: int | None = None
    title: str | None = None  # from file metadata (PDF info, DOCX core properties)
    # Where the page numbers come from: "rendered" (a real rendering such as the PDF
    # itself), "approximate" (an estimate), "none" (the format has no pages).
    pagination: str = "none"
    # A real rendering of the file (LibreOffice's PDF of an Office file), asked for only
    # when pages matter (not for transcripts): the pipeline aligns its pages with the text.
    renderer: Callable[[], Rendering] | None = None
    warnings: list[str] = field(default_factory=list)  # said to the user with the document
    # Paged formats read from a text layer or by OCR: where each page's text came from.
    page_sources: list[PageSource] = field(default_factory=list)


@dataclass(frozen=True)
class Rendering:
    pages: list[str] | None  # the text of each rendered page, or None and why_not
    why_not: str = ""


class FormatAdapter(Protocol):
    name: ClassVar[str]

    def score(self, probe: FileProbe) -> int:
        """0 = not mine; higher wins. Magic bytes should outscore extensions."""
        ...

    def extract(self, path: Path) -> Extracted:
        """Raise ingest.errors.IngestError (or NeedsOCR) with a clear message."""
        ...
