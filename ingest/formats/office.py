"""Office Open XML formats, parsed by `unstructured`'s partitioners."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ingest.formats.base import Extracted, FileProbe
from ingest.formats.partition import run_partitioner
from ingest.formats.zipguard import zip_names

ZIP_MAGIC = b"PK\x03\x04"


class OfficeAdapter:
    name: ClassVar[str]
    marker: ClassVar[str]  # the part every file of this kind contains
    zip_container: ClassVar[bool] = True
    pagination: ClassVar[str] = "approximate"

    def score(self, probe: FileProbe) -> int:
        if not probe.head.startswith(ZIP_MAGIC):
            return 0
        if probe.extension == self.name:
            return 90
        # A misnamed file: look inside the container (cheap: the central directory).
        return 80 if any(n.startswith(self.marker) for n in zip_names(probe.path)) else 0

    def extract(self, path: Path) -> Extracted:
        elements = run_partitioner(self.name, path)
        pages = [e.metadata.page_number for e in elements if e.metadata.page_number]
        return Extracted(
            elements=elements,
            page_count=max(pages) if pages else None,
            pagination=self.pagination,
        )


class PptxAdapter(OfficeAdapter):
    """Pages are slides, numbered as PowerPoint numbers them (hidden slides count), which is
    what a reader cites; a rendering would only repeat them (and skips hidden slides)."""

    name = "pptx"
    marker = "ppt/"
    pagination = "rendered"


class XlsxAdapter(OfficeAdapter):
    """Pages are sheets (1-based, in workbook order), not printed pages: approximate. A
    rendering would give printed pages, which depend on print areas and nobody cites."""

    name = "xlsx"
    marker = "xl/"
