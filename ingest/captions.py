"""Timed captions (WebVTT from Zoom, Teams or broadcast captioning; SubRip .srt) -> turns.

A cue is one timed block. Its speaker comes from a voice tag (`<v Name>`, Teams),
a `Name:` label (Zoom), or only a change marker (`>>`, broadcast captions: the
speaker is unknown, but a new turn starts). Consecutive cues of one speaker are
one turn, timed by its first cue; its lines are the cue text lines it spans.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ingest.clean import Block, normalise
from ingest.transcript_labels import accept, candidate, role_of, seconds
from ingest.transcript_text import Line

_TIMING = re.compile(
    r"^(?P<start>(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}"
)
_VOICE = re.compile(r"^<v(?:\.[^\s>]*)?\s+(?P<name>[^>]+)>")
_TAG = re.compile(r"</?[a-z][^>]*>|</v>", re.I)
_CHANGE = re.compile(r"^\s*>>>?\s*")
_HEADER = re.compile(r"^(?:WEBVTT|NOTE|STYLE|REGION)\b")


@dataclass
class Cue:
    start: str  # as written
    lines: list[Line]
    speaker: str | None = None
    change: bool = False  # a `>>` marker: a new (unnamed) speaker
    text: str = ""


def looks_like_captions(head: str) -> bool:
    text = head.removeprefix("\ufeff").lstrip()
    if text.startswith("WEBVTT"):
        return True
    first = text.splitlines()[:3]
    return len(first) >= 2 and first[0].strip().isdigit() and bool(_TIMING.match(first[1]))


def cues(lines: list[Line]) -> list[Cue]:
    found: list[Cue] = []
    current: Cue | None = None
    for line in lines:
        text = line.text.strip()
        timing = _TIMING.match(text)
        if timing:
            current = Cue(timing.group("start"), [])
            found.append(current)
        elif not text:
            current = None
        elif current is not None:
            current.lines.append(Line(line.number, html.unescape(text), line.page))
    return [c for c in found if c.lines]


def _read(cue: Cue, speakers: set[str]) -> None:
    first = cue.lines[0].text
    voice = _VOICE.match(first)
    if voice:
        cue.speaker = voice.group("name").strip()
    words = " ".join(line.text for line in cue.lines)
    if _CHANGE.match(words):
        cue.change, words = True, _CHANGE.sub("", words, count=1)
    words = _TAG.sub("", words)
    label = candidate(words)
    if cue.speaker is None and label is not None and label.name in speakers:
        cue.speaker, words = label.name, label.rest
    cue.text = normalise(words)


def turn_blocks(lines: list[Line]) -> list[Block]:
    found = cues(lines)
    labels = [lab for cue in found if (lab := candidate(_TAG.sub("", cue.lines[0].text)))]
    speakers = accept(labels, at_least=1)
    for cue in found:
        _read(cue, speakers)
    blocks: list[Block] = []
    turn: list[Cue] = []
    number = 0
    for cue in found:
        named_change = cue.speaker is not None and (not turn or cue.speaker != turn[0].speaker)
        if turn and (cue.change or named_change):
            number += 1
            blocks.append(_block(turn, number))
            turn = []
        turn.append(cue)
    if turn:
        number += 1
        blocks.append(_block(turn, number))
    return blocks


def _block(turn: list[Cue], number: int) -> Block:
    speaker = turn[0].speaker
    text = normalise(" ".join(cue.text for cue in turn))
    numbers = [line.number for cue in turn for line in cue.lines if line.number is not None]
    return Block(
        "turn",
        f"{speaker}: {text}" if speaker else text,
        None,
        speaker=speaker,
        turn=number,
        speaker_role=role_of(speaker)[0] if speaker else None,
        line_start=min(numbers) if numbers else None,
        line_end=max(numbers) if numbers else None,
        timestamp=seconds(turn[0].start),
        timestamp_label=turn[0].start,
    )
