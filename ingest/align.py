"""Pages from a rendering: where each rendered page starts in our own text.

The text comes from the file's structure (a DOCX's paragraphs, lists, tables);
the pages come from a real rendering of the same file (LibreOffice's PDF). Both
are cut into words and aligned as two word sequences; page i+1 starts at the
first word of our text that matched a word on rendered page i+1. Running heads,
page numbers and fields that only the rendering has are unmatched insertions,
so they do not disturb the alignment. Matches are monotonic in both sequences,
so the page starts found are in order.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

_WORD = re.compile(r"\w+")


def _key(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


def words(text: str) -> list[tuple[int, str]]:
    return [(m.start(), _key(m.group())) for m in _WORD.finditer(text)]


def page_offsets(text: str, pages: list[str]) -> tuple[list[int], float]:
    """offsets[i] is where rendered page i+1 starts in `text` (empty pages share the next
    page's start), and the share of our words that were found in the rendering."""
    ours = words(text)
    theirs: list[str] = []
    page_of: list[int] = []
    for index, page in enumerate(pages):
        for _, key in words(page):
            theirs.append(key)
            page_of.append(index)
    # autojunk leaves words that are on every other line ("the", "of") out of the anchors;
    # rare words anchor the alignment and the common ones fall between them.
    matcher = SequenceMatcher(None, [k for _, k in ours], theirs, autojunk=True)
    starts: list[int | None] = [None] * len(pages)
    matched = 0
    for a, b, size in matcher.get_matching_blocks():
        matched += size
        for k in range(size):
            page_index = page_of[b + k]
            if starts[page_index] is None:
                starts[page_index] = ours[a + k][0]
    return _fill(starts, len(text)), (matched / len(ours) if ours else 1.0)


def _fill(starts: list[int | None], end: int) -> list[int]:
    offsets = [end] * len(starts)
    following = end
    for page in range(len(starts) - 1, -1, -1):
        start = starts[page]
        following = min(following, start) if start is not None else following
        offsets[page] = following
    if offsets:
        offsets[0] = 0
    return offsets
