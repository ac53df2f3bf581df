"""Office Open XML formats, parsed by `unstructured`'s partitioners."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ingest.formats.base import Extracted, FileProbe
from ingest.formats.partition import run_partitioner
from ingest.formats.zipguard import zip_names

ZIP_MAGIC = b"PK\x03\x04"


class _OfficeAdapter:
    name: ClassVar[str]
    marker: ClassVar[str]  # the part every file of this kind contains
    zip_container: ClassVar[bool] = True

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
        return Extracted(elements=elements, page_count=max(pages) if pages else None)


class DocxAdapter(_OfficeAdapter):
    name = "docx"
    marker = "word/"


class PptxAdapter(_OfficeAdapter):
    name = "pptx"
    marker = "ppt/"


class XlsxAdapter(_OfficeAdapter):
    name = "xlsx"
    marker = "xl/"
