"""THE place where evidence gets its location and its citation.

A *location* says where a span stands in the original file, in the units a
reader of that file uses: pages (as the reader sees them, 1-based) and the
section heading for paged sources; speaker turn, speaker, line (or paragraph)
numbers and time stamp for transcripts. A *citation* is that location as one
human string in one style (README, "Citations"), never with an internal id:

    Constitution (NHS C&P ICB, 2025), p. 33, §5.1
    Commissioning policy (NHS England, 2023), pp. ~4–5, section “Overview”
    Interview 07, turn 23 (Interviewee), ll. 112–118, 00:12:34

Every view of evidence (search hits, annotations, CMOC evidence, triangulation
drill-down, every export, the report) gets both from here, so a citation means
the same thing everywhere. Ranges are code-point offsets into the stored text of
`version_id`, where `text[start:end] == quote` holds.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from backend.core.ids import stored
from backend.core.rows import wide_rows
from backend.documents.models import Document, DocumentVersion, Pagination, Passage

if TYPE_CHECKING:
    from backend.annotations.models import Annotation
from backend.documents.provenance import pages_provenance

CHUNK = 900  # ids per IN (...): well under SQLite's parameter limit
SECTION_CHARS = 60  # an unnumbered heading longer than this is cut in the citation

LineUnit = Literal["line", "paragraph"]


class Location(SQLModel):
    """Where a span stands in the original file. Paged sources fill the first four
    fields, transcripts the rest; a field that does not apply is null."""

    page: int | None = None
    page_end: int | None = None
    section: str | None = None
    pagination: str = "none"  # rendered | approximate | none (DocumentVersion.pagination)
    turn: int | None = None
    turn_end: int | None = None
    speaker: str | None = None
    speaker_role: str | None = None
    line: int | None = None
    line_end: int | None = None
    line_unit: LineUnit | None = None  # lines of a text file, paragraphs of a DOCX
    timestamp: float | None = None  # seconds from the start of the recording
    # Provenance of the words on those pages: "ocr" when OCR read any of them, else
    # "text_layer"; OCR's lowest page confidence there (0-100). Null without pages.
    text_source: str | None = None
    ocr_confidence: float | None = None


LOCATION_FIELDS: tuple[str, ...] = tuple(Location.model_fields)


@dataclass(frozen=True)
class Source:
    """What a citation names before the location: the document as catalogued."""

    title: str
    organisation: str | None
    date: dt.date | None

    @classmethod
    def of(cls, document: Document) -> Source:
        return cls(document.title, document.organisation, document.date)


def cite(source: Source, where: Location) -> str:
    """The citation string (the style is documented in README, "Citations")."""
    parts = [_head(source)]
    if where.page is not None:
        parts.append(_pages(where))
    if where.turn is not None:
        parts.append(_turn_text(where))
    elif where.speaker:  # a transcript ingested before turns were numbered
        parts.append(f"speaker {where.speaker}")
    section = where.section and where.section.strip()
    if section and section.casefold() != source.title.strip().casefold():
        parts.append(section_mark(section))
    if where.line is not None:
        parts.append(_lines(where))
    if where.timestamp is not None:
        parts.append(clock(where.timestamp))
    return ", ".join(parts)


def _head(source: Source) -> str:
    inside = ", ".join(p for p in (source.organisation, _year(source.date)) if p)
    return f"{source.title} ({inside})" if inside else source.title


def _year(value: dt.date | None) -> str | None:
    return str(value.year) if value else None


def _pages(where: Location) -> str:
    mark = "~" if where.pagination == "approximate" else ""  # an estimate says so
    if where.page_end is not None and where.page_end != where.page:
        return f"pp. {mark}{where.page}\u2013{where.page_end}"
    return f"p. {mark}{where.page}"


def _turn_text(where: Location) -> str:
    text = f"turn {where.turn}"
    if where.turn_end is not None and where.turn_end != where.turn:
        text = f"turns {where.turn}\u2013{where.turn_end}"
    who = [where.speaker or "", where.speaker_role or ""]
    if who[0] and who[1]:
        return f"{text} ({who[0]}, {who[1]})"
    if who[1]:
        return f"{text} ({who[1].capitalize()})"
    return f"{text} ({who[0]})" if who[0] else text


# "5", "5.1", "5.1.2." before a space; not "2023 annual report" (a year, not a number)
_NUMBERED = re.compile(r"(?:§\s*)?(\d{1,3}(?:\.\d{1,3})*)\.?(?=\s|$)")


def section_mark(heading: str) -> str:
    """'§5.1' for a numbered heading ('5.1 Conflicts of Interest'), else the heading
    itself in quotes, cut to SECTION_CHARS."""
    numbered = _NUMBERED.match(heading)
    if numbered:
        return f"\u00a7{numbered.group(1)}"
    if len(heading) > SECTION_CHARS:
        heading = heading[: SECTION_CHARS - 1].rstrip() + "\u2026"
    return f"section \u201c{heading}\u201d"


def _lines(where: Location) -> str:
    one, many = ("para.", "paras") if where.line_unit == "paragraph" else ("l.", "ll.")
    if where.line_end is not None and where.line_end != where.line:
        return f"{many} {where.line}\u2013{where.line_end}"
    return f"{one} {where.line}"


def clock(seconds: float) -> str:
    """00:12:34 (whole seconds: the precision a reader looks a moment up by)."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def page_of(page_offsets: Sequence[int], offset: int) -> int | None:
    """1-based page holding `offset`, from the version's page map."""
    if not page_offsets:
        return None
    return max(1, bisect_left(page_offsets, offset + 1))


