"""Proposals: passages elsewhere in the project that may corroborate or contradict
an excerpt, a CMOC or a passage, found by the search engine's similarity search.
The team accepts one (it becomes coded evidence, optionally linked to a CMOC with
a stance) or dismisses it; either way the decision is remembered and the passage
is not proposed again from the same starting point.
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations import service as annotations
from backend.annotations.models import Annotation, AnnotationCreate
from backend.cmocs import service as cmocs
from backend.cmocs.models import CmocEvidence, EvidenceIn
from backend.documents.models import Document, Passage, SourceType
from backend.errors import ServiceError
from backend.proposals.models import Decision, DecisionIn, Origin, Proposal, ProposalDecision
from search.base import Filters, SearchEngine, SimilarRequest

MAX_LIKE_CHARS = 5_000  # a long CMOC is summarised by its first words


class ProposalError(ServiceError):
    pass


async def _origin(session: AsyncSession, project_id: int, origin: Origin, origin_id: int):
    """(text to be like, its source type, passage ids to leave out)."""
    if origin == Origin.annotation:
        a = await annotations.get(session, project_id, origin_id)
        doc = await session.get(Document, a.document_id)
        return a.exact, doc.source_type, [a.passage_id] if a.passage_id else []
    if origin == Origin.passage:
        p = await session.get(Passage, origin_id)
        doc = await session.get(Document, p.document_id) if p else None
        if doc is None or doc.project_id != project_id:
            raise ProposalError(f"passage {origin_id} not found", 404)
        return p.text, doc.source_type, [p.id]
    cmoc = await cmocs.get(session, project_id, origin_id)
    text = " ".join(
        [cmoc.title, cmoc.context, cmoc.mechanism_resource, cmoc.mechanism_reasoning, cmoc.outcome]
    )
    linked = select(Annotation.passage_id).join(
        CmocEvidence, CmocEvidence.annotation_id == Annotation.id
    )
    used = (await session.exec(linked.where(CmocEvidence.cmoc_id == cmoc.id))).all()
    return text, None, [p for p in used if p]


def default_targets(source_type: SourceType | None) -> tuple[str, ...]:
    """Interviews and CMOCs look to documents; documents look to interviews."""
    if source_type == SourceType.document:
        return (SourceType.interview.value,)
    return (SourceType.document.value,)


async def _decided(session: AsyncSession, project_id: int, origin: Origin, origin_id: int):
    stmt = select(ProposalDecision.passage_id).where(
        ProposalDecision.project_id == project_id,
        ProposalDecision.origin == origin,
        ProposalDecision.origin_id == origin_id,
    )
    return list((await session.exec(stmt)).all())


async def propose(
    session: AsyncSession,
    engine: SearchEngine,
    origin: Origin,
    origin_id: int,
    filters: Filters,
    limit: int,
) -> list[Proposal]:
    """`filters` are the search filters, their project set; without source types,
    the default targets for the origin's source type."""
    (project_id,) = filters.project_ids
    text, source_type, own = await _origin(session, project_id, origin, origin_id)
    exclude = tuple(own + await _decided(session, project_id, origin, origin_id))
    if not filters.source_types:
        filters = replace(filters, source_types=default_targets(source_type))
    request = SimilarRequest(text[:MAX_LIKE_CHARS], filters, limit=limit, exclude_ids=exclude)
    hits = await engine.similar(request)
    return await _present(session, hits)


async def _present(session: AsyncSession, hits) -> list[Proposal]:
    ids = [h.passage_id for h in hits]
    stmt = (
        select(Passage, Document)
        .join(Document, Document.id == Passage.document_id)
        .where(col(Passage.id).in_(ids), Document.current_version_id == Passage.version_id)
    )
    rows = {p.id: (p, d) for p, d in (await session.exec(stmt)).all()}
    return [
        Proposal(
            passage_id=h.passage_id,
            document_id=rows[h.passage_id][1].id,
            title=rows[h.passage_id][1].title,
            source_type=rows[h.passage_id][1].source_type,
            organisation=rows[h.passage_id][1].organisation,
            page=rows[h.passage_id][0].page_start,
            heading_path=rows[h.passage_id][0].heading_path,
            speaker=rows[h.passage_id][0].speaker,
            text=rows[h.passage_id][0].text,
            highlights=list(h.highlights),
            score=h.score,
        )
        for h in hits
        if h.passage_id in rows  # the index may briefly lag the database
    ]


async def decide(
    session: AsyncSession, project_id: int, user_id: int, data: DecisionIn
) -> ProposalDecision:
    await _origin(session, project_id, data.origin, data.origin_id)  # exists, in project
    passage = await session.get(Passage, data.passage_id)
    document = await session.get(Document, passage.document_id) if passage else None
    if document is None or document.project_id != project_id:
        raise ProposalError(f"passage {data.passage_id} not found", 404)
    existing = await _existing(session, project_id, data)
    if existing is not None:
        raise ProposalError(f"this proposal was already decided ({existing.decision})", 409)
    decision = ProposalDecision(
        project_id=project_id,
        origin=data.origin,
        origin_id=data.origin_id,
        passage_id=passage.id,
        decision=data.decision,
        user_id=user_id,
    )
    if data.decision == Decision.accept:
        decision.annotation_id = await _accept(
            session, project_id, user_id, data, passage, document
        )
    session.add(decision)
    await session.flush()
    return decision


async def _existing(session, project_id: int, data: DecisionIn) -> ProposalDecision | None:
    stmt = select(ProposalDecision).where(
        ProposalDecision.project_id == project_id,
        ProposalDecision.origin == data.origin,
        ProposalDecision.origin_id == data.origin_id,
        ProposalDecision.passage_id == data.passage_id,
    )
    return (await session.exec(stmt)).first()


async def _accept(session, project_id, user_id, data: DecisionIn, passage, document) -> int:
    """Code the passage (or the part of it chosen) and link it to the CMOC."""
    if document.current_version_id != passage.version_id:
        raise ProposalError("this passage belongs to an older version of its document", 409)
    cmoc_id = data.cmoc_id or (data.origin_id if data.origin == Origin.cmoc else None)
    if cmoc_id is not None and data.part is None:
        raise ProposalError("say which part of the CMOC this evidences: 'part'", 422)
    start = passage.start + (data.start or 0)
    end = passage.start + data.end if data.end is not None else passage.end
    if not passage.start <= start < end <= passage.end:
        raise ProposalError("start/end must lie within the passage (offsets into it)", 422)
    code_ids = data.code_ids or await _origin_codes(session, data)
    created = await annotations.create(
        session,
        project_id,
        user_id,
        AnnotationCreate(
            document_id=document.id, start=start, end=end, code_ids=code_ids, memo=data.memo
        ),
    )
    if cmoc_id is not None:
        cmoc = await cmocs.get(session, project_id, cmoc_id)
        link = EvidenceIn(annotation_id=created.id, part=data.part, stance=data.stance)
        await cmocs.add_evidence(session, cmoc, user_id, link, None)
    return created.id


async def _origin_codes(session: AsyncSession, data: DecisionIn) -> list[int]:
    """An accepted proposal from an excerpt is coded like that excerpt."""
    if data.origin != Origin.annotation:
        return []
    return (await annotations.code_ids_of(session, [data.origin_id]))[data.origin_id]


async def decisions(session: AsyncSession, project_id: int, origin: Origin, origin_id: int):
    stmt = select(ProposalDecision).where(
        ProposalDecision.project_id == project_id,
        ProposalDecision.origin == origin,
        ProposalDecision.origin_id == origin_id,
    )
    return list((await session.exec(stmt.order_by(ProposalDecision.id))).all())
