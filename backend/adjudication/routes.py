"""Adjudication of a round into the consensus layer, the project's analysis layer,
and the methods data a report states.

- POST /api/projects/{p}/rounds/{r}/adjudication: begin (agreements taken over)
- GET  …/rounds/{r}/adjudication: the disagreements, each with its decision if any
- POST …/rounds/{r}/adjudication/decisions: decide one region
- DELETE …/rounds/{r}/adjudication/decisions/{d}: undo a decision
- GET/PUT /api/projects/{p}/analysis-layer, GET /api/projects/{p}/methods
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.adjudication import edits, service
from backend.adjudication.layers import setting_of, statement
from backend.adjudication.methods import methods_data
from backend.adjudication.models import (
    AdjudicationDecision,
    AdjudicationQueue,
    AnalysisSettingIn,
    AnalysisSettingPublic,
    DecisionIn,
    DecisionPublic,
)
from backend.agreement import rounds as round_report
from backend.agreement.regions import Kind, regions
from backend.api.auth import Member, ProjectAdmin, ProjectMember
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.core.ids import stored
from backend.errors import ServiceError
from backend.rounds import service as rounds

router = APIRouter(prefix="/api/projects/{project_id}", tags=["adjudication"])


async def _queue(session: AsyncSession, member: Member, round_id: int) -> dict[str, Any]:
    row = await rounds.get(session, stored(member.project.id), round_id)
    data = await round_report.load(session, member.viewer, row)
    made = {d.key: d for d in await service.decisions(session, stored(row.id))}
    found = regions(data.codings, data.coders)
    users, _ = await round_report.names(session, data.coders, [])
    return {
        "round_id": row.id,
        "status": row.status,
        "started": row.adjudication_started_at is not None,
        "agreements": sum(1 for r in found if r.kind == Kind.agreement),
        "items": [
            round_report.present(r, data, users) | {"decision": _public(made.get(r.key))}
            for r in found
            if r.kind != Kind.agreement
        ],
    }


def _public(decision: AdjudicationDecision | None) -> dict[str, Any] | None:
    return DecisionPublic.model_validate(decision).model_dump(mode="json") if decision else None


@router.get("/rounds/{round_id}/adjudication", response_model=AdjudicationQueue)
async def adjudication_queue(
    round_id: Id, member: ProjectMember, session: SessionDep
) -> dict[str, Any]:
    try:
        return await _queue(session, member, round_id)
    except ServiceError as exc:
        raise http_error(exc) from exc


@router.post("/rounds/{round_id}/adjudication", response_model=AdjudicationQueue)
async def start_adjudication(
    round_id: Id, member: ProjectAdmin, session: SessionDep
) -> dict[str, Any]:
    """Agreements go into the consensus as they are; the queue of disagreements."""
    try:
        await edits.start(
            session, member.viewer, stored(member.project.id), round_id, stored(member.user.id)
        )
        return await _queue(session, member, round_id)
    except ServiceError as exc:
        raise http_error(exc) from exc


@router.post(
    "/rounds/{round_id}/adjudication/decisions", response_model=DecisionPublic, status_code=201
)
async def decide(
    round_id: Id, body: DecisionIn, member: ProjectAdmin, session: SessionDep
) -> AdjudicationDecision:
    """take (coder_id), merge (code_ids optional), edit (start, end, code_ids), reject."""
    try:
        decision = await edits.decide(
            session,
            member.viewer,
            stored(member.project.id),
            round_id,
            stored(member.user.id),
            body,
        )
    except ServiceError as exc:
        raise http_error(exc) from exc
    return decision


@router.delete("/rounds/{round_id}/adjudication/decisions/{decision_id}", status_code=204)
async def undo_decision(
    round_id: Id, decision_id: Id, member: ProjectAdmin, session: SessionDep
) -> Response:
    try:
        await edits.undo(
            session, stored(member.project.id), round_id, decision_id, stored(member.user.id)
        )
    except ServiceError as exc:
        raise http_error(exc) from exc
    return Response(status_code=204)


@router.get("/analysis-layer", response_model=AnalysisSettingPublic)
async def read_layer(member: ProjectMember, session: SessionDep) -> AnalysisSettingPublic:
    found = await setting_of(session, stored(member.project.id))
    return AnalysisSettingPublic(
        layer=found.layer, coder_id=found.coder_id, statement=await statement(session, found)
    )


@router.put("/analysis-layer", response_model=AnalysisSettingPublic)
async def set_layer(
    body: AnalysisSettingIn, member: ProjectAdmin, session: SessionDep
) -> AnalysisSettingPublic:
    """Which codings the CMOC evidence, matrix, reports and exports count."""
    try:
        await edits.choose_layer(session, stored(member.project.id), body, stored(member.user.id))
    except ServiceError as exc:
        raise http_error(exc) from exc
    return await read_layer(member, session)


# response_model=None: the return annotation would otherwise become a response schema.
@router.get("/methods", response_model=None)
async def methods(member: ProjectMember, session: SessionDep) -> dict[str, Any]:
    """What the report's methods appendix states about coding and consensus."""
    return (await methods_data(session, stored(member.project.id), member.viewer)).as_dict()
