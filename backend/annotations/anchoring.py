"""Annotation anchors: W3C TextPosition + TextQuote selectors, re-anchored across versions.

Pure functions, no database. Offsets are Unicode code points into a version's stored
`text` (see ARCHITECTURE.md, "Offsets"); browsers count UTF-16 code units, and
`utf16_offset` / `codepoint_offset` are the only place that converts between the two.

Re-anchoring a quote in a new version of the text (`reanchor`):

1. Exact: every occurrence of `exact` (a `str.find` loop). Each is scored by how well the
   text around it matches the stored prefix/suffix (Levenshtein similarity, 0..1). The best
   context wins; among equal contexts (repeated headers, footers, passages) the one nearest
   the expected position (old start scaled by the change in text length) wins.
2. Fuzzy, only if there is no acceptable exact occurrence: an approximate search
   (rapidfuzz) in a few windows of the new text - around the expected position and around
   the nearest exact hits of the prefix, suffix, and the quote's first and last
   `CONTEXT` characters (those catch large shifts, e.g. a new section inserted earlier).
   The match is aligned character by character to the stored quote with its context so
   the new span covers the quote only (text inserted right at its edges counts as
   context), and its edges are kept on whole words if the quote's were. It is accepted if
   the quote's Levenshtein similarity is at least `FUZZY_THRESHOLD`; the best of several
   windows has the highest quote + context similarity.
3. Otherwise the annotation is orphaned: `reanchor` returns None and the caller keeps it.

Short quotes (under `DISTINCTIVE` characters: a word, a number) also need their context to
agree (`MIN_CONTEXT`); otherwise an annotation on "funding" in a deleted paragraph would
silently jump to some other "funding" in the document.

Cost: exact is a few `str.find` scans plus one 32-character comparison per occurrence. The
fuzzy windows are bounded (`MAX_SLACK`), and quotes longer than `2 * CONTEXT` are located
by their two ends (64-character needles, rapidfuzz's bit-parallel fast path), so no step
does dynamic programming over the whole document.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein, Opcode

CONTEXT = 32  # characters of prefix/suffix stored with a quote (as Hypothesis does)

# A fuzzy match must have this Levenshtein similarity to the stored quote
# (1 - edits / longer length): at most a quarter of the quote edited.
FUZZY_THRESHOLD = 0.75
# Quotes shorter than this are common words or numbers: they are only re-anchored
# where the context (mean prefix/suffix similarity) is at least MIN_CONTEXT.
# Other occurrences of a word in the IFR policy score 0.19 (median), 0.47 (99th percentile).
DISTINCTIVE = 32
MIN_CONTEXT = 0.5
# Fuzzy window: expected start +- (WINDOW_FACTOR * quote length, at most MAX_SLACK)
# + 2 * CONTEXT characters.
WINDOW_FACTOR = 3
MAX_SLACK = 2000
# Prefix, suffix or quote ends shorter than this are too common to locate a window.
SEED_MIN = 8


class AnchorError(ValueError):
    """An offset or span that cannot be anchored."""


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Reanchored:
    anchor: Anchor
    method: Literal["exact", "fuzzy"]
    score: float  # 1.0 for exact; Levenshtein similarity of the quote for fuzzy


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    quote: float  # similarity of text[start:end] to the stored quote
    context: float  # mean prefix/suffix similarity


def make_anchor(text: str, start: int, end: int) -> Anchor:
    """Selectors for text[start:end] with up to CONTEXT characters either side."""
    if start < 0:
        raise AnchorError(f"start {start} is negative")
    if end > len(text):
        raise AnchorError(f"end {end} is past the end of the text ({len(text)} characters)")
    if start >= end:
        raise AnchorError(f"the span is empty or reversed (start {start}, end {end})")
    exact = text[start:end]
    if exact.isspace():
        raise AnchorError(f"the span {start}-{end} contains only whitespace")
    prefix = text[max(0, start - CONTEXT) : start]
    return Anchor(start, end, exact, prefix, text[end : end + CONTEXT])


def reanchor(anchor: Anchor, new_text: str, *, old_length: int | None = None) -> Reanchored | None:
    """Place `anchor` in `new_text`, or None if it must be orphaned.

    `old_length` is len() of the text the anchor was made on; with it the old start is
    scaled to the new text's length before measuring distances (without it, unscaled).
    """
    if not anchor.exact or anchor.exact.isspace():
        raise AnchorError("the anchor's quote is empty or only whitespace")
    expected = _expected_start(anchor, new_text, old_length)
    found = _exact_match(anchor, new_text, expected)
    if found is not None:
        return found
    return _fuzzy_match(anchor, new_text, expected)


def _expected_start(anchor: Anchor, text: str, old_length: int | None) -> int:
    # Edits spread through a document shift later anchors more, roughly in proportion.
    if old_length:
        return min(len(text), round(anchor.start * len(text) / old_length))
    return min(len(text), anchor.start)


def _occurrences(text: str, needle: str) -> Iterator[int]:
    pos = text.find(needle)
    while pos != -1:
        yield pos
        pos = text.find(needle, pos + 1)


def _context_similarity(anchor: Anchor, text: str, start: int, end: int) -> float:
    # Compare against a full CONTEXT window, so a prefix cut short by the start of the
    # document only matches near the start of the new text (and likewise suffixes).
    width_before = max(len(anchor.prefix), CONTEXT)
    width_after = max(len(anchor.suffix), CONTEXT)
    before = text[max(0, start - width_before) : start]
    after = text[end : end + width_after]
    return (
        Levenshtein.normalized_similarity(anchor.prefix, before)
        + Levenshtein.normalized_similarity(anchor.suffix, after)
    ) / 2


def _intact_context(anchor: Anchor, text: str) -> list[int]:
    """Starts of the quote where prefix + quote + suffix all survive (context score 1.0).

    The common case, found by one `str.find` scan instead of scoring every occurrence of
    the quote (a one-word quote can occur thousands of times). Only for full-width
    context: a prefix cut short by the document's start must be scored.
    """
    if len(anchor.prefix) < CONTEXT or len(anchor.suffix) < CONTEXT:
        return []
    whole = anchor.prefix + anchor.exact + anchor.suffix
    return [pos + len(anchor.prefix) for pos in _occurrences(text, whole)]


def _plausible(anchor: Anchor, context: float) -> bool:
    return len(anchor.exact) >= DISTINCTIVE or context >= MIN_CONTEXT


def _exact_match(anchor: Anchor, text: str, expected: int) -> Reanchored | None:
    size = len(anchor.exact)
    intact = _intact_context(anchor, text)
    if intact:
        start = min(intact, key=lambda pos: (abs(pos - expected), pos))
        return Reanchored(make_anchor(text, start, start + size), "exact", 1.0)
    scored = [
        (_context_similarity(anchor, text, pos, pos + size), pos)
        for pos in _occurrences(text, anchor.exact)
    ]
    if not scored:
        return None
    best = max(context for context, _ in scored)
    if not _plausible(anchor, best):
        return None
    start = min(
        (pos for context, pos in scored if context == best),
        key=lambda pos: (abs(pos - expected), pos),
    )
    return Reanchored(make_anchor(text, start, start + size), "exact", 1.0)


def _fuzzy_match(anchor: Anchor, text: str, expected: int) -> Reanchored | None:
    best: _Candidate | None = None
    for lo, hi in _windows(anchor, text, expected):
        found = _fuzzy_in_window(anchor, text, lo, hi)
        if found is None or found.quote < FUZZY_THRESHOLD:
            continue
        if not _plausible(anchor, found.context):
            continue
        if best is None or _rank(found, expected) > _rank(best, expected):
            best = found
    if best is None:
        return None
    return Reanchored(make_anchor(text, best.start, best.end), "fuzzy", best.quote)


def _rank(found: _Candidate, expected: int) -> tuple[float, int]:
    return (found.quote + found.context, -abs(found.start - expected))


def _windows(anchor: Anchor, text: str, expected: int) -> list[tuple[int, int]]:
    """Merged ranges [lo, hi) in which the new start of the quote is looked for."""
    slack = min(WINDOW_FACTOR * len(anchor.exact), MAX_SLACK) + 2 * CONTEXT
    centres = sorted({expected, *_seed_starts(anchor, text, expected)})
    merged: list[tuple[int, int]] = []
    for centre in centres:
        lo, hi = max(0, centre - slack), min(len(text), centre + slack)
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def _seed_starts(anchor: Anchor, text: str, expected: int) -> list[int]:
    """Where the quote would start, judging by exact hits of its context or ends."""
    size = len(anchor.exact)
    seeds = [(anchor.prefix, len(anchor.prefix)), (anchor.suffix, -size)]
    if size > CONTEXT:  # shorter quotes: the ends are the whole quote, already not found
        seeds += [(anchor.exact[:CONTEXT], 0), (anchor.exact[-CONTEXT:], CONTEXT - size)]
    starts = []
    for needle, shift in seeds:
        if len(needle) < SEED_MIN:
            continue
        hits = [pos + shift for pos in _occurrences(text, needle)]
        if hits:
            starts.append(min(hits, key=lambda pos: abs(pos - expected)))
    return [min(max(pos, 0), len(text)) for pos in starts]


def _fuzzy_in_window(anchor: Anchor, text: str, lo: int, hi: int) -> _Candidate | None:
    size = len(anchor.exact)
    longest = size + size // 3 + 1  # the longest quote that can still reach FUZZY_THRESHOLD
    before, after = len(anchor.prefix), len(anchor.suffix)
    if size <= 2 * CONTEXT:
        # One needle: the quote with its context pins both ends of the span.
        needle = anchor.prefix + anchor.exact + anchor.suffix
        whole = _align(needle, text, lo - before, hi + longest + after)
        if whole is None:
            return None
        start, end = _map_start(whole, before), _map_end(whole, before + size)
    else:
        # Long quote: locate each end with a short needle (fast), take what lies between.
        head = _align(anchor.prefix + anchor.exact[:CONTEXT], text, lo - before, hi + CONTEXT)
        if head is None:
            return None
        start = _map_start(head, before)
        tail_needle = anchor.exact[-CONTEXT:] + anchor.suffix
        tail = _align(tail_needle, text, start, start + longest + after)
        if tail is None:
            return None
        end = _map_end(tail, CONTEXT)
    return _candidate(anchor, text, *_tidy_edges(anchor, text, start, end))


def _candidate(anchor: Anchor, text: str, start: int, end: int) -> _Candidate | None:
    if end <= start or text[start:end].isspace():
        return None
    quote = Levenshtein.normalized_similarity(anchor.exact, text[start:end])
    return _Candidate(start, end, quote, _context_similarity(anchor, text, start, end))


@dataclass(frozen=True)
class _Alignment:
    base: int  # offset in the text of the aligned segment
    ops: list[Opcode]  # edits turning the needle into text[base:...]


def _align(needle: str, text: str, lo: int, hi: int) -> _Alignment | None:
    """Best approximate occurrence of `needle` in text[lo:hi], aligned char by char."""
    lo, hi = max(0, lo), min(len(text), hi)
    if hi <= lo:
        return None
    hit = fuzz.partial_ratio_alignment(needle, text[lo:hi])
    if hit is None or hit.score == 0:
        return None
    # partial_ratio's match is at most len(needle) long, so it clips a quote that grew;
    # widen it and let a global alignment decide what belongs to the needle.
    pad = len(needle) // 3 + 1
    base = max(lo, lo + hit.dest_start - pad)
    segment = text[base : min(hi, lo + hit.dest_end + pad)]
    return _Alignment(base, list(Levenshtein.opcodes(needle, segment)))


def _map_start(alignment: _Alignment, index: int) -> int:
    """Text offset where needle[index] landed (insertions before it are excluded)."""
    for op in alignment.ops:
        if op.src_start <= index < op.src_end:
            offset = 0 if op.tag == "delete" else index - op.src_start
            return alignment.base + op.dest_start + offset
    return alignment.base + alignment.ops[-1].dest_end


def _map_end(alignment: _Alignment, index: int) -> int:
    """Text offset just after where needle[index - 1] landed."""
    for op in alignment.ops:
        if op.src_start < index <= op.src_end:
            offset = 0 if op.tag == "delete" else index - op.src_start
            return alignment.base + op.dest_start + offset
    return alignment.base


def _tidy_edges(anchor: Anchor, text: str, start: int, end: int) -> tuple[int, int]:
    """Give the new span the same kind of edges as the stored quote.

    An edit at an edge can leave the alignment on a neighbouring space, or inside a word
    ("©" -> "(c)" aligns "©" with the ")"). Whitespace the quote did not have is dropped,
    and an edge that was between words (or tokens) is moved out to the whole word (token).
    """
    if not anchor.exact[0].isspace():
        while start < end and text[start].isspace():
            start += 1
    if not anchor.exact[-1].isspace():
        while end > start and text[end - 1].isspace():
            end -= 1
    if start == end:
        return start, end
    start = _widen(text, start, -1, _edge_kind(anchor.prefix[-1:], anchor.exact[0]))
    end = _widen(text, end, 1, _edge_kind(anchor.suffix[:1], anchor.exact[-1]))
    return start, end


def _widen(text: str, pos: int, step: int, tokens: bool | None) -> int:
    """Move an edge at `pos` by `step` out of the word (token) it cuts, if it cuts one."""
    if tokens is None:
        return pos
    # Bounded: a long run without spaces (dot leaders, URLs) is not worth widening into.
    for moved in range(CONTEXT):
        edge = pos + step * moved
        if not 0 < edge < len(text) or not _glued(text[edge - 1], text[edge], tokens):
            return edge
    return pos


def _edge_kind(outside: str, inside: str) -> bool | None:
    """True: the edge was on whitespace (keep whole tokens); False: on a word boundary
    (keep whole words); None: the quote was cut mid-word, so leave the edge alone."""
    if not outside or outside.isspace():
        return True
    return None if _glued(outside, inside, tokens=False) else False


def _glued(before: str, after: str, tokens: bool) -> bool:
    if tokens:
        return not before.isspace() and not after.isspace()
    return before.isalnum() and after.isalnum()


def utf16_offset(text: str, codepoint_offset: int) -> int:
    """Browser offset (UTF-16 code units) of a stored offset (code points) in `text`."""
    if not 0 <= codepoint_offset <= len(text):
        raise AnchorError(
            f"offset {codepoint_offset} is outside the text (0-{len(text)} code points)"
        )
    # Encoding runs in C; 'surrogatepass' counts a lone surrogate as one unit, like JS.
    return len(text[:codepoint_offset].encode("utf-16-le", "surrogatepass")) // 2


def codepoint_offset(text: str, utf16_offset: int) -> int:
    """Stored offset (code points) of a browser offset (UTF-16 code units) in `text`."""
    units = text.encode("utf-16-le", "surrogatepass")
    total = len(units) // 2
    if not 0 <= utf16_offset <= total:
        raise AnchorError(f"offset {utf16_offset} is outside the text (0-{total} UTF-16 units)")
    if 0 < utf16_offset < total and _splits_pair(units, utf16_offset):
        raise AnchorError(f"UTF-16 offset {utf16_offset} falls inside a surrogate pair")
    return len(units[: 2 * utf16_offset].decode("utf-16-le", "surrogatepass"))


def _splits_pair(units: bytes, offset: int) -> bool:
    before = int.from_bytes(units[2 * offset - 2 : 2 * offset], "little")
    after = int.from_bytes(units[2 * offset : 2 * offset + 2], "little")
    return 0xD800 <= before <= 0xDBFF and 0xDC00 <= after <= 0xDFFF
