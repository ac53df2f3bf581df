"""Best guesses for a new document's title, date, organisation and type.

All of them are editable afterwards; a guess only saves typing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from ingest.clean import Block, normalise

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?[\s-]+({_MONTH})\.?[\s,-]+(\d{{4}})\b", re.I
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?[\s,-]+(\d{{4}})\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_UK = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_ORG = re.compile(
    r"\b(?!(?:The|This|That|These|Those|Each|Every|Any|All|Our|Its|Their|Your|An|Which)\s)"
    r"((?:NHS\s+)?(?:[A-Z][a-z]+\s+(?:(?:and|&)\s+(?=[A-Z][a-z]))?){1,5}?"
    r"(?:Integrated Care (?:Board|System)|ICB|ICS|NHS Foundation Trust|NHS Trust|"
    r"Clinical Commissioning Group|CCG|Council))\b"
)
_TYPE_WORDS = [
    ("minutes", ("minutes",)),
    ("board_paper", ("board paper", "board meeting", "agenda item", "report to the board")),
    ("strategy", ("strategy", "strategic plan", "joint forward plan", "five year plan")),
    ("policy", ("policy", "procedure", "guidance", "protocol", "framework")),
]
DATE_SCAN_CHARS = 4000
ORG_SCAN_CHARS = 8000


def guess_title(blocks: list[Block], meta_title: str | None, filename: str) -> str:
    if meta_title and normalise(meta_title):
        return normalise(meta_title)[:500]
    first_page = [b for b in blocks[:40] if b.kind == "title" and (b.page or 1) <= 2]
    if first_page:
        top = min(b.depth for b in first_page)
        parts = [b.text for b in first_page if b.depth == top][:2]
        title = " — ".join(parts)
        if 3 <= len(title) <= 300:
            return title
    return Path(filename).stem.replace("_", " ").replace("-", " ").strip()[:500] or filename


def guess_date(text: str, filename: str) -> dt.date | None:
    name = Path(filename).stem.replace("_", " ")
    return _first_date(name) or _first_date(text[:DATE_SCAN_CHARS])


def _first_date(text: str) -> dt.date | None:
    found: list[tuple[int, dt.date]] = []
    for m in _DAY_MONTH_YEAR.finditer(text):
        found += _safe(m.start(), int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    for m in _MONTH_YEAR.finditer(text):
        found += _safe(m.start(), int(m[2]), _MONTHS[m[1].lower()], 1)
    for m in _ISO.finditer(text):
        found += _safe(m.start(), int(m[1]), int(m[2]), int(m[3]))
    for m in _UK.finditer(text):
        found += _safe(m.start(), int(m[3]), int(m[2]), int(m[1]))
    # The earliest mention in reading order; a day-precise match beats its month-only twin.
    return min(found, key=lambda f: f[0])[1] if found else None


def _safe(pos: int, year: int, month: int, day: int) -> list[tuple[int, dt.date]]:
    if not 1990 <= year <= 2100:
        return []
    try:
        return [(pos, dt.date(year, month, day))]
    except ValueError:
        return []


def guess_organisation(text: str) -> str | None:
    counts = Counter(" ".join(m.split()) for m in _ORG.findall(text[:ORG_SCAN_CHARS]))
    if not counts:
        return None
    name, _ = counts.most_common(1)[0]
    return name[:300]


def guess_document_type(title: str, filename: str, source_type: str) -> str:
    if source_type == "interview":
        return "transcript"
    if source_type == "observation":
        return "field_notes"
    haystack = f"{title} {Path(filename).stem}".lower().replace("-", " ").replace("_", " ")
    for kind, words in _TYPE_WORDS:
        if any(w in haystack for w in words):
            return kind
    return "other"
