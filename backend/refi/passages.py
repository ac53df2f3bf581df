"""Passages for a text that arrives whole (an imported source), cut by ingest's own splitter.

Ingest builds its text from blocks joined by blank lines; here the text is given, so each line
(or run of lines) between line breaks becomes a block at its exact offsets and
`ingest.layout` cuts passages from those spans as it does at ingest: at most `max_chars`, at
sentence ends where possible, one passage per speaker turn in interviews. The text itself is
never changed, so every passage is `text[start:end]` and imported offsets stay valid. What ingest
knew from the original file's layout (headings, hence heading paths) is not in a plain text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ingest import layout
from ingest.clean import Block
from ingest.transcript import opens_turn

_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class PassageRow:
    ordinal: int
    heading_path: list[str]
    page_start: int | None
    page_end: int | None
    start: int
    end: int
    speaker: str | None
    text: str


def spans(text: str, page_offsets: list[int], transcript: bool) -> list[layout.Span]:
    """One span per non-blank line, trimmed, with the page it starts on."""
    found: list[layout.Span] = []
    for match in _LINE.finditer(text):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        end = start + len(stripped)
        page = bisect.bisect_right(page_offsets, start) if page_offsets else None
        speaker = stripped.split(":", 1)[0].strip() if transcript and opens_turn(stripped) else None
        kind = "turn" if speaker else "text"
        found.append(layout.Span(Block(kind, stripped, page, speaker=speaker), start, end))
    return found


def split(text: str, page_offsets: list[int], transcript: bool, max_chars: int) -> list[PassageRow]:
    cut = spans(text, page_offsets, transcript)
    drafts = (
        layout.split_turns(cut, max_chars) if transcript else layout.split_sections(cut, max_chars)
    )
    rows = []
    for ordinal, draft in enumerate(drafts):
        page_start, page_end = draft.pages()
        rows.append(
            PassageRow(
                ordinal=ordinal,
                heading_path=draft.heading_path,
                page_start=page_start,
                page_end=page_end,
                start=draft.start,
                end=draft.end,
                speaker=draft.speaker,
                text=text[draft.start : draft.end],
            )
        )
    return rows
