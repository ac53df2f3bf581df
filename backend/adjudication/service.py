"""Adjudication of a closed round into its consensus layer.

Starting it takes every agreement over as it stands (recorded as `agreed`); the
adjudicator then decides each disagreement: take one coder's version, merge (one
span over the region with the codes chosen, by default every code any coder applied
there), edit (their own boundaries and codes) or reject (nothing). Every decision is
recorded (who, when, what, memo) and can be undone, which deletes what it added.
Evidence links of the coders' annotations to CMOCs are carried over to the consensus
annotations made from them, so configurations keep their evidence in the consensus.
"""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.adjudication.models import AdjudicationAction, AdjudicationDecision, DecisionIn
from backend.agreement import rounds as round_report
from backend.agreement.regions import Coding, Kind, Region, regions
from backend.annotations import service as annotation_service
from backend.annotations.models import AnnotationCreate
from backend.audit import audit
from backend.cmocs import service as cmocs
from backend.cmocs.models import Cmoc, CmocEvidence, EvidenceIn
from backend.core.ids import stored
from backend.core.time import utcnow
from backend.errors import ServiceError
from backend.events.service import publish
from backend.rounds.models import CodingRound, RoundStatus
from backend.visibility import Viewer


class AdjudicationError(ServiceError):
    pass


DECISION = 0  # the coder of a consensus copy: a decision, no user (user ids start at 1)


async def _regions(
    session: AsyncSession, viewer: Viewer, row: CodingRound
) -> tuple[round_report.RoundData, list[Region]]:
    if row.status != RoundStatus.closed:
        raise AdjudicationError("close the round first: its codings must stop changing", 409)
    data = await round_report.load(session, viewer, row)
    return data, regions(data.codings, data.coders)


async def decisions(session: AsyncSession, round_id: int) -> list[AdjudicationDecision]:
    stmt = select(AdjudicationDecision).where(AdjudicationDecision.round_id == round_id)
    return list((await session.exec(stmt.order_by(col(AdjudicationDecision.id)))).all())


async def start(session: AsyncSession, viewer: Viewer, row: CodingRound, user_id: int) -> int:
    """Agreements go into the consensus unchanged (idempotent); returns how many."""
    _, found = await _regions(session, viewer, row)
    done = {d.key for d in await decisions(session, stored(row.id))}
    taken = 0
    for region in found:
        if region.kind == Kind.agreement and region.key not in done:
            first = region.codings[0].coder
            mine = [c for c in region.codings if c.coder == first]
            await _record(
                session, row, user_id, region, AdjudicationAction.agreed, first, None, mine
            )
            taken += 1
    if row.adjudication_started_at is None:
        row.adjudication_started_at = utcnow()
        session.add(row)
    publish(session, row.project_id, "round.adjudication", row.id, user_id, agreed=taken)
    return taken


async def decide(
    session: AsyncSession, viewer: Viewer, row: CodingRound, user_id: int, data: DecisionIn
) -> AdjudicationDecision:
    if row.adjudication_started_at is None:
        raise AdjudicationError("start the adjudication first (POST …/adjudication)", 409)
    _, found = await _regions(session, viewer, row)
    region = next((r for r in found if r.key == data.key), None)
    if region is None:
        raise AdjudicationError(f"no region '{data.key}' in this round", 404)
    if any(d.key == data.key for d in await decisions(session, stored(row.id))):
        raise AdjudicationError("this region is decided; undo that decision first", 409)
    if data.action == AdjudicationAction.agreed:
        raise AdjudicationError("'agreed' is recorded by starting the adjudication", 422)
    copies = _consensus(region, data)
    return await _record(session, row, user_id, region, data.action, data.coder_id, data, copies)


