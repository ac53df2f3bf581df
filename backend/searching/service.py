"""Search use case: parse the query, ask the engine for passage ids, load the
rows from SQL (the source of truth) in the engine's order."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.links import live_links
from backend.annotations.models import Annotation
from backend.citations import HIT_VERSION_FIELDS, Source, cite, hit_location
from backend.core.config import Settings
from backend.core.ids import stored
from backend.documents.models import Document, DocumentVersion, Passage
from backend.indexing.lag import behind
from backend.searching import modes
from backend.searching.facets import candidate_facets
from backend.searching.models import (
    DocumentSummary,
    FacetValue,
    HitAnnotation,
    HitPassage,
    SearchHitPublic,
    SearchResponse,
)
from backend.searching.modes import SearchMode
from backend.visibility import Viewer
from search.base import FacetCount, Filters, SearchEngine, SearchHit, SearchRequest
from search.errors import SearchError
from search.highlight import highlight
from search.query import Node, prepare


@dataclass(frozen=True)
class SearchInput:
    q: str
    filters: Filters
    offset: int = 0
    limit: int = 20
    cursor: str | None = None
    facets: bool = True
    mode: SearchMode = SearchMode.lexical
    full_text: bool = False  # each hit's whole passage text, beside its highlights


@dataclass
class _Answer:
    """What a mode found, before rows are loaded from SQL."""

    total: int
    hits: list[SearchHit]
    facets: dict[str, tuple[FacetCount, ...]]
    next_cursor: str | None = None
    relaxed: modes.Relaxed | None = None
    model: str | None = None


async def run_search(
    session: AsyncSession,
    engine: SearchEngine,
    viewer: Viewer,
    given: SearchInput,
    settings: Settings,
) -> SearchResponse:
    """`given.filters` come from filter_params, which already narrowed them to what the
    viewer may see; the hits' annotations are narrowed here."""
    query = prepare(given.q)
    if given.mode == SearchMode.lexical:
        answer = await _lexical(engine, query, given)
    else:
        answer = await _by_meaning(session, engine, settings, query, given)
    rows = await _load(session, [h.passage_id for h in answer.hits])
    hits = [
        _hit(h, *rows[h.passage_id], full_text=given.full_text)
        for h in answer.hits
        if h.passage_id in rows  # a passage deleted since indexing is skipped
    ]
    await _attach_annotations(session, viewer, hits)
    facets = {
        k: [FacetValue(value=f.value, count=f.count) for f in v] for k, v in answer.facets.items()
    }
    await _label_documents(session, facets.get("document_id", []))
    lag = [note] if (note := await behind(session, engine.name)) else []
    return SearchResponse(
        query=given.q,
        engine=engine.name,
        mode=given.mode,
        relaxed=answer.relaxed is not None,
        note=answer.relaxed.note if answer.relaxed else None,
        caveats=[*modes.caveats(engine, query, given.mode), *lag],
        model=answer.model,
        total=answer.total,
        offset=given.offset,
        limit=given.limit,
        hits=hits,
        facets=facets,
        next_cursor=answer.next_cursor,
    )


async def _lexical(engine: SearchEngine, query: Node, given: SearchInput) -> _Answer:
    request = SearchRequest(
        query, given.filters, given.offset, given.limit, given.facets, given.cursor
    )
    result, loose = await modes.lexical(engine, query, request)
    return _Answer(result.total, list(result.hits), result.facets, result.next_cursor, loose)


