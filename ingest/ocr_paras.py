"""Paragraphs on OCR'd pages: a paragraph's last line that Tesseract split off joined back.

Tesseract's layout analysis sometimes makes a paragraph's last line, or its last word,
a block of its own ("…are exceptional and fulfil the criteria in this" / "policy."). Its
paragraphs become ours, so the splitter started a new passage mid-sentence, and a phrase
running over the split was not found. A paragraph is joined to the one before it when
the text runs on (the one before does not end a sentence, this one starts with a word,
not a list marker) and the geometry is that of a wrapped line: the next line down at the
usual line spacing, at the same left margin, in the same size, and its first word too
wide to have fitted on the line above. The last condition is what keeps headings, short
lines and list items apart: a line is broken there because the next word does not fit,
and after a heading or a short line it would have. After a paragraph of one line only
a lower-case start is joined (a title over a subtitle looks like a wrapped line).
"""

from __future__ import annotations

import re
from itertools import groupby
from statistics import median

from ingest.ocr import OcrLine, OcrPage

SENTENCE_END = re.compile(r"[.!?:;][\"'’”)\]]*$")
# "a) ", "iv. ": list markers start a paragraph of their own ("e.g." and "i.e." do not).
MARKER = re.compile(r"^(?:[a-zA-Z]|[ivxIVX]{1,5})[.)](?:\s|$)")
BULLET_READS = frozenset({"o", "e"})  # round bullets Tesseract reads as letters
PITCH = 1.3  # a wrapped line is at most this many of the paragraph's line steps down
SINGLE_PITCH = 2.6  # ...or, after a single line, this many of its heights
MARGIN = 0.6  # of the line height: how far apart two left edges may be and still align
SIZE = 1.5  # largest ratio of two lines' heights in one paragraph (descenders vary it)
SPACE = 0.3  # of the line height: the space a word would need before it on the line above
MIN_WORDS = 4  # a line of fewer words (an address, a table cell) is not taken as wrapped


def join_continuations(page: OcrPage) -> OcrPage:
    """The page with each paragraph that continues the one before it numbered as that one."""
    paras = [list(lines) for _, lines in groupby(page.lines, key=lambda line: line.para)]
    joined: list[list[OcrLine]] = []
    for para in paras:
        if joined and continues(joined[-1], para, page.lines):
            joined[-1].extend(para)
        else:
            joined.append(para)
    for number, para in enumerate(joined):
        for line in para:
            line.para = number
    return page


def continues(before: list[OcrLine], after: list[OcrLine], page: list[OcrLine]) -> bool:
    """Whether the paragraph `after` is the rest of `before`, split off by the engine
    (`page`: all the page's lines, whose right edges show how wide the column is)."""
    if not _runs_on(before[-1].text, after[0].text) or not _wraps(before, after, page):
        return False
    # After a single line the paragraph's own spacing and width are unknown, and a title
    # over a subtitle looks like that: only a lower-case word is taken as running on.
    return len(before) > 1 or after[0].text[0].islower()


def _runs_on(last: str, first: str) -> bool:
    words = first.split()
    if not words or len(last.split()) < MIN_WORDS or SENTENCE_END.search(last.rstrip()):
        return False
    return words[0][0].isalpha() and words[0] not in BULLET_READS and not MARKER.match(first)


def _wraps(before: list[OcrLine], after: list[OcrLine], page: list[OcrLine]) -> bool:
    last, first = before[-1], after[0]
    height = median(line.height for line in before)
    steps = [b.top - a.top for a, b in zip(before, before[1:], strict=False)]
    limit = PITCH * median(steps) if steps else SINGLE_PITCH * height
    if not 0.5 * height < first.top - last.top <= limit:
        return False
    if abs(first.left - last.left) > MARGIN * height:
        return False
    if max(first.height, height) > SIZE * min(first.height, height):
        return False
    # The column's right edge: as far as any line at this left margin reaches.
    column = [line for line in page if abs(line.left - last.left) <= MARGIN * height]
    right = max(line.right for line in [*before, *after, *column])
    return last.right + SPACE * height + first.lead > right
