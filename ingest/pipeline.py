"""File -> ParsedDocument: the same steps for every format.

pick adapter -> extract elements -> clean -> (transcript turns | sections)
-> full text, page map and passages. Pure: no database, no index.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest import align, dates, layout, metadata, transcript
from ingest import ocr as ocr_module
from ingest.clean import Block, clean
from ingest.errors import IngestError, NeedsOCR
from ingest.formats import registry
from ingest.formats.base import Extracted, FileProbe
from ingest.formats.image import ImageAdapter
from ingest.formats.pdf import PdfAdapter
from ingest.formats.zipguard import check_container
from ingest.ocr import OcrOptions, PageSource
from ingest.transcript_labels import role_of


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
    # Transcripts only (see ARCHITECTURE.md, "Locations").
    turn: int | None = None
    speaker_role: str | None = None  # "interviewer", "interviewee", None when unknown
    line_start: int | None = None
    line_end: int | None = None
    timestamp: float | None = None  # seconds from the start of the recording
    timestamp_label: str | None = None  # as written in the file ("00:12:34")
    # Paged sources: "ocr" if OCR read any of its pages, else "text_layer"; OCR's lowest
    # page confidence (0-100) over its pages.
    text_source: str | None = None
    ocr_confidence: float | None = None


# Where page numbers come from: a real rendering (PDF), Word's saved layout markers
# (an estimate), or nowhere (text, markup, transcripts).
RENDERED, APPROXIMATE, NO_PAGES = "rendered", "approximate", "none"
MIN_ALIGNED = 0.9  # below this share of words found in the rendering, say so
NO_LAYOUT = " The file has no saved page layout either, so it has no page numbers."


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
    pagination: str = NO_PAGES
    status: str = "ready"  # or "needs_ocr"
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    page_sources: list[PageSource] = field(default_factory=list)  # text layer or OCR, per page
    # How each metadata field was chosen: a guessing rule's name, or "upload" when the
    # upload said it (see ingest/metadata.py).
    metadata_sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParseOptions:
    source_type: str | None = None
    document_type: str | None = None
    organisation: str | None = None
    max_chars: int = 1500
    max_unzipped_bytes: int = 500 * 2**20
    languages: str = ocr_module.DEFAULT_LANGUAGES  # OCR language packs, "+"-joined
    progress: ocr_module.Progress | None = None  # (page, pages) as each page is read


def parse_file(path: Path, original_name: str, options: ParseOptions) -> ParsedDocument:
    probe = FileProbe.of(path, original_name)
    adapter = registry.pick(probe)
    if getattr(adapter, "zip_container", False):
        check_container(path, adapter.name.upper(), options.max_unzipped_bytes)
    if adapter.name in transcript.TEXT_FORMATS and options.source_type in (None, "interview"):
        # Transcripts are read from the file's own lines, before any general parser.
        lines = transcript.read_lines(path)
        turns = transcript.text_blocks(lines, forced=options.source_type == "interview")
        if turns is not None:
            return _build(adapter.name, Extracted(elements=[]), original_name, options, turns)
    try:
        if isinstance(adapter, PdfAdapter | ImageAdapter):
            ocr = OcrOptions(ocr_module.check_languages(options.languages), options.progress)
            extracted = adapter.extract(path, ocr)
        else:
            extracted = adapter.extract(path)
    except NeedsOCR as exc:
        return _needs_ocr(adapter.name, original_name, options, exc)
    return _build(adapter.name, extracted, original_name, options)


def _blocks(fmt: str, extracted: Extracted, options: ParseOptions) -> tuple[list[Block], bool]:
    """(blocks, is it a transcript)."""
    elements = extracted.elements
    if options.source_type == "interview" or (
        options.source_type is None and transcript.looks_like_transcript(elements)
    ):
        return transcript.turn_blocks(elements, numbered=fmt == "docx"), True
    return clean(elements), False


def _build(
    fmt: str,
    extracted: Extracted,
    name: str,
    options: ParseOptions,
    turns: list[Block] | None = None,
) -> ParsedDocument:
    blocks, is_transcript = (turns, True) if turns is not None else _blocks(fmt, extracted, options)
    if not blocks:
        raise IngestError("No text was found in this file.")
    text, spans = layout.assemble(blocks)
    pages = _pages(text, spans, extracted, is_transcript and fmt != "pdf")
    offsets = pages.offsets
    drafts = (
        layout.split_turns(spans, options.max_chars)
        if is_transcript
        else layout.split_sections(spans, options.max_chars)
    )
    source_type = options.source_type or ("interview" if is_transcript else "document")
    title = metadata.title_guess(blocks, extracted.title, name)
    date = dates.guess(text, name)
    organisation, organisation_rule = (
        (options.organisation, "upload")
        if options.organisation
        else metadata.organisation_guess(text)
    )
    return ParsedDocument(
        format=fmt,
        text=text,
        page_count=pages.count,
        page_offsets=offsets,
        pagination=pages.pagination,
        warnings=[
            *extracted.warnings,
            *pages.warnings,
            *_assumed_roles(blocks),
            *_low_confidence(extracted.page_sources),
        ],
        page_sources=extracted.page_sources,
        passages=[
            _with_source(_passage(i, d, text, offsets), extracted.page_sources)
            for i, d in enumerate(drafts)
        ],
        title=title.value,
        date=date.date,
        organisation=organisation,
        source_type=source_type,
        document_type=options.document_type
        or metadata.guess_document_type(title.value, name, source_type),
        metadata_sources=_sources(options, title, date, organisation_rule),
    )


def _sources(
    options: ParseOptions, title: metadata.Guess, date: dates.DateGuess, organisation: str
) -> dict[str, str]:
    """Which rule chose each field ("none": no guess was found); "upload" when the upload
    set it."""
    return {
        "title": title.source,
        "date": date.rule or "none",
        "organisation": organisation,
        "document_type": "upload" if options.document_type else "guess",
        "source_type": "upload" if options.source_type else "guess",
    }


@dataclass
class _Pages:
    count: int | None
    offsets: list[int]
    pagination: str
    warnings: list[str] = field(default_factory=list)


def _pages(
    text: str, spans: list[layout.Span], extracted: Extracted, cited_by_turn: bool
) -> _Pages:
    """The page map: from the format itself, or from a real rendering aligned with the
    text. Transcripts (but PDFs) are cited by turn and line: they have no pages."""
    if cited_by_turn:
        return _Pages(None, [], NO_PAGES)
    count = extracted.page_count or _max_page([s.block for s in spans])
    pages = _Pages(count, layout.page_offsets(spans, count), extracted.pagination)
    if extracted.renderer is None:
        pages.pagination = pages.pagination if count else NO_PAGES
        return pages
    rendering = extracted.renderer()
    if rendering.pages is None:
        pages.warnings.append(rendering.why_not + ("" if count else NO_LAYOUT))
        pages.pagination = APPROXIMATE if count else NO_PAGES
        return pages
    offsets, found = align.page_offsets(text, rendering.pages)
    if found < MIN_ALIGNED:
        pages.warnings.append(
            f"Only {found:.0%} of the text was found in the rendered pages; "
            "page numbers may be off."
        )
    return _Pages(len(rendering.pages), offsets, RENDERED, pages.warnings)


def _assumed_roles(blocks: list[Block]) -> list[str]:
    """Roles read from abbreviations (Q, A, I, R, P1) are assumptions: say so."""
    assumed = {
        b.speaker: role
        for b in blocks
        if b.speaker and (role := role_of(b.speaker))[1] == "convention"
    }
    if not assumed:
        return []
    taken = ", ".join(f"'{name}' taken as {role[0]}" for name, role in assumed.items())
    return [
        f"Speaker roles assumed from the labels' usual meaning: {taken}; set them per "
        "document if that is wrong."
    ]


def _with_source(passage: ParsedPassage, sources: list[PageSource]) -> ParsedPassage:
    if not sources or passage.page_start is None:
        return passage
    last = passage.page_end or passage.page_start
    pages = [s for s in sources if passage.page_start <= s.page <= last]
    scores = [s.confidence for s in pages if s.confidence is not None]
    ocr_read = any(s.text_source == "ocr" for s in pages)
    return replace(
        passage,
        text_source="ocr" if ocr_read else "text_layer",
        ocr_confidence=min(scores) if scores else None,
    )


def _low_confidence(sources: list[PageSource]) -> list[str]:
    low = [str(source.page) for source in sources if source.low_confidence]
    if not low:
        return []
    return [
        f"OCR read page{'s' if len(low) > 1 else ''} {', '.join(low)} with low confidence "
        f"(below {ocr_module.LOW_CONFIDENCE:.0f}%); check the text against the original."
    ]


def _page_of(offsets: list[int], position: int) -> int | None:
    """The page a text position is on, from the page map (as annotations derive it)."""
    return bisect.bisect_right(offsets, position) if offsets else None


def _passage(
    ordinal: int, draft: layout.PassageDraft, text: str, offsets: list[int]
) -> ParsedPassage:
    page_start, page_end = _page_of(offsets, draft.start), _page_of(offsets, draft.end - 1)
    # The speech, not a heading that stands at the head of the passage.
    first = next((s.block for s in draft.spans if s.block.kind != "title"), draft.spans[0].block)
    line_start, line_end = draft.lines()
    return ParsedPassage(
        ordinal=ordinal,
        heading_path=draft.heading_path,
        page_start=page_start,
        page_end=page_end,
        start=draft.start,
        end=draft.end,
        speaker=draft.speaker,
        text=text[draft.start : draft.end],
        turn=draft.turn,
        speaker_role=first.speaker_role,
        line_start=line_start,
        line_end=line_end,
        timestamp=first.timestamp,
        timestamp_label=first.timestamp_label,
    )


def _max_page(blocks: list) -> int | None:
    pages = [b.page for b in blocks if b.page is not None]
    return max(pages) if pages else None


def _needs_ocr(fmt: str, name: str, options: ParseOptions, exc: NeedsOCR) -> ParsedDocument:
    source_type = options.source_type or "document"
    title = metadata.title_guess([], None, name)
    date = dates.guess("", name)
    return ParsedDocument(
        format=fmt,
        text="",
        page_count=exc.page_count,
        page_offsets=[0] * exc.page_count,
        passages=[],
        title=title.value,
        date=date.date,
        organisation=options.organisation,
        source_type=source_type,
        document_type=options.document_type
        or metadata.guess_document_type(title.value, name, source_type),
        metadata_sources=_sources(
            options, title, date, "upload" if options.organisation else "none"
        ),
        pagination=RENDERED,
        status="needs_ocr",
        message=exc.message,
    )