# --- locating spans -------------------------------------------------------------------


@dataclass(frozen=True)
class _VersionRow:
    id: int
    format: str
    page_offsets: list[int]
    pagination: str
    page_sources: list[dict[str, Any]]  # {page, text_source, confidence} per page


@dataclass(frozen=True)
class _PassageRow:
    """What locating needs of a passage (a Passage row without its text)."""

    version_id: int
    start: int
    end: int
    heading_path: list[str]
    speaker: str | None
    turn: int | None
    speaker_role: str | None
    line_start: int | None
    line_end: int | None
    timestamp: float | None


def _versions(
    ids: Iterable[int],
) -> sqlalchemy.Select[int | None, str, list[int], Pagination, list[dict[str, object]]]:
    return sqlalchemy.select(
        col(DocumentVersion.id),
        col(DocumentVersion.format),
        col(DocumentVersion.page_offsets),
        col(DocumentVersion.pagination),
        col(DocumentVersion.page_sources),
    ).where(col(DocumentVersion.id).in_(ids))


def _version_row(
    vid: int | None,
    fmt: str,
    offsets: list[int] | None,
    pagination: object,
    sources: list[dict[str, object]] | None,
) -> _VersionRow:
    return _VersionRow(stored(vid), fmt, offsets or [], str(pagination or "none"), sources or [])


def _line_unit(fmt: str) -> LineUnit:
    """Transcripts number lines of a text file, paragraphs of a Word file."""
    return "paragraph" if fmt in ("docx", "doc", "odt", "rtf") else "line"


def _transcript_fields(
    first: _PassageRow | Passage, last: _PassageRow | Passage, fmt: str
) -> dict[str, Any]:
    """Turn, speaker, lines and time of a span from its first to its last passage."""
    line = first.line_start
    return {
        "turn": first.turn,
        "turn_end": last.turn if first.turn is not None else None,
        "speaker": first.speaker,
        "speaker_role": str(first.speaker_role) if first.speaker_role else None,
        "line": line,
        "line_end": (last.line_end or line) if line is not None else None,
        "line_unit": _line_unit(fmt) if line is not None else None,
        "timestamp": first.timestamp,
    }


def _section(heading_path: Sequence[str]) -> str | None:
    return heading_path[-1] if heading_path else None


def passage_location(passage: Passage, version: _VersionRow) -> Location:
    """A whole passage's location (a search hit): its stored pages, heading, turn."""
    return Location(
        page=passage.page_start,
        page_end=passage.page_end,
        section=_section(passage.heading_path),
        pagination=version.pagination,
        text_source=passage.text_source,
        ocr_confidence=passage.ocr_confidence,
        **_transcript_fields(passage, passage, version.format),
    )


# What a search hit's location needs of its version, loaded with the hit's row (not the
# version's page offsets and sources, which can be long and a whole passage never uses).
HIT_VERSION_FIELDS = (col(DocumentVersion.format), col(DocumentVersion.pagination))


def hit_location(passage: Passage, fmt: str, pagination: object) -> Location:
    """A search hit's location, from its passage and its version's HIT_VERSION_FIELDS."""
    return passage_location(passage, _version_row(passage.version_id, fmt, None, pagination, None))


def _passages(
    ids: list[int],
) -> sqlalchemy.Select[
    int,
    int,
    int,
    list[str],
    str | None,
    int | None,
    str | None,
    int | None,
    int | None,
    float | None,
]:
    """What locating needs of the versions' passages (a _PassageRow each), in order."""
    return (
        sqlalchemy.select(
            col(Passage.version_id),
            col(Passage.start),
            col(Passage.end),
            col(Passage.heading_path),
            col(Passage.speaker),
            col(Passage.turn),
            col(Passage.speaker_role),
            col(Passage.line_start),
            col(Passage.line_end),
            col(Passage.timestamp),
        )
        .where(col(Passage.version_id).in_(ids))
        .order_by(col(Passage.version_id), col(Passage.start))
    )


