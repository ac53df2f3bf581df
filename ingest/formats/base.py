"""The adapter contract every format implements.

An adapter turns one file into `unstructured` elements (Title, NarrativeText,
ListItem, Table, Header, Footer, PageNumber...) with `metadata.page_number`
set where the format has pages. Cleaning and splitting happen later, in the
pipeline, the same way for every format.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

from unstructured.documents.elements import Element

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


class FormatAdapter(Protocol):
    name: ClassVar[str]

    def score(self, probe: FileProbe) -> int:
        """0 = not mine; higher wins. Magic bytes should outscore extensions."""
        ...

    def extract(self, path: Path) -> Extracted:
        """Raise ingest.errors.IngestError (or NeedsOCR) with a clear message."""
        ...
