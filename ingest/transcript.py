"""Interview transcripts: turns such as `Interviewer:`, `P3:` or `R:` become blocks
with their speaker, so each turn becomes a passage that knows who spoke."""

from __future__ import annotations

import re

from unstructured.documents.elements import Element

from ingest.clean import Block, normalise

# An optional [00:12:34] time stamp, then a short label and a colon.
_TURN = re.compile(
    r"^\s*(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?\s*)?"
    r"(?P<speaker>[A-Z][A-Za-z]{0,20}(?:[ .]?[A-Z0-9][A-Za-z0-9]{0,20}){0,2}|[A-Z]?\d{1,3})"
    r"\s*:\s*(?P<rest>\S.*)?$"
)
_NOT_SPEAKERS = {"Note", "Notes", "Date", "Time", "Location", "Subject", "Re", "Title", "Duration"}
MIN_TURNS = 4


def _lines(elements: list[Element]) -> list[tuple[str, int | None]]:
    return [
        (line, e.metadata.page_number)
        for e in elements
        for line in (e.text or "").splitlines()
        if line.strip()
    ]


def _label(line: str) -> tuple[str, str] | None:
    m = _TURN.match(line)
    if not m or m.group("speaker") in _NOT_SPEAKERS:
        return None
    return m.group("speaker"), m.group("rest") or ""


def opens_turn(line: str) -> bool:
    """True for a line that starts a speaker turn (`P3: ...`)."""
    return _label(line) is not None


def looks_like_transcript(elements: list[Element]) -> bool:
    lines = _lines(elements)
    labels = [lab for line, _ in lines if (lab := _label(line))]
    speakers = {speaker for speaker, _ in labels}
    return len(labels) >= MIN_TURNS and len(speakers) >= 2 and len(labels) >= 0.4 * len(lines)


def turn_blocks(elements: list[Element]) -> list[Block]:
    """Lines before the first turn are kept as plain text blocks (title, date...)."""
    blocks: list[Block] = []
    speaker: str | None = None
    words: list[str] = []
    page: int | None = None

    def flush() -> None:
        text = normalise(" ".join(words))
        if text:
            kind, label = ("turn", f"{speaker}: ") if speaker else ("text", "")
            blocks.append(Block(kind, label + text, page, speaker=speaker))

    for line, line_page in _lines(elements):
        labelled = _label(line)
        if labelled or speaker is None:
            flush()
            speaker, rest = labelled if labelled else (None, line)
            words, page = [rest], line_page
        else:
            words.append(line)
    flush()
    return blocks
