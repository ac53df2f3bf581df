"""Proposals: passages elsewhere in the project that may corroborate or contradict
an excerpt, a CMOC or a passage, found by the search engine's similarity search.
The team accepts one (it becomes coded evidence, optionally linked to a CMOC with
a stance) or dismisses it; either way the decision is remembered and the passage
is not proposed again from the same starting point.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypedDict

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations import service as annotation_service
from backend.annotations.links import code_ids_of
from backend.annotations.models import Annotation, AnnotationCreate
from backend.cmocs import service as cmocs
from backend.cmocs.models import CmocEvidence, EvidenceIn
from backend.core.config import Settings
from backend.core.ids import stored
from backend.documents.models import Document, Passage, SourceType
from backend.errors import ServiceError
from backend.proposals import similarity
from backend.proposals.models import (
    Decision,
    Origin,
    Proposal,
    ProposalDecision,
    ProposalDecisionCreate,
)
from backend.visibility import Viewer
from search.base import Filters, SearchEngine
from search.highlight import highlight
from search.query import Or, Term

MAX_LIKE_CHARS = 5_000  # a long CMOC is summarised by its first words


class ProposalError(ServiceError):
    pass


async def _origin(
    session: AsyncSession, viewer: Viewer, origin: Origin, origin_id: int
) -> tuple[str, SourceType | None, list[int]]:
    """(text to be like, its source type, passage ids to leave out)."""
    project_id = viewer.project_id
    if origin == Origin.annotation:
        a = await annotation_service.get(session, viewer, origin_id)
        doc = await session.get(Document, a.document_id)
        source_type = doc.source_type if doc is not None else None  # the key keeps it
        return a.exact, source_type, [a.passage_id] if a.passage_id else []
    if origin == Origin.passage:
        p = await session.get(Passage, origin_id)
        doc = await session.get(Document, p.document_id) if p else None
        if p is None or doc is None or doc.project_id != project_id:
            raise ProposalError(f"passage {origin_id} not found", 404)
        return p.text, doc.source_type, [stored(p.id)]
    cmoc = await cmocs.get(session, project_id, origin_id)
    text = " ".join(
        [cmoc.title, cmoc.context, cmoc.mechanism_resource, cmoc.mechanism_reasoning, cmoc.outcome]
    )
    linked = select(Annotation.passage_id).join(
        CmocEvidence, col(CmocEvidence.annotation_id) == col(Annotation.id)
    )
    linked = linked.where(col(CmocEvidence.cmoc_id) == cmoc.id, *viewer.clauses())
    used = (await session.exec(linked)).all()
    return text, None, [p for p in used if p]


def default_targets(source_type: SourceType | None) -> tuple[str, ...]:
    """Interviews and CMOCs look to documents; documents look to interviews."""
    if source_type == SourceType.document:
        return (SourceType.interview.value,)
    return (SourceType.document.value,)


async def _decided(
    session: AsyncSession, project_id: int, origin: Origin, origin_id: int
) -> list[int]:
    stmt = select(ProposalDecision.passage_id).where(
        ProposalDecision.project_id == project_id,
        ProposalDecision.origin == origin,
        ProposalDecision.origin_id == origin_id,
    )
    return list((await session.exec(stmt)).all())


async def propose(
    session: AsyncSession,
    engine: SearchEngine,
    viewer: Viewer,
    origin: Origin,
    origin_id: int,
    filters: Filters,
    limit: int,
    settings: Settings,
) -> list[Proposal]:
    """`filters` are the search filters, their project set; without source types,
    the default targets for the origin's source type."""
    text, source_type, own = await _origin(session, viewer, origin, origin_id)
    exclude = tuple(own + await _decided(session, viewer.project_id, origin, origin_id))
    if not filters.source_types:
        filters = replace(filters, source_types=default_targets(source_type))
    text = text[:MAX_LIKE_CHARS]
    ranked, method = await similarity.rank(session, engine, settings, text, filters, exclude, limit)
    return await _present(session, text, ranked, method)


async def _present(
    session: AsyncSession, origin: str, hits: list[similarity.Ranked], method: str
) -> list[Proposal]:
    ids = [h.passage_id for h in hits]
    stmt = (
        select(Passage, Document)
        .join(Document, col(Document.id) == col(Passage.document_id))
        .where(col(Passage.id).in_(ids), Document.current_version_id == Passage.version_id)
    )
    rows = {stored(p.id): (p, d) for p, d in (await session.exec(stmt)).all()}
    return [
        Proposal(
            passage_id=h.passage_id,
            document_id=stored(rows[h.passage_id][1].id),
            title=rows[h.passage_id][1].title,
            source_type=rows[h.passage_id][1].source_type,
            organisation=rows[h.passage_id][1].organisation,
            page=rows[h.passage_id][0].page_start,
            heading_path=rows[h.passage_id][0].heading_path,
            speaker=rows[h.passage_id][0].speaker,
            text=rows[h.passage_id][0].text,
            score=h.score,
            **_reasons(origin, rows[h.passage_id][0].text, h, method),
        )
        for h in hits
        if h.passage_id in rows  # the index may briefly lag the database
    ]


