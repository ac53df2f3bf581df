"""Runs one of `unstructured`'s partitioners and turns its failures into clear errors."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from unstructured.documents.elements import Element

from ingest.errors import IngestError
from ingest.nlp import configure_unstructured

_PARTITIONERS = {
    "docx": ("unstructured.partition.docx", "partition_docx", "Word (DOCX)"),
    "pptx": ("unstructured.partition.pptx", "partition_pptx", "PowerPoint (PPTX)"),
    "xlsx": ("unstructured.partition.xlsx", "partition_xlsx", "Excel (XLSX)"),
    "html": ("unstructured.partition.html", "partition_html", "HTML"),
    "md": ("unstructured.partition.md", "partition_md", "Markdown"),
    "txt": ("unstructured.partition.text", "partition_text", "text"),
}


def run_partitioner(kind: str, path: Path, **options: Any) -> list[Element]:
    configure_unstructured()
    module_name, func_name, label = _PARTITIONERS[kind]
    partition = getattr(importlib.import_module(module_name), func_name)
    try:
        return list(partition(filename=str(path), **options))
    except IngestError:
        raise
    except Exception as exc:  # a parser's internals vary; the user needs one clear message
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise IngestError(f"This {label} file could not be read: {detail}") from exc
