"""One place that turns annotations into citable excerpts: the exact quote and
where it stands (document, organisation, date, page, passage, character range).

Every view of evidence (CMOC evidence, triangulation drill-down, every export)
goes through `excerpts`, so a citation means the same thing everywhere. Ranges
are code-point offsets into the stored text of `version_id`, where
`text[start:end] == quote` holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.annotations.models import Annotation
from backend.annotations.present import page_of
from backend.documents.models import Document, DocumentVersion, Passage

CHUNK = 900  # ids per IN (...): well under SQLite's parameter limit


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
    page: int | None
    passage_id: int | None
    start: int
    end: int
    speaker: str | None
    coder_id: int
    coder: str
    memo: str | None

    def citation(self) -> str:
        """'Title (Organisation, 2024-03-01), p. 12, passage 345, chars 100–180'."""
        where = ", ".join(p for p in (self.organisation, _day(self.date)) if p)
        parts = [f"{self.title} ({where})" if where else self.title]
        if self.page:
            parts.append(f"p. {self.page}")
        if self.speaker:
            parts.append(f"speaker {self.speaker}")
        if self.passage_id:
            parts.append(f"passage {self.passage_id}")
        parts.append(f"chars {self.start}\u2013{self.end}")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        return dict(vars(self)) | {"citation": self.citation()}  # asdict deep-copies: 4x slower


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


async def excerpts(session: AsyncSession, annotation_ids: Iterable[int]) -> dict[int, Excerpt]:
    wanted = sorted(set(annotation_ids))
    found: dict[int, Excerpt] = {}
    pages: dict[int, list[int]] = {}
    for i in range(0, len(wanted), CHUNK):
        rows = (await session.exec(_query(wanted[i : i + CHUNK]))).all()
        await _load_pages(session, pages, {r[0].version_id for r in rows})
        for a, d, speaker, coder in rows:
            found[a.id] = Excerpt(
                annotation_id=a.id,
                quote=a.exact,
                document_id=d.id,
                version_id=a.version_id,
                title=d.title,
                organisation=d.organisation,
                date=d.date,
                source_type=str(d.source_type),
                document_type=str(d.document_type),
                page=page_of(pages[a.version_id], a.start),
                passage_id=a.passage_id,
                start=a.start,
                end=a.end,
                speaker=speaker,
                coder_id=a.author_id,
                coder=coder,
                memo=a.memo,
            )
    return found


def _query(ids: list[int]):
    return (
        select(Annotation, Document, Passage.speaker, User.name)
        .join(Document, Document.id == Annotation.document_id)
        .join(User, User.id == Annotation.author_id)
        .outerjoin(Passage, Passage.id == Annotation.passage_id)
        .where(col(Annotation.id).in_(ids))
    )


async def _load_pages(session: AsyncSession, pages: dict[int, list[int]], version_ids) -> None:
    missing = [v for v in version_ids if v not in pages]
    if missing:
        stmt = select(DocumentVersion.id, DocumentVersion.page_offsets).where(
            col(DocumentVersion.id).in_(missing)
        )
        pages.update(dict((await session.exec(stmt)).all()))