class _Reasons(TypedDict):
    highlights: list[str]
    method: str
    shared_terms: list[str]
    similarity: float | None
    lexical_rank: int | None
    semantic_rank: int | None


def _reasons(origin: str, text: str, hit: similarity.Ranked, method: str) -> _Reasons:
    shared = similarity.shared_terms(origin, text)
    marks = hit.highlights or highlight(text, Or(tuple(Term(w) for w in shared)))
    return {
        "highlights": list(marks),
        "method": method,
        "shared_terms": shared,
        "similarity": hit.similarity,
        "lexical_rank": hit.lexical_rank,
        "semantic_rank": hit.semantic_rank,
    }


async def decide(
    session: AsyncSession, viewer: Viewer, user_id: int, data: ProposalDecisionCreate
) -> ProposalDecision:
    project_id = viewer.project_id
    await _origin(session, viewer, data.origin, data.origin_id)  # exists, visible
    passage = await session.get(Passage, data.passage_id)
    document = await session.get(Document, passage.document_id) if passage else None
    if passage is None or document is None or document.project_id != project_id:
        raise ProposalError(f"passage {data.passage_id} not found", 404)
    existing = await _existing(session, project_id, data)
    if existing is not None:
        raise ProposalError(f"this proposal was already decided ({existing.decision})", 409)
    decision = ProposalDecision(
        project_id=project_id,
        origin=data.origin,
        origin_id=data.origin_id,
        passage_id=stored(passage.id),
        decision=data.decision,
        user_id=user_id,
    )
    if data.decision == Decision.accept:
        decision.annotation_id = await _accept(
            session, project_id, user_id, data, passage, document
        )
    session.add(decision)
    await session.commit()  # the decision, and for an accept its annotation and evidence
    return decision


async def _existing(
    session: AsyncSession, project_id: int, data: ProposalDecisionCreate
) -> ProposalDecision | None:
    stmt = select(ProposalDecision).where(
        ProposalDecision.project_id == project_id,
        ProposalDecision.origin == data.origin,
        ProposalDecision.origin_id == data.origin_id,
        ProposalDecision.passage_id == data.passage_id,
    )
    return (await session.exec(stmt)).first()


async def _accept(
    session: AsyncSession,
    project_id: int,
    user_id: int,
    data: ProposalDecisionCreate,
    passage: Passage,
    document: Document,
) -> int:
    """Code the passage (or the part of it chosen) and link it to the CMOC."""
    if document.current_version_id != passage.version_id:
        raise ProposalError("this passage belongs to an older version of its document", 409)
    cmoc_id = data.cmoc_id or (data.origin_id if data.origin == Origin.cmoc else None)
    part = data.part
    if cmoc_id is not None and part is None:
        raise ProposalError("say which part of the CMOC this evidences: 'part'", 422)
    start = passage.start + (data.start or 0)
    end = passage.start + data.end if data.end is not None else passage.end
    if not passage.start <= start < end <= passage.end:
        raise ProposalError("start/end must lie within the passage (offsets into it)", 422)
    code_ids = data.code_ids or await _origin_codes(session, data)
    created = await annotation_service.create(
        session,
        project_id,
        user_id,
        AnnotationCreate(
            document_id=stored(document.id), start=start, end=end, code_ids=code_ids, memo=data.memo
        ),
    )
    annotation_id = stored(created.id)
    if cmoc_id is not None and part is not None:  # both or neither: refused above
        cmoc = await cmocs.get(session, project_id, cmoc_id)
        link = EvidenceIn(annotation_id=annotation_id, part=part, stance=data.stance)
        await cmocs.add_evidence(session, cmoc, user_id, link, None)
    return annotation_id


async def _origin_codes(session: AsyncSession, data: ProposalDecisionCreate) -> list[int]:
    """An accepted proposal from an excerpt is coded like that excerpt."""
    if data.origin != Origin.annotation:
        return []
    return (await code_ids_of(session, [data.origin_id]))[data.origin_id]


async def decisions(
    session: AsyncSession, project_id: int, origin: Origin, origin_id: int
) -> list[ProposalDecision]:
    stmt = select(ProposalDecision).where(
        ProposalDecision.project_id == project_id,
        ProposalDecision.origin == origin,
        ProposalDecision.origin_id == origin_id,
    )
    return list((await session.exec(stmt.order_by(col(ProposalDecision.id)))).all())
