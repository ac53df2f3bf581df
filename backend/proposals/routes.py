"""/api/projects/{id}/proposals: passages that may corroborate or contradict an
excerpt, CMOC or passage; accept (code and link) or dismiss (remembered)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from backend.api.auth import ProjectCoder, ProjectMember
from backend.api.deps import SearchDep, SessionDep
from backend.api.errors import http_error
from backend.errors import ServiceError
from backend.proposals import service
from backend.proposals.models import DecisionIn, DecisionPublic, Origin, Proposal
from backend.searching.filters import FiltersDep
from backend.versioning import StaleEdit

router = APIRouter(prefix="/api/projects/{project_id}/proposals", tags=["analysis"])
MAX_ID = 2**31 - 1
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _origin(annotation_id, cmoc_id, passage_id, origin, origin_id) -> tuple[Origin, int]:
    given = [
        (o, i)
        for o, i in (
            (Origin.annotation, annotation_id),
            (Origin.cmoc, cmoc_id),
            (Origin.passage, passage_id),
            (origin, origin_id),
        )
        if o is not None and i is not None
    ]
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
    annotation_id: IdQuery = None,
    cmoc_id: IdQuery = None,
    passage_id: IdQuery = None,
    origin: Origin | None = None,
    origin_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
):
    """Takes the search filters (source_type, document_type, organisation, dates,
    code_id, coder_id, ...). Without `source_type`: documents for an interview
    excerpt or a CMOC, interviews for a document excerpt."""
    start = _origin(annotation_id, cmoc_id, passage_id, origin, origin_id)
    try:
        return await service.propose(session, engine, *start, filters, limit)
    except ServiceError as exc:
        raise http_error(exc) from exc


@router.post("/decide", response_model=DecisionPublic, status_code=201)
async def decide(body: DecisionIn, member: ProjectCoder, session: SessionDep):
    try:
        decision = await service.decide(session, member.project.id, member.user.id, body)
    except ServiceError as exc:
        raise http_error(exc) from exc
    except StaleEdit as exc:
        raise HTTPException(409, "the CMOC changed meanwhile; try again") from exc
    await session.commit()
    return decision


@router.get("/decisions", response_model=list[DecisionPublic])
async def list_decisions(
    member: ProjectMember,
    session: SessionDep,
    origin: Origin,
    origin_id: Annotated[int, Query(ge=1, le=MAX_ID)],
):
    return await service.decisions(session, member.project.id, origin, origin_id)
