"""Plain text, Markdown and HTML."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from unstructured.cleaners.core import (
    auto_paragraph_grouper,
    blank_line_grouper,
    new_line_grouper,
)

from ingest.formats.base import Extracted, FileProbe
from ingest.formats.partition import run_partitioner
from ingest.transcript import opens_turn


def looks_textual(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


class _MarkupAdapter:
    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]

    def score(self, probe: FileProbe) -> int:
        if probe.extension in self.extensions and looks_textual(probe.head):
            return 60
        return 0

    def extract(self, path: Path) -> Extracted:
        return Extracted(elements=run_partitioner(self.name, path))


class HtmlAdapter(_MarkupAdapter):
    name = "html"
    extensions = ("html", "htm", "xhtml")

    def score(self, probe: FileProbe) -> int:
        start = probe.head[:512].lstrip().lower()
        if start.startswith((b"<!doctype html", b"<html")):
            return 70
        return super().score(probe)


class MarkdownAdapter(_MarkupAdapter):
    name = "md"
    extensions = ("md", "markdown")


class TextAdapter(_MarkupAdapter):
    name = "txt"
    extensions = ("txt", "text")

    def score(self, probe: FileProbe) -> int:
        # Any other readable text (a transcript with no extension, .vtt...) is a last resort.
        return super().score(probe) or (10 if looks_textual(probe.head) else 0)

    def extract(self, path: Path) -> Extracted:
        return Extracted(
            elements=run_partitioner(self.name, path, paragraph_grouper=_group_paragraphs)
        )


def _group_paragraphs(text: str) -> str:
    """unstructured's grouping, except that a line opening a speaker turn (`P3: ...`) always
    starts a new paragraph. When a file has blank lines, unstructured joins consecutive lines
    into one paragraph, which would glue the one-line turns of a transcript together."""
    by_line = new_line_grouper(text)
    if auto_paragraph_grouper(text) == by_line:  # every line already stands alone
        return by_line
    lines = text.splitlines()
    return blank_line_grouper("\n".join(f"\n{ln}" if opens_turn(ln) else ln for ln in lines))
