"""Blocks -> the stored full text, its page map and its passages.

The full text is the blocks joined by blank lines. Every passage is a span
[start, end) of that text (Unicode code points), so a passage, a highlight or
an annotation always points back to exactly the stored words.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from ingest.clean import Block

SEPARATOR = "\n\n"
# A contents page heads only its own entries: it is no section's parent heading. Its
# entries ("Introduction ....... 3"), even in a heading's font, are not headings.
CONTENTS = re.compile(r"^(?:table of )?contents(?: page)?$", re.I)
_CONTENTS_ENTRY = re.compile(r"(?:\.{3,}|…|(?:\s\.){3,})\s*\d{1,4}$")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])[\"'”’)\]]*\s+")


@dataclass(frozen=True)
class Span:
    block: Block
    start: int
    end: int


@dataclass
class PassageDraft:
    heading_path: list[str]
    spans: list[Span] = field(default_factory=list)
    speaker: str | None = None
    turn: int | None = None

    @property
    def start(self) -> int:
        return self.spans[0].start

    @property
    def end(self) -> int:
        return self.spans[-1].end

    @property
    def size(self) -> int:
        return self.end - self.start if self.spans else 0

    def pages(self) -> tuple[int | None, int | None]:
        pages = [s.block.page for s in self.spans if s.block.page is not None]
        return (min(pages), max(pages)) if pages else (None, None)

    def has_body(self) -> bool:
        return any(s.block.kind != "title" for s in self.spans)

    def lines(self) -> tuple[int | None, int | None]:
        starts = [s.block.line_start for s in self.spans if s.block.line_start is not None]
        ends = [s.block.line_end for s in self.spans if s.block.line_end is not None]
        return (min(starts) if starts else None, max(ends) if ends else None)


def assemble(blocks: list[Block]) -> tuple[str, list[Span]]:
    parts: list[str] = []
    spans: list[Span] = []
    cursor = 0
    for block in blocks:
        if parts:
            parts.append(SEPARATOR)
            cursor += len(SEPARATOR)
        parts.append(block.text)
        spans.append(Span(block, cursor, cursor + len(block.text)))
        cursor += len(block.text)
    return "".join(parts), spans


def page_offsets(spans: list[Span], page_count: int | None) -> list[int]:
    """offsets[i] is where page i+1 starts in the text; empty pages share the next start."""
    if not page_count:
        return []
    starts: dict[int, int] = {}
    for span in spans:
        if span.block.page is not None:
            starts.setdefault(span.block.page, span.start)
    end = spans[-1].end if spans else 0
    offsets = [end] * page_count
    following = end
    for page in range(page_count, 0, -1):
        following = starts.get(page, following)
        offsets[page - 1] = following
    offsets[0] = 0
    return offsets


def split_sections(spans: list[Span], max_chars: int) -> list[PassageDraft]:
    """A new passage at each heading (once the current one has body text) or at max size."""
    drafts: list[PassageDraft] = []
    headings: list[tuple[int, str]] = []  # (depth, text) of the headings over this point
    current = PassageDraft(heading_path=[])
    for span in _bounded(spans, max_chars):
        block = span.block
        is_title = block.kind == "title" and not _CONTENTS_ENTRY.search(block.text)
        if current.spans and (
            (is_title and current.has_body()) or span.end - current.start > max_chars
        ):
            drafts.append(current)
            current = PassageDraft(heading_path=[text for _, text in headings])
        if is_title:
            headings = [
                (depth, text)
                for depth, text in headings
                if depth < block.depth and not CONTENTS.match(text.strip(" .:"))
            ]
            headings.append((block.depth, block.text[:200]))
            current.heading_path = [text for _, text in headings]
        current.spans.append(span)
    if current.spans:
        drafts.append(current)
    return drafts


def _bounded(spans: list[Span], max_chars: int) -> list[Span]:
    """Split blocks longer than max_chars at sentence ends (else at spaces)."""
    out: list[Span] = []
    for span in spans:
        if span.end - span.start <= max_chars:
            out.append(span)
            continue
        out.extend(_pieces(span, max_chars))
    return out


def _pieces(span: Span, max_chars: int) -> list[Span]:
    text = span.block.text
    cuts = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    pieces: list[Span] = []
    start = 0
    while start < len(text):
        limit = start + max_chars
        fitting = [c for c in cuts if start < c <= limit]
        cut = fitting[-1] if fitting else _space_before(text, start, limit)
        piece = text[start:cut].rstrip()
        offset = span.start + start
        pieces.append(Span(_sub_block(span.block, piece), offset, offset + len(piece)))
        start = cut
        while start < len(text) and text[start].isspace():
            start += 1
    return pieces


def _space_before(text: str, start: int, limit: int) -> int:
    if limit >= len(text):
        return len(text)
    space = text.rfind(" ", start + 1, limit)
    return space if space > start else limit


def _sub_block(block: Block, text: str) -> Block:
    return dataclasses.replace(block, text=text)


def _same_turn(draft: PassageDraft, block: Block) -> bool:
    """Paragraphs of one numbered turn go together, and so do untimed text paragraphs."""
    if block.turn is None:
        return draft.turn is None and draft.speaker is None and block.speaker is None
    return draft.turn == block.turn and draft.speaker == block.speaker


def split_turns(spans: list[Span], max_chars: int) -> list[PassageDraft]:
    """Transcripts: one passage per speaker turn, its paragraphs together (a long turn is
    cut at paragraph or sentence ends); headings inside a transcript head what follows."""
    drafts: list[PassageDraft] = []
    headings: list[str] = []
    current: PassageDraft | None = None
    for span in _bounded(spans, max_chars):
        block = span.block
        if block.kind == "title":
            headings = headings[: block.depth] + [block.text[:200]]
        fits = current is not None and span.end - current.start <= max_chars
        if current is not None and fits and block.kind != "title" and not current.has_body():
            current.speaker, current.turn = block.speaker, block.turn  # under its heading
        elif current is None or block.kind == "title" or not (_same_turn(current, block) and fits):
            current = PassageDraft(list(headings), speaker=block.speaker, turn=block.turn)
            drafts.append(current)
        current.spans.append(span)
    return drafts
