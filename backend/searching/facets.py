"""Facet counts over a ranked candidate set (semantic and hybrid modes), read from
the database: the same fields and order as the engines' facets (search.base)."""

from __future__ import annotations

from collections import Counter

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.documents.models import Document, Passage
from search.base import FACET_FIELDS, FacetCount

FACET_SIZE = 50  # as the engines'


async def candidate_facets(
    session: AsyncSession, passage_ids: list[int]
) -> dict[str, tuple[FacetCount, ...]]:
    counts: dict[str, Counter[str]] = {field: Counter() for field in FACET_FIELDS}
    if passage_ids:
        stmt = (
            select(Passage.id, Document)
            .join(Document, col(Passage.document_id) == col(Document.id))
            .where(col(Passage.id).in_(passage_ids))
        )
        for _, document in (await session.exec(stmt)).all():  # one row per passage
            values: dict[str, str | None] = {
                "source_type": str(document.source_type),
                "document_type": str(document.document_type),
                "organisation": document.organisation,
                "year": str(document.date.year) if document.date else None,
                "document_id": str(document.id),
            }
            for field in FACET_FIELDS:
                value = values[field]
                if value is not None:
                    counts[field][value] += 1
    return {
        field: tuple(
            FacetCount(value, n)
            for value, n in sorted(counts[field].items(), key=lambda vn: (-vn[1], vn[0]))[
                :FACET_SIZE
            ]
        )
        for field in FACET_FIELDS
    }