def _consensus(region: Region, data: DecisionIn) -> list[Coding]:
    """What the decision puts into the consensus, as codings (coder: the decision)."""
    if data.action == AdjudicationAction.reject:
        return []
    if data.action == AdjudicationAction.take:
        mine = [c for c in region.codings if c.coder == data.coder_id]
        if data.coder_id is None or not mine:
            raise AdjudicationError("say whose version to take: a coder who coded here", 422)
        return mine
    codes = frozenset(data.code_ids or [])
    if data.action == AdjudicationAction.merge:
        codes = codes or frozenset().union(*(c.codes for c in region.codings))
        start, end = region.start, region.end
    else:  # edit
        if data.start is None or data.end is None or not codes:
            raise AdjudicationError("an edit needs start, end and code_ids", 422)
        start, end = data.start, data.end
    return [Coding(DECISION, 0, region.document_id, start, end, codes)]


async def _record(
    session: AsyncSession,
    row: CodingRound,
    user_id: int,
    region: Region,
    action: AdjudicationAction,
    coder_id: int | None,
    data: DecisionIn | None,
    copies: list[Coding],
) -> AdjudicationDecision:
    made = [await _copy(session, row, user_id, c) for c in copies]
    sources = [c.annotation_id for c in region.codings]
    # Taking one coder's version carries their links; anything else, everyone's.
    carried = [c.annotation_id for c in copies] if action == AdjudicationAction.take else sources
    await _carry_evidence(session, user_id, carried, made)
    decision = AdjudicationDecision(
        round_id=stored(row.id),
        key=region.key,
        document_id=region.document_id,
        start=region.start,
        end=region.end,
        kind=region.kind,
        action=action,
        coder_id=coder_id
        if action in (AdjudicationAction.take, AdjudicationAction.agreed)
        else None,
        sources=sources,
        consensus_ids=made,
        memo=data.memo if data else None,
        user_id=user_id,
    )
    session.add(decision)
    await session.flush()
    audit(
        session,
        user_id=user_id,
        project_id=row.project_id,
        action=f"adjudicate.{action}",
        entity="round",
        entity_id=row.id,
        region=region.key,
        consensus=made,
    )
    return decision


async def _copy(session: AsyncSession, row: CodingRound, user_id: int, c: Coding) -> int:
    memo = None
    if c.annotation_id:
        memo = (await annotation_service.get_any(session, c.annotation_id)).memo
    made = await annotation_service.create(
        session,
        row.project_id,
        user_id,
        AnnotationCreate(
            document_id=c.document_id,
            start=c.start,
            end=c.end,
            code_ids=sorted(c.codes),
            memo=memo,
        ),
        consensus_of=row.id,
    )
    return stored(made.id)


async def _carry_evidence(
    session: AsyncSession, user_id: int, sources: list[int], made: list[int]
) -> None:
    """The coders' CMOC evidence links follow their codings into the consensus."""
    if not made or not sources:
        return
    stmt = select(CmocEvidence).where(col(CmocEvidence.annotation_id).in_(sources))
    links = {(e.cmoc_id, e.part, e.stance): e for e in (await session.exec(stmt)).all()}
    for (cmoc_id, part, stance), link in sorted(links.items(), key=lambda kv: kv[0][0]):
        cmoc = await session.get(Cmoc, cmoc_id)
        if cmoc is None or cmoc.deleted_at is not None:
            continue
        for annotation_id in made:
            item = EvidenceIn(annotation_id=annotation_id, part=part, stance=stance, note=link.note)
            await cmocs.add_evidence(session, cmoc, user_id, item, None)


async def undo(
    session: AsyncSession, row: CodingRound, decision_id: int, user_id: int
) -> AdjudicationDecision:
    """The decision goes; the consensus annotations it made are deleted (restorable)."""
    found = await session.get(AdjudicationDecision, decision_id)
    if found is None or found.round_id != row.id:
        raise AdjudicationError(f"decision {decision_id} not found", 404)
    for annotation_id in found.consensus_ids:
        a = await annotation_service.get_any(session, annotation_id)
        if a.deleted_at is None:
            await annotation_service.set_deleted(session, a, user_id, True, None)
    await session.delete(found)
    audit(
        session,
        user_id=user_id,
        project_id=row.project_id,
        action="adjudicate.undo",
        entity="round",
        entity_id=row.id,
        region=found.key,
        decision=found.action,
    )
    return found
