"""Best guesses for a new document's title, date, organisation and type.

Each guess says which rule made it (stored as the document's `metadata_sources`, so the
web app shows it as guessed); all are editable, and a person's correction is kept when a
new version is ingested. Dates: ingest/dates.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest import dates
from ingest.clean import Block, normalise
from ingest.layout import CONTENTS

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
ORG_SCAN_CHARS = 8000


# A list item or a contents heading is never a title: "o Replacement transmitters…" was
# a bullet in a large font. Markers as the PDF and OCR readers know them (ingest/formats).
_LIST_MARKER = re.compile(
    r"^(?:[•●▪■◦‣∙○◆❖➢➤►✓✔·\ue000-\uf8ff]|[-–—*o¢«°](?=\s)|\(?(?:\d{1,3}|[a-z]|[ivx]{1,5})[.)]\s)"
)
_FILE_NAME_LIKE = re.compile(r"^\S*[_-]\S*$")  # "Pen-needles-guidance-NEL-v1_07.2023"
FILE_METADATA, HEADING, FILENAME = "file_metadata", "heading", "filename"


@dataclass(frozen=True)
class Guess:
    value: str
    source: str  # the rule that chose it (FILE_METADATA, HEADING, FILENAME)


def title_guess(blocks: list[Block], meta_title: str | None, filename: str) -> Guess:
    """The file's metadata title when it reads as one, then the first page's largest
    heading, then the file name."""
    meta = normalise(meta_title or "")
    if plausible_title(meta) and not _FILE_NAME_LIKE.match(meta):
        return Guess(meta[:500], FILE_METADATA)
    first_page = [
        b
        for b in blocks[:40]
        if b.kind == "title" and (b.page or 1) <= 2 and plausible_title(b.text)
    ]
    if first_page:
        top = min(b.depth for b in first_page)
        parts = [b.text for b in first_page if b.depth == top][:2]
        title = " — ".join(parts)
        if len(title) <= 300:
            return Guess(title, HEADING)
    stem = Path(filename).stem.replace("_", " ").replace("-", " ").strip()
    return Guess(stem[:500] or filename, FILENAME)


def plausible_title(text: str) -> bool:
    return (
        sum(ch.isalnum() for ch in text) >= 3
        and any(ch.isalpha() for ch in text)
        and not _LIST_MARKER.match(text)
        and not CONTENTS.match(text.strip(" .:"))
        and not text[0].islower()
    )


def guess_title(blocks: list[Block], meta_title: str | None, filename: str) -> str:
    return title_guess(blocks, meta_title, filename).value


def guess_date(text: str, filename: str) -> dt.date | None:
    return dates.guess(text, filename).date


# "Authored by: X Integrated Care Board" in a document-control table names the document's
# own organisation, wherever it stands; councils listed for bin collections do not.
_AUTHOR = re.compile(
    r"\b(?i:authored|produced|published|issued|owned|written|prepared|approved)\s+by\s*:?\s*"
    rf"(?:the\s+)?{_ORG.pattern[2:]}"
)
AUTHOR, MOST_NAMED = "author", "most_named"


def organisation_guess(text: str) -> tuple[str | None, str]:
    """(organisation, rule): the one named as the document's author, else the one named
    most on its first pages; (None, "none") when none is named."""
    if found := _AUTHOR.search(text):
        return " ".join(found.group(1).split())[:300], AUTHOR
    counts = Counter(" ".join(m.split()) for m in _ORG.findall(text[:ORG_SCAN_CHARS]))
    if not counts:
        return None, "none"
    name, _ = counts.most_common(1)[0]
    return name[:300], MOST_NAMED


def guess_organisation(text: str) -> str | None:
    return organisation_guess(text)[0]


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
