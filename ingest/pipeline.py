"""File -> ParsedDocument: the same steps for every format.

pick adapter -> extract elements -> clean -> (transcript turns | sections)
-> full text, page map and passages. Pure: no database, no index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ingest import layout, metadata, transcript
from ingest.clean import clean
from ingest.errors import IngestError, NeedsOCR
from ingest.formats import registry
from ingest.formats.base import Extracted, FileProbe
from ingest.formats.zipguard import check_container


@dataclass(frozen=True)
class ParsedPassage:
    ordinal: int
    heading_path: list[str]
    page_start: int | None
    page_end: int | None
    start: int
    end: int
    speaker: str | None
    text: str


@dataclass
class ParsedDocument:
    format: str
    text: str
    page_count: int | None
    page_offsets: list[int]
    passages: list[ParsedPassage]
    title: str
    date: dt.date | None
    organisation: str | None
    source_type: str
    document_type: str
    status: str = "ready"  # or "needs_ocr"
    message: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ParseOptions:
    source_type: str | None = None
    document_type: str | None = None
    organisation: str | None = None
    max_chars: int = 1500
    max_unzipped_bytes: int = 500 * 2**20


def parse_file(path: Path, original_name: str, options: ParseOptions) -> ParsedDocument:
    probe = FileProbe.of(path, original_name)
    adapter = registry.pick(probe)
    if getattr(adapter, "zip_container", False):
        check_container(path, adapter.name.upper(), options.max_unzipped_bytes)
    try:
        extracted = adapter.extract(path)
    except NeedsOCR as exc:
        return _needs_ocr(adapter.name, original_name, options, exc)
    return _build(adapter.name, extracted, original_name, options)


def _build(fmt: str, extracted: Extracted, name: str, options: ParseOptions) -> ParsedDocument:
    is_transcript = options.source_type == "interview" or (
        options.source_type is None and transcript.looks_like_transcript(extracted.elements)
    )
    blocks = (
        transcript.turn_blocks(extracted.elements) if is_transcript else clean(extracted.elements)
    )
    if not blocks:
        raise IngestError("No text was found in this file.")
    text, spans = layout.assemble(blocks)
    page_count = extracted.page_count or _max_page(blocks)
    drafts = (
        layout.split_turns(spans, options.max_chars)
        if is_transcript
        else layout.split_sections(spans, options.max_chars)
    )
    source_type = options.source_type or ("interview" if is_transcript else "document")
    title = metadata.guess_title(blocks, extracted.title, name)
    return ParsedDocument(
        format=fmt,
        text=text,
        page_count=page_count,
        page_offsets=layout.page_offsets(spans, page_count),
        passages=[_passage(i, d, text) for i, d in enumerate(drafts)],
        title=title,
        date=metadata.guess_date(text, name),
        organisation=options.organisation or metadata.guess_organisation(text),
        source_type=source_type,
        document_type=options.document_type
        or metadata.guess_document_type(title, name, source_type),
    )


def _passage(ordinal: int, draft: layout.PassageDraft, text: str) -> ParsedPassage:
    page_start, page_end = draft.pages()
    return ParsedPassage(
        ordinal=ordinal,
        heading_path=draft.heading_path,
        page_start=page_start,
        page_end=page_end,
        start=draft.start,
        end=draft.end,
        speaker=draft.speaker,
        text=text[draft.start : draft.end],
    )


def _max_page(blocks: list) -> int | None:
    pages = [b.page for b in blocks if b.page is not None]
    return max(pages) if pages else None


def _needs_ocr(fmt: str, name: str, options: ParseOptions, exc: NeedsOCR) -> ParsedDocument:
    source_type = options.source_type or "document"
    title = Path(name).stem.replace("_", " ").replace("-", " ")
    return ParsedDocument(
        format=fmt,
        text="",
        page_count=exc.page_count,
        page_offsets=[0] * exc.page_count,
        passages=[],
        title=title,
        date=metadata.guess_date("", name),
        organisation=options.organisation,
        source_type=source_type,
        document_type=options.document_type
        or metadata.guess_document_type(title, name, source_type),
        status="needs_ocr",
        message=exc.message,
    )