async def _by_meaning(
    session: AsyncSession,
    engine: SearchEngine,
    settings: Settings,
    query: Node,
    given: SearchInput,
) -> _Answer:
    """Semantic or hybrid: a ranked candidate set, paged, highlighted and faceted here."""
    if given.cursor:
        raise SearchError(f"'cursor' pages lexical results; {given.mode} mode pages by offset")
    k = modes.candidates_for(given.offset, given.limit)
    if k > modes.MAX_CANDIDATES:
        raise SearchError(
            f"{given.mode} results go {modes.MAX_CANDIDATES} passages deep; "
            "narrow the search with filters instead"
        )
    # Imported here, not at the top: it brings the model loader (ONNX Runtime, numpy)
    # and the embedding pipeline, which lexical search, `evidence search --mode
    # lexical` above all, never uses.
    from backend.embedding.service import query_vector

    loose: modes.Relaxed | None = None
    vector = await query_vector(session, settings, given.q)
    if given.mode == SearchMode.semantic:
        ranked = await modes.semantic(engine, vector, given.filters, k)
    else:
        fused, loose = await modes.hybrid(engine, vector, query, given.filters, k)
        ranked = tuple(fused)
    model = vector[1]
    shown = modes.page(ranked, given.offset, given.limit)
    texts = await _texts(session, [pid for pid, _ in shown])
    marks = loose.query if loose else query
    hits = [SearchHit(pid, score, highlight(texts.get(pid, ""), marks)) for pid, score in shown]
    facets = await candidate_facets(session, [pid for pid, _ in ranked]) if given.facets else {}
    return _Answer(len(ranked), hits, facets, None, loose, model)


async def _texts(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    stmt = select(Passage.id, Passage.text).where(col(Passage.id).in_(ids))
    return {stored(pid): text for pid, text in (await session.exec(stmt)).all()}


async def _attach_annotations(
    session: AsyncSession, viewer: Viewer, hits: list[SearchHitPublic]
) -> None:
    """Each hit carries the live annotations that overlap its passage (those the
    viewer may see), with their live codes, in one round trip. Only those are read
    (through the passages' version and span): a much-coded document may hold
    thousands."""
    if not hits:
        return
    links = live_links()
    stmt = (
        select(col(Passage.id), Annotation, links.c.code_id)
        .join(
            Annotation,
            and_(
                col(Annotation.version_id) == col(Passage.version_id),
                col(Annotation.start) < col(Passage.end),
                col(Annotation.end) > col(Passage.start),
            ),
        )
        .outerjoin(links, links.c.annotation_id == col(Annotation.id))
        .where(
            col(Passage.id).in_([h.passage.id for h in hits]),
            *viewer.clauses(),
            col(Annotation.deleted_at).is_(None),
            col(Annotation.orphaned).is_(False),
        )
        .order_by(col(Annotation.id), links.c.code_id)
    )
    found: dict[tuple[int, int], HitAnnotation] = {}
    for passage_id, a, code_id in (await session.exec(stmt)).all():
        shown = found.get((stored(passage_id), stored(a.id)))
        if shown is None:
            shown = found[stored(passage_id), stored(a.id)] = HitAnnotation(
                id=stored(a.id),
                start=a.start,
                end=a.end,
                code_ids=[],
                author_id=a.author_id,
                memo=a.memo,
            )
        if code_id is not None:
            shown.code_ids.append(code_id)
    for hit in hits:
        hit.annotations = [a for (pid, _), a in found.items() if pid == hit.passage.id]


async def _load(
    session: AsyncSession, ids: list[int]
) -> dict[int, tuple[Passage, Document, str, object]]:
    """Everything a page of hits shows, in one round trip: passage, document, and what
    its location needs of the version."""
    if not ids:
        return {}
    stmt = (
        select(Passage, Document, *HIT_VERSION_FIELDS)
        .join(Document, col(Document.id) == col(Passage.document_id))
        .join(DocumentVersion, col(DocumentVersion.id) == col(Passage.version_id))
        .where(col(Passage.id).in_(ids))
    )
    rows = (await session.exec(stmt)).all()
    return {stored(p.id): (p, d, fmt, pagination) for p, d, fmt, pagination in rows}


def _hit(
    found: SearchHit,
    passage: Passage,
    document: Document,
    fmt: str,
    pagination: object,
    *,
    full_text: bool,
) -> SearchHitPublic:
    location = hit_location(passage, fmt, pagination)
    shown = HitPassage.model_validate(passage)
    if not full_text:
        shown.text = None
    return SearchHitPublic(
        score=found.score,
        highlights=list(found.highlights),
        passage=shown,
        document=_summary(document),
        location=location,
        citation=cite(Source.of(document), location),
    )


def _summary(document: Document) -> DocumentSummary:
    return DocumentSummary(
        id=stored(document.id),
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