class Locator:
    """Locates spans of many versions, loading each version's page map and passage
    outline (no texts) once: exports locate thousands of spans per chunk."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.versions: dict[int, _VersionRow] = {}
        self.outlines: dict[int, list[_PassageRow]] = {}
        self.starts: dict[int, list[int]] = {}

    async def load(self, version_ids: Iterable[int]) -> None:
        missing = sorted({v for v in version_ids if v not in self.versions})
        for i in range(0, len(missing), CHUNK):
            await self._load(missing[i : i + CHUNK])

    async def _load(self, ids: list[int]) -> None:
        for version_row in await wide_rows(self.session, _versions(ids)):
            version = _version_row(*version_row)
            self.versions[version.id] = version
            self.outlines[version.id] = []
        for row in await wide_rows(self.session, _passages(ids)):
            passage = _PassageRow(*row)
            self.outlines[passage.version_id].append(passage)
        for vid in ids:
            self.starts[vid] = [r.start for r in self.outlines.get(vid, [])]

    def locate(self, version_id: int, start: int, end: int) -> Location:
        """The location of [start, end) of a loaded version: pages from the page map,
        section from the passage holding the start, turns and lines from the passages
        holding the start and the end."""
        version = self.versions[version_id]
        last = max(start, end - 1)
        first_passage = self._passage_at(version_id, start)
        last_passage = self._passage_at(version_id, last) or first_passage
        turns: dict[str, Any] = {}
        if first_passage and last_passage:
            turns = _transcript_fields(first_passage, last_passage, version.format)
        page, page_end = page_of(version.page_offsets, start), page_of(version.page_offsets, last)
        return Location(
            page=page,
            page_end=page_end,
            section=_section(first_passage.heading_path) if first_passage else None,
            pagination=version.pagination,
            **turns,
            **pages_provenance(version.page_sources, page, page_end),
        )

    def _passage_at(self, version_id: int, offset: int) -> _PassageRow | None:
        rows = self.outlines[version_id]
        i = bisect_right(self.starts[version_id], offset) - 1
        return rows[i] if i >= 0 and rows[i].end > offset else None


# --- cited excerpts -------------------------------------------------------------------


@dataclass(frozen=True)
class Excerpt:
    annotation_id: int
    quote: str
    document_id: int
    version_id: int
    title: str
    organisation: str | None
    date: dt.date | None
    source_type: str
    document_type: str
    start: int
    end: int
    coder_id: int
    coder: str
    memo: str | None
    location: Location
    citation: str

    def as_dict(self) -> dict[str, Any]:
        """Plain values, the location as a dict (asdict deep-copies: 4x slower)."""
        return dict(vars(self)) | {"location": self.location.model_dump()}


async def excerpts(session: AsyncSession, annotation_ids: Iterable[int]) -> dict[int, Excerpt]:
    wanted = sorted(set(annotation_ids))
    found: dict[int, Excerpt] = {}
    locator = Locator(session)
    for i in range(0, len(wanted), CHUNK):
        rows = (await session.exec(_query(wanted[i : i + CHUNK]))).all()
        await locator.load({a.version_id for a, _, _ in rows})
        imported = await _imported_coders(session, {a.coder_id for a, _, _ in rows})
        for a, d, author in rows:  # Annotation, Document, the author's name
            where = locator.locate(a.version_id, a.start, a.end)
            found[stored(a.id)] = Excerpt(
                annotation_id=stored(a.id),
                quote=a.exact,
                document_id=stored(d.id),
                version_id=a.version_id,
                title=d.title,
                organisation=d.organisation,
                date=d.date,
                source_type=str(d.source_type),
                document_type=str(d.document_type),
                start=a.start,
                end=a.end,
                coder_id=a.author_id,
                coder=imported.get(a.coder_id, author),
                memo=a.memo,
                location=where,
                citation=cite(Source.of(d), where),
            )
    return found


async def _imported_coders(session: AsyncSession, ids: set[int | None]) -> dict[int | None, str]:
    """Who coded an imported annotation (backend/coders: the linked account, else the
    attribution the file named), not the account that imported it."""
    from backend.accounts.models import User
    from backend.coders.models import Coder

    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    stmt = (
        select(Coder.id, Coder.name, User.name)
        .outerjoin(User, col(User.id) == Coder.user_id)
        .where(col(Coder.id).in_(wanted))
    )
    return {i: linked or name for i, name, linked in (await session.exec(stmt)).all()}


def _query(ids: list[int]) -> Select[Annotation, Document, str]:
    # Imported here: annotations.models imports Location from this module.
    from backend.accounts.models import User
    from backend.annotations.models import Annotation

    return (
        select(Annotation, Document, User.name)
        .join(Document, col(Document.id) == Annotation.document_id)
        .join(User, col(User.id) == Annotation.author_id)
        .where(col(Annotation.id).in_(ids))
    )
