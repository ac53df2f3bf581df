"""Text transcripts (plain text, Markdown, or a DOCX's paragraphs) -> turn blocks.

Lines are read as a reader numbers them (1-based, blank lines and front matter
counted). A turn is one labelled speaker block; an unlabelled paragraph after
it continues it (same turn number, its own lines). Markdown headings inside the
transcript are headings, not speech. Lines before the first turn (front matter,
titles, consent statements) and after an Otter footer are plain text blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from ingest.clean import Block, normalise
from ingest.transcript_labels import Label, accept, candidate, leading_time, role_of, seconds

MIN_TURNS = 4
MIN_TURN_SHARE = 0.3  # of paragraphs: below this, labels are incidental ("Note:")
_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*$")
_OTTER_FOOTER = re.compile(r"^transcribed by (?:https://)?otter\.ai\b", re.I)


@dataclass(frozen=True)
class Line:
    number: int | None  # 1-based line (or paragraph) number; None when unknown (PDF)
    text: str
    page: int | None = None

    @cached_property
    def label(self) -> Label | None:
        """The speaker label the line opens with, read once: a file is scanned four
        times (speakers, turns, paragraphs, blocks) and reading labels was most of it."""
        return candidate(self.text)


@dataclass
class _Paragraph:
    lines: list[Line] = field(default_factory=list)
    label: Label | None = None  # set on the first paragraph of a turn

    def text(self) -> str:
        parts = [self.label.rest] if self.label else []
        parts += [line.text for line in self.lines]
        return normalise(" ".join(p for p in parts if p))


@dataclass
class _State:
    speakers: set[str]
    blocks: list[Block] = field(default_factory=list)
    speaker: str | None = None
    turn: int = 0
    in_turn: bool = False
    paragraph: _Paragraph = field(default_factory=_Paragraph)
    first_line: Line | None = None


def text_lines(text: str) -> list[Line]:
    text = text.removeprefix("\ufeff")
    return [Line(i, line) for i, line in enumerate(text.splitlines(), start=1)]


def front_matter_end(lines: list[Line]) -> int:
    """Index after a YAML front-matter block (`---` ... `---`), or 0."""
    if not lines or lines[0].text.strip() != "---":
        return 0
    for index in range(1, min(len(lines), 200)):
        if lines[index].text.strip() in ("---", "..."):
            return index + 1
    return 0


def speakers_of(lines: list[Line]) -> set[str]:
    return accept([lab for line in lines if (lab := line.label)])


def is_transcript(lines: list[Line]) -> bool:
    body = lines[front_matter_end(lines) :]
    speakers = speakers_of(body)
    turns = sum(1 for ln in body if (lab := ln.label) and lab.name in speakers)
    paragraphs = _paragraph_count(body)
    return turns >= MIN_TURNS and len(speakers) >= 2 and turns >= MIN_TURN_SHARE * paragraphs


def _paragraph_count(lines: list[Line]) -> int:
    count, blank = 0, True
    for line in lines:
        if not line.text.strip():
            blank = True
        elif blank or line.label:
            count, blank = count + 1, False
    return count


def turn_blocks(lines: list[Line]) -> list[Block]:
    start = front_matter_end(lines)
    state = _State(speakers_of(lines[start:]))
    if start:
        _emit(state, lines[:start], None, "text")
    for line in lines[start:]:
        _feed(state, line)
    _flush(state)
    return state.blocks


def _feed(state: _State, line: Line) -> None:
    stripped = line.text.strip()
    label = line.label  # candidate() strips the line itself
    if label is not None and label.name in state.speakers:
        _flush(state)
        state.turn += 1
        state.speaker, state.in_turn = label.name, True
        state.paragraph = _Paragraph([], label)
        state.first_line = line
    elif not stripped:
        _flush(state)
    elif (heading := _HEADING.match(stripped)) is not None:
        if state.paragraph.lines or (state.paragraph.label and state.paragraph.label.rest):
            _flush(state)  # a label alone waits for its speech below the heading
        _emit(state, [Line(line.number, heading.group("text"), line.page)], None, "title")
    elif _OTTER_FOOTER.match(stripped):
        _flush(state)
        state.speaker, state.in_turn = None, False
        _emit(state, [line], None, "text")
    else:
        if not state.paragraph.lines and state.paragraph.label is None:
            state.first_line = line
        state.paragraph.lines.append(line)


def _flush(state: _State) -> None:
    paragraph = state.paragraph
    if not paragraph.lines and paragraph.label is None:
        return
    first = state.first_line
    lines = ([first] if first is not None else []) + paragraph.lines
    text = paragraph.text()
    if paragraph.label is not None:  # the turn's first paragraph says who speaks
        text = f"{paragraph.label.name}: {text}".rstrip()
    stamp = (paragraph.label.time if paragraph.label else None) or leading_time(text_of(paragraph))
    if text:
        kind = "turn" if state.in_turn else "text"
        _emit(state, lines, stamp, kind, text)
    state.paragraph = _Paragraph()
    state.first_line = None


def text_of(paragraph: _Paragraph) -> str:
    return (
        paragraph.label.rest
        if paragraph.label and paragraph.label.rest
        else (paragraph.lines[0].text if paragraph.lines else "")
    )


def _emit(
    state: _State, lines: list[Line], stamp: str | None, kind: str, text: str | None = None
) -> None:
    text = text if text is not None else normalise(" ".join(line.text for line in lines))
    if not text:
        return
    numbers = [line.number for line in lines if line.number is not None]
    in_turn = kind == "turn"
    speaker = state.speaker if in_turn else None
    state.blocks.append(
        Block(
            kind,
            text,
            next((line.page for line in lines if line.page is not None), None),
            speaker=speaker,
            turn=state.turn if in_turn else None,
            speaker_role=role_of(speaker)[0] if speaker else None,
            line_start=min(numbers) if numbers else None,
            line_end=max(numbers) if numbers else None,
            timestamp=seconds(stamp),
            timestamp_label=stamp,
        )
    )
