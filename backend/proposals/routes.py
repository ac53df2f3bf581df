"""/api/projects/{id}/proposals: passages that may corroborate or contradict an
excerpt, CMOC or passage; accept (code and link) or dismiss (remembered)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from backend.api.auth import ProjectCoder, ProjectMember
from backend.api.deps import SearchDep, SessionDep, SettingsDep
from backend.api.errors import http_error
from backend.errors import ServiceError
from backend.proposals import service
from backend.proposals.models import (
    Origin,
    Proposal,
    ProposalDecision,
    ProposalDecisionCreate,
    ProposalDecisionPublic,
)
from backend.searching.filters import FiltersDep
from backend.versioning import StaleEdit

router = APIRouter(prefix="/api/projects/{project_id}/proposals", tags=["analysis"])
MAX_ID = 2**31 - 1
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _origin(
    annotation_id: int | None,
    cmoc_id: int | None,
    passage_id: int | None,
    origin: Origin | None,
    origin_id: int | None,
) -> tuple[Origin, int]:
    named: tuple[tuple[Origin | None, int | None], ...] = (
        (Origin.annotation, annotation_id),
        (Origin.cmoc, cmoc_id),
        (Origin.passage, passage_id),
        (origin, origin_id),
    )
    given = [(o, i) for o, i in named if o is not None and i is not None]
    if len(given) != 1:
        raise HTTPException(
            400, "say where to start from: one of annotation_id, cmoc_id or passage_id"
        )
    return given[0]


@router.get("", response_model=list[Proposal])
async def list_proposals(
    member: ProjectMember,
    session: SessionDep,
    engine: SearchDep,
    filters: FiltersDep,
    settings: SettingsDep,
    annotation_id: IdQuery = None,
    cmoc_id: IdQuery = None,
    passage_id: IdQuery = None,
    origin: Origin | None = None,
    origin_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[Proposal]:
    """Takes the search filters (source_type, document_type, organisation, dates,
    code_id, coder_id, ...). Without `source_type`: documents for an interview
    excerpt or a CMOC, interviews for a document excerpt."""
    start = _origin(annotation_id, cmoc_id, passage_id, origin, origin_id)
    try:
        return await service.propose(
            session, engine, member.viewer, *start, filters, limit, settings
        )
    except ServiceError as exc:
        raise http_error(exc) from exc


@router.post("/decide", response_model=ProposalDecisionPublic, status_code=201)
async def decide(
    body: ProposalDecisionCreate, member: ProjectCoder, session: SessionDep
) -> ProposalDecision:
    try:
        decision = await service.decide(session, member.viewer, member.user_id, body)
    except ServiceError as exc:
        raise http_error(exc) from exc
    except StaleEdit as exc:
        raise HTTPException(409, "the CMOC changed meanwhile; try again") from exc
    return decision


@router.get("/decisions", response_model=list[ProposalDecisionPublic])
async def list_decisions(
    member: ProjectMember,
    session: SessionDep,
    origin: Origin,
    origin_id: Annotated[int, Query(ge=1, le=MAX_ID)],
) -> list[ProposalDecision]:
    return await service.decisions(session, member.project_id, origin, origin_id)
