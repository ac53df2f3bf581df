"""Adjudicating a round, and choosing the analysis layer, as units of work: each
checks, writes through `service` (its event, its audit entry) and commits."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.adjudication import service
from backend.adjudication.layers import setting_of
from backend.adjudication.models import (
    AdjudicationDecision,
    AnalysisLayer,
    AnalysisSetting,
    AnalysisSettingIn,
    DecisionIn,
)
from backend.audit import audit
from backend.core.time import utcnow
from backend.errors import ServiceError
from backend.projects.models import Membership
from backend.rounds import service as rounds
from backend.visibility import Viewer


async def start(
    session: AsyncSession, viewer: Viewer, project_id: int, round_id: int, user_id: int
) -> int:
    """Agreements go into the consensus as they are; returns how many."""
    row = await rounds.get(session, project_id, round_id)
    taken = await service.start(session, viewer, row, user_id)
    await session.commit()
    return taken


async def decide(
    session: AsyncSession,
    viewer: Viewer,
    project_id: int,
    round_id: int,
    user_id: int,
    data: DecisionIn,
) -> AdjudicationDecision:
    row = await rounds.get(session, project_id, round_id)
    decision = await service.decide(session, viewer, row, user_id, data)
    await session.commit()
    return decision


async def undo(
    session: AsyncSession, project_id: int, round_id: int, decision_id: int, user_id: int
) -> None:
    row = await rounds.get(session, project_id, round_id)
    await service.undo(session, row, decision_id, user_id)
    await session.commit()


async def choose_layer(
    session: AsyncSession, project_id: int, data: AnalysisSettingIn, user_id: int
) -> AnalysisSetting:
    """Which codings the CMOC evidence, matrix, reports and exports count."""
    if (data.layer == AnalysisLayer.coder) != (data.coder_id is not None):
        raise ServiceError("coder_id goes with layer 'coder', and only with it", 422)
    if data.coder_id is not None:
        stmt = select(Membership.id).where(
            Membership.project_id == project_id, Membership.user_id == data.coder_id
        )
        if (await session.exec(stmt)).first() is None:
            raise ServiceError(f"user {data.coder_id} is not a member", 422)
    found = await setting_of(session, project_id)
    found.layer, found.coder_id = data.layer, data.coder_id
    found.updated_by, found.updated_at = user_id, utcnow()
    session.add(found)
    audit(
        session,
        user_id=user_id,
        project_id=project_id,
        action="analysis_layer",
        entity="project",
        entity_id=project_id,
        layer=data.layer,
        coder_id=data.coder_id,
    )
    await session.commit()
    return found
