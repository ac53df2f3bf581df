"""Elements -> clean blocks: what a reader would call the document's text.

Drops running headers, footers and page numbers (by category, and by
repetition across pages), normalises whitespace and ligatures, and repairs
words hyphenated across lines.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from unstructured.documents.elements import Element

DROPPED_CATEGORIES = {"Header", "Footer", "PageNumber", "PageBreak", "Image", "Figure"}
REPEAT_MAX_CHARS = 120
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–—(]?\s*\d{1,4}\s*[-–—)]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I
)
_HYPHEN_BREAK = re.compile(r"(\w)-\s*\n\s*([a-z])")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u3000]+")
_DIGITS = re.compile(r"\d+")
# C0 controls but tab and newlines: NUL cannot even be stored in PostgreSQL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Block:
    kind: str  # "title", "list", "table", "text", "turn"
    text: str
    page: int | None
    depth: int = 0  # heading level for titles, 0 = top
    speaker: str | None = None  # transcripts: who speaks this turn
    turn: int | None = None  # transcripts: the turn's number, 1-based, counted in the file
    speaker_role: str | None = None  # transcripts: from the label, None when unknown
    line_start: int | None = None  # transcripts: the lines (or DOCX paragraphs) it stands on
    line_end: int | None = None
    timestamp: float | None = None  # seconds, when the transcript gives a time
    timestamp_label: str | None = None  # that time as written


def clean(elements: list[Element]) -> list[Block]:
    repeated = _repeated_lines(elements)
    blocks: list[Block] = []
    for element in elements:
        if element.category in DROPPED_CATEGORIES:
            continue
        text = normalise(element.text or "")
        if not text or _PAGE_NUMBER.match(text) or _shape(text) in repeated:
            continue
        blocks.append(Block(_kind(element), text, element.metadata.page_number, _depth(element)))
    return blocks


def normalise(text: str) -> str:
    """NFKC (ligatures, odd spaces), no soft hyphens, one space between words."""
    text = _CONTROL.sub("", unicodedata.normalize("NFKC", text).replace("\u00ad", ""))
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return " ".join(line for line in lines if line)


def _kind(element: Element) -> str:
    return {"Title": "title", "ListItem": "list", "Table": "table"}.get(element.category, "text")


def _depth(element: Element) -> int:
    depth = element.metadata.category_depth
    return depth if isinstance(depth, int) and depth >= 0 else 0


def _shape(text: str) -> str:
    return _DIGITS.sub("#", text.lower())


def _repeated_lines(elements: list[Element]) -> set[str]:
    """Short texts standing on many pages are running heads, not content."""
    pages_of: dict[str, set[int]] = {}
    all_pages: set[int] = set()
    for element in elements:
        page = element.metadata.page_number
        if page is None:
            continue
        all_pages.add(page)
        text = normalise(element.text or "")
        if text and len(text) <= REPEAT_MAX_CHARS:
            pages_of.setdefault(_shape(text), set()).add(page)
    if len(all_pages) < 3:
        return set()
    threshold = max(3, len(all_pages) * 0.5)
    counts = Counter({shape: len(pages) for shape, pages in pages_of.items()})
    return {shape for shape, n in counts.items() if n >= threshold}
