"""A document's own date, and the rule that found it.

NHS guidance cites other documents' dates ("NICE TA123, March 2019") long before it
gives its own ("Date ratified: December 2024", often in a document-control table on the
last page). So the document's own labelled dates are looked for first, in the whole
text, in order of how surely they date the document; then the file name; then labels
that date a part of it (effective, review); and only then the first date of the front
matter that does not stand in a sentence citing something else.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

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
_UK = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_DATE = re.compile("|".join(p.pattern for p in (_DAY_MONTH_YEAR, _MONTH_YEAR, _ISO, _UK)), re.I)

# Label, then (without a digit, a sentence end or more than 60 characters between) a date:
# "Date ratified: December 2024", "Approved by the Clinical Policy Forum on 12 May 2023".
_GAP = r"[^\d.;\n]{0,60}?"
# (rule, label, words): every match of the label contains one of the words, so a text
# that holds none of them (in lower case) is not scanned for it. Scanning a long text
# with each label was most of parsing a transcript, whose words are rarely these.
_LABELS: list[tuple[str, str, tuple[str, ...]]] = [
    ("ratified", r"ratifi(?:ed|cation)", ("ratifi",)),
    ("approved", r"approv(?:ed|al)", ("approv",)),
    ("published", r"(?:first )?publi(?:shed|cation)|issued?|date of issue", ("publi", "issue")),
]
_LATE_LABELS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "effective",
        r"effective|in force|comes into effect",
        ("effective", "in force", "comes into effect"),
    ),
    ("review_date", r"(?:last |next )?review(?:ed)?", ("review",)),
]
# `re.IGNORECASE` matches a letter as str.lower() reads it, except these: İ and ı match
# i, ſ matches s (checked over every code point). A text with any is always scanned.
_ODD_CASE = ("\u0130", "\u0131", "\u017f")
_VERSION = re.compile(
    rf"\bversion\s+\d+(?:\.\d+)*\s*[,:–—-]?\s*(?:dated\s+)?(?={_DATE.pattern})", re.I
)
_HISTORY = re.compile(
    r"\b(?:version|document|revision|change|amendment)\s+(?:history|control|log)\b", re.I
)
HISTORY_CHARS = 2000  # a version-history table's extent after its heading
# A date in the same sentence as another document's name is that document's date: before
# a label and its date for a labelled one ("NICE TA123 was approved in March 2019"), in the
# whole sentence, and with the looser words too, for an unlabelled one.
_CITED = re.compile(
    r"\bNICE\b|\b(?:TA|NG|CG|QS|HST)\s?\d+|\bAct\b|(?i:technology appraisal|\bregulations\b"
    r"|\bcircular\b|\bet al\b)"
)
_CITING = re.compile(
    rf"{_CITED.pattern}|(?i:\b(?:guidelines?|guidance|cited|see|according to|in line with)\b"
    r"|as set out in)"
)
_SENTENCE = re.compile(r"[.;\n]\s")
FRONT_CHARS = 4000  # unlabelled dates count only on the first pages


@dataclass(frozen=True)
class DateGuess:
    date: dt.date | None
    rule: str | None  # which rule chose it; None when no date was found


def guess(text: str, filename: str) -> DateGuess:
    lowered = None if any(ch in text for ch in _ODD_CASE) else text.lower()
    for rule, label, words in _LABELS:
        if found := _labelled(text, label, words, lowered):
            return DateGuess(found, rule)
    for rule, finder in (("version", _version_line), ("version_history", _history)):
        if found := finder(text):
            return DateGuess(found, rule)
    if found := first_date(Path(filename).stem.replace("_", " ")):
        return DateGuess(found, "filename")
    for rule, label, words in _LATE_LABELS:
        if found := _labelled(text, label, words, lowered):
            return DateGuess(found, rule)
    front = text[:FRONT_CHARS]
    for m in _DATE.finditer(front):
        found = first_date(m.group())  # None for an impossible one ("31/02/2023")
        if found and not _cited(front, m.start(), _sentence_end(front, m.end()), _CITING):
            return DateGuess(found, "first_date")
    return DateGuess(None, None)


def _labelled(text: str, label: str, words: tuple[str, ...], lowered: str | None) -> dt.date | None:
    """The latest date a label names outside citing sentences (re-ratified: the newest).
    `lowered`: the text in lower case, or None when it must be scanned regardless."""
    if lowered is not None and not any(word in lowered for word in words):
        return None
    pattern = re.compile(rf"\b(?:{label})\b(?:\s+date)?\s*[:–-]?{_GAP}(?={_DATE.pattern})", re.I)
    dates = [
        found
        for m in pattern.finditer(text)
        if not _cited(text, m.start(), m.end(), _CITED)
        and (found := first_date(text[m.end() : m.end() + 40]))
    ]
    return max(dates) if dates else None


def _version_line(text: str) -> dt.date | None:
    """ "Version 3, 8 February 2023" on the cover."""
    m = _VERSION.search(text[:FRONT_CHARS])
    return first_date(text[m.end() : m.end() + 40]) if m else None


def _history(text: str) -> dt.date | None:
    """The newest date in a version-history table."""
    dates: list[dt.date] = []
    for m in _HISTORY.finditer(text):
        table = text[m.end() : m.end() + HISTORY_CHARS]
        dates += [d for found in _DATE.finditer(table) if (d := first_date(found.group()))]
    return max(dates) if dates else None


def _cited(text: str, position: int, end: int, names: re.Pattern[str]) -> bool:
    """Whether another document is named from the sentence's start up to `end`."""
    window = max(0, position - 300)
    starts = [m.end() for m in _SENTENCE.finditer(text, window, position)]
    return bool(names.search(text, starts[-1] if starts else window, end))


def _sentence_end(text: str, position: int) -> int:
    found = _SENTENCE.search(text, position)
    return found.start() if found else len(text)


def first_date(text: str) -> dt.date | None:
    """The earliest date mentioned, in reading order; a day beats its month-only twin."""
    found: list[tuple[int, dt.date]] = []
    for m in _DAY_MONTH_YEAR.finditer(text):
        found += _safe(m.start(), int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    for m in _MONTH_YEAR.finditer(text):
        found += _safe(m.start(), int(m[2]), _MONTHS[m[1].lower()], 1)
    for m in _ISO.finditer(text):
        found += _safe(m.start(), int(m[1]), int(m[2]), int(m[3]))
    for m in _UK.finditer(text):
        found += _safe(m.start(), int(m[3]), int(m[2]), int(m[1]))
    return min(found, key=lambda f: f[0])[1] if found else None


def _safe(pos: int, year: int, month: int, day: int) -> list[tuple[int, dt.date]]:
    if not 1990 <= year <= 2100:
        return []
    try:
        return [(pos, dt.date(year, month, day))]
    except ValueError:
        return []
