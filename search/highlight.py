"""Highlighted fragments computed from the query AST, for engines without their own.

Marks the words a hit matched (stemmed terms, prefixes, phrases) and returns up
to three HTML-escaped fragments around them, in the same `<mark>` format that
the Elasticsearch engine asks its highlighter for.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from search.analysis import WORD, fold, stem
from search.query import Node, Phrase, Term, positive_leaves

FRAGMENT_CHARS = 180
MAX_FRAGMENTS = 3


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    folded: str


def highlight(text: str, query: Node) -> tuple[str, ...]:
    tokens = [_Token(m.start(), m.end(), fold(m.group())) for m in WORD.finditer(text)]
    marked = sorted(_marked_spans(tokens, positive_leaves(query)))
    if not marked:
        return (_render(text, 0, min(len(text), FRAGMENT_CHARS), []),)
    return tuple(_render(text, a, b, marked) for a, b in _windows(text, marked))


def _marked_spans(tokens: list[_Token], leaves: list[Term | Phrase]) -> set[tuple[int, int]]:
    spans: set[tuple[int, int]] = set()
    for leaf in leaves:
        if isinstance(leaf, Term):
            spans.update((t.start, t.end) for t in tokens if _term_matches(leaf, t.folded))
        elif leaf.slop is None:
            spans.update(_phrase_spans(tokens, leaf.words))
        else:  # proximity: mark each of its words
            wanted = set(leaf.words)
            spans.update((t.start, t.end) for t in tokens if t.folded in wanted)
    return spans


def _term_matches(term: Term, word: str) -> bool:
    if term.prefix:
        return word.startswith(term.text)
    if term.fuzzy:
        return _within_edits(word, term.text, term.fuzzy)
    return stem(word) == stem(term.text)


def _phrase_spans(tokens: list[_Token], words: tuple[str, ...]) -> list[tuple[int, int]]:
    n = len(words)
    return [
        (tokens[i].start, tokens[i + n - 1].end)
        for i in range(len(tokens) - n + 1)
        if tokens[i].folded == words[0] and tuple(t.folded for t in tokens[i : i + n]) == words
    ]


def _within_edits(a: str, b: str, limit: int) -> bool:
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] <= limit


def _windows(text: str, marked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments around the densest marks, in text order, never overlapping."""
    windows: list[tuple[int, int]] = []
    for start, end in marked:
        if windows and start < windows[-1][1]:
            continue
        a = max(0, start - FRAGMENT_CHARS // 3)
        b = min(len(text), max(end, a + FRAGMENT_CHARS))
        windows.append((_word_start(text, a), _word_end(text, b)))
    ranked = sorted(windows, key=lambda w: -sum(1 for s, _ in marked if w[0] <= s < w[1]))
    return sorted(ranked[:MAX_FRAGMENTS])


def _word_start(text: str, i: int) -> int:
    while 0 < i < len(text) and not text[i - 1].isspace():
        i -= 1
    return i


def _word_end(text: str, i: int) -> int:
    while i < len(text) and not text[i].isspace():
        i += 1
    return i


def _render(text: str, a: int, b: int, marked: list[tuple[int, int]]) -> str:
    out: list[str] = []
    cursor = a
    for start, end in marked:
        if start < cursor or end > b:
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:b]))
    return " ".join("".join(out).split())
