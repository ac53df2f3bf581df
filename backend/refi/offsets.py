"""Where another tool's selection really is: the unit its positions count in, and whether the
text at those positions is plausible.

REFI-QDA says `startPosition`/`endPosition` count characters (Unicode code points, our unit).
NVivo (Windows 12.x, Mac 12.x and 15) counts UTF-16 code units instead: a character outside
the Basic Multilingual Plane (an emoji, some CJK) counts 2. CRLF counts 2 in both units (two
code points, two code units), and a leading byte-order mark is not counted by anyone (the
reader drops it before positions are applied). So the two readings differ only after an
astral character, and only there is a choice to make.

Reading used for a file, in order:
1. the producer (`<Project origin>`): NVivo -> "utf16"; Evidence Workbench, QualCoder,
   Taguette, qc (qualitative-coding) -> "codepoint" (all Python or written to the spec);
2. otherwise (ATLAS.ti, MAXQDA, no origin): both readings are tried on every selection that
   sits after an astral character, and the one whose selections' edges fall on word
   boundaries more often (and are tidier: no stray whitespace) wins (a tie: the spec's
   "codepoint"). When the test is close (the loser at least
   half as plausible as the winner) the decision is not "certain", and every selection that
   both readings place plausibly but differently is held for review.

Every selection is then placed with that reading and checked: if its start or end falls inside
a word (or between a character and its combining mark, or inside a surrogate pair) while the
other reading's edges do not, it is not stored as an annotation but kept for review with both
candidates. Conversion uses the one UTF-16 helper there is, `annotations.anchoring`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from backend.annotations.anchoring import AnchorError, codepoint_offset

Reading = Literal["codepoint", "utf16"]
READINGS: tuple[Reading, ...] = ("codepoint", "utf16")
# Producers whose unit is known (matched case-insensitively against <Project origin>).
_UTF16 = re.compile(r"nvivo", re.IGNORECASE)
_CODEPOINT = re.compile(
    r"evidence workbench|qualcoder|taguette|qualitative[- ]coding|^qc\b", re.IGNORECASE
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Candidate:
    reading: Reading
    start: int  # code points in the stored text
    end: int
    plausible: bool


@dataclass(frozen=True)
class Placement:
    """How one selection was placed: `status` "placed" (at `start`/`end`, code points),
    "review" (two readings disagree and the chosen one is implausible), or "outside" (no
    reading puts it inside the text)."""

    status: Literal["placed", "review", "outside"]
    reading: Reading
    start: int | None
    end: int | None
    candidates: tuple[Candidate, ...]
    reason: str | None = None


@dataclass
class Decision:
    """The file's reading and why (`decided_by`: "producer", "tested" or "no difference")."""

    reading: Reading
    decided_by: str
    evidence: dict[Reading, int] = field(default_factory=dict)  # reading -> weight (_weight)
    # False when the test was close (the losing reading at least half as plausible as the
    # winner): then no selection whose readings differ is placed without a person choosing.
    certain: bool = True


def producer_reading(origin: str | None) -> Reading | None:
    if origin and _UTF16.search(origin):
        return "utf16"
    if origin and _CODEPOINT.search(origin.strip()):
        return "codepoint"
    return None


def has_astral(text: str) -> bool:
    return _ASTRAL.search(text) is not None


def convert(text: str, start: int, end: int, reading: Reading) -> tuple[int, int] | None:
    """File positions -> code points of `text`, or None if they do not fit it."""
    if reading == "utf16":
        try:
            start, end = codepoint_offset(text, start), codepoint_offset(text, end)
        except AnchorError:
            return None
    if not 0 <= start < end <= len(text):
        return None
    return start, end


def _cuts(text: str, pos: int) -> bool:
    """True when an edge at `pos` splits a word or a character from its combining mark."""
    if pos <= 0 or pos >= len(text):
        return False
    after = text[pos]
    if unicodedata.combining(after) or 0xFE00 <= ord(after) <= 0xFE0F or after == "\u200d":
        return True
    return text[pos - 1].isalnum() and after.isalnum()


def plausible(text: str, start: int, end: int) -> bool:
    return not _cuts(text, start) and not _cuts(text, end) and not text[start:end].isspace()


def _weight(text: str, c: Candidate) -> int:
    """Evidence for a reading from one selection: 2 when its edges cut no word, 1 more when
    they are also tidy (no leading or trailing whitespace, as a coder's drag usually gives)."""
    if not c.plausible:
        return 0
    return 2 + (not text[c.start].isspace() and not text[c.end - 1].isspace())


def candidates(text: str, start: int, end: int) -> list[Candidate]:
    found = []
    for reading in READINGS:
        span = convert(text, start, end, reading)
        if span is not None:
            found.append(Candidate(reading, *span, plausible(text, *span)))
    return found


def decide(origin: str | None, texts: Iterable[tuple[str, list[tuple[int, int]]]]) -> Decision:
    """The reading for a whole file. `texts`: (text, [(start, end) as written]) per source;
    only consumed when the producer does not settle it."""
    known = producer_reading(origin)
    if known is not None:
        return Decision(known, "producer")
    score = dict.fromkeys(READINGS, 0)
    for text, spans in texts:
        if not has_astral(text):
            continue
        for start, end in spans:
            found = candidates(text, start, end)
            if len(found) == len(READINGS) and len({(c.start, c.end) for c in found}) == 1:
                continue  # both readings agree: no evidence either way
            for c in found:
                score[c.reading] += _weight(text, c)
    if not any(score.values()):
        return Decision("codepoint", "no difference", score)
    best = max(READINGS, key=lambda r: (score[r], r == "codepoint"))  # a tie: the spec's unit
    other = score["utf16" if best == "codepoint" else "codepoint"]
    return Decision(best, "tested", score, certain=2 * other < score[best])


def place(text: str, start: int, end: int, reading: Reading, certain: bool = True) -> Placement:
    found = tuple(candidates(text, start, end))
    chosen = next((c for c in found if c.reading == reading), None)
    others = [c for c in found if c.reading != reading and (c.start, c.end) != _span(chosen)]
    if chosen is None:
        if any(c.plausible for c in others):
            return Placement("review", reading, None, None, found, "outside the text as read")
        return Placement("outside", reading, None, None, found, "outside the text")
    if not chosen.plausible and any(c.plausible for c in others):
        reason = "starts or ends inside a word as read; another reading does not"
        return Placement("review", reading, None, None, found, reason)
    if not certain and any(c.plausible for c in others):
        reason = "the file does not say which unit it counts in, and both readings fit"
        return Placement("review", reading, None, None, found, reason)
    return Placement("placed", reading, chosen.start, chosen.end, found)


def _span(c: Candidate | None) -> tuple[int, int] | None:
    return None if c is None else (c.start, c.end)
