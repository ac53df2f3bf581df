"""Search use case: parse the query, ask the engine for passage ids, load the
rows from SQL (the source of truth) in the engine's order."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.models import Annotation
from backend.annotations.service import code_ids_of
from backend.documents.models import Document, Passage
from backend.searching.models import (
    DocumentSummary,
    FacetValue,
    HitAnnotation,
    SearchHitPublic,
    SearchResponse,
)
from search.base import Filters, SearchEngine, SearchRequest
from search.query import prepare


@dataclass(frozen=True)
class SearchInput:
    q: str
    filters: Filters
    offset: int = 0
    limit: int = 20
    cursor: str | None = None
    facets: bool = True


async def run_search(
    session: AsyncSession, engine: SearchEngine, given: SearchInput
) -> SearchResponse:
    query = prepare(given.q)
    request = SearchRequest(
        query, given.filters, given.offset, given.limit, given.facets, given.cursor
    )
    result = await engine.search(request)
    ids = [h.passage_id for h in result.hits]
    rows = await _load(session, ids)
    hits = [
        SearchHitPublic(
            score=h.score,
            highlights=list(h.highlights),
            passage=rows[h.passage_id][0],
            document=_summary(rows[h.passage_id][1]),
        )
        for h in result.hits
        if h.passage_id in rows  # a passage deleted since indexing is skipped
    ]
    await _attach_annotations(session, hits)
    facets = {
        k: [FacetValue(value=f.value, count=f.count) for f in v] for k, v in result.facets.items()
    }
    await _label_documents(session, facets.get("document_id", []))
    return SearchResponse(
        query=given.q,
        engine=engine.name,
        total=result.total,
        offset=given.offset,
        limit=given.limit,
        hits=hits,
        facets=facets,
        next_cursor=result.next_cursor,
    )


async def _attach_annotations(session: AsyncSession, hits: list[SearchHitPublic]) -> None:
    """Each hit carries the live annotations that overlap its passage."""
    versions = {h.passage.version_id for h in hits}
    if not versions:
        return
    stmt = select(Annotation).where(
        col(Annotation.version_id).in_(versions),
        col(Annotation.deleted_at).is_(None),
        col(Annotation.orphaned).is_(False),
    )
    found = list((await session.exec(stmt)).all())
    codes = await code_ids_of(session, [a.id for a in found])
    for hit in hits:
        p = hit.passage
        hit.annotations = [
            HitAnnotation(
                id=a.id,
                start=a.start,
                end=a.end,
                code_ids=codes[a.id],
                author_id=a.author_id,
                memo=a.memo,
            )
            for a in found
            if a.version_id == p.version_id and a.start < p.end and a.end > p.start
        ]


async def _load(session: AsyncSession, ids: list[int]) -> dict[int, tuple[Passage, Document]]:
    if not ids:
        return {}
    stmt = (
        select(Passage, Document)
        .join(Document, Document.id == Passage.document_id)
        .where(col(Passage.id).in_(ids))
    )
    return {p.id: (p, d) for p, d in (await session.exec(stmt)).all()}


def _summary(document: Document) -> DocumentSummary:
    return DocumentSummary(
        id=document.id,
        title=document.title,
        source_type=str(document.source_type),
        document_type=str(document.document_type),
        organisation=document.organisation,
        date=document.date,
    )


async def _label_documents(session: AsyncSession, values: list[FacetValue]) -> None:
    ids = [int(v.value) for v in values]
    if not ids:
        return
    stmt = select(Document.id, Document.title).where(col(Document.id).in_(ids))
    titles = dict((await session.exec(stmt)).all())
    for v in values:
        v.label = titles.get(int(v.value))
