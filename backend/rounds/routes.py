"""/api/projects/{id}/rounds: coding rounds (admins open and close them; every
member reads them, a blind coder seeing only their own progress)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from backend.api.auth import ProjectAdmin, ProjectMember
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.codes import versions as codebook_versions
from backend.core.ids import stored
from backend.errors import ServiceError
from backend.rounds import service
from backend.rounds.models import RoundCreate, RoundPublic
from backend.visibility import viewer_for

router = APIRouter(prefix="/api/projects/{project_id}/rounds", tags=["rounds"])


@router.post("", response_model=RoundPublic, status_code=201)
async def open_round(body: RoundCreate, member: ProjectAdmin, session: SessionDep) -> RoundPublic:
    """Documents, coders (two or more members who may code) and whether the round is
    blind. A coder codes a document in one open round at a time (409 otherwise)."""
    try:
        pinned = await codebook_versions.current_number(session, stored(member.project.id))
        row = await service.open_round(
            session, stored(member.project.id), stored(member.user.id), body, pinned
        )
    except ServiceError as exc:
        raise http_error(exc) from exc
    return (await service.public(session, member.viewer, [row]))[0]


@router.get("", response_model=list[RoundPublic])
async def list_rounds(
    member: ProjectMember, session: SessionDep, response: Response
) -> list[RoundPublic]:
    rows = await service.list_rounds(session, stored(member.project.id))
    response.headers["Content-Range"] = f"rounds 0-{max(len(rows) - 1, 0)}/{len(rows)}"
    return await service.public(session, member.viewer, rows)


@router.get("/{round_id}", response_model=RoundPublic)
async def read_round(round_id: Id, member: ProjectMember, session: SessionDep) -> RoundPublic:
    try:
        row = await service.get(session, stored(member.project.id), round_id)
    except ServiceError as exc:
        raise http_error(exc) from exc
    return (await service.public(session, member.viewer, [row]))[0]


@router.post("/{round_id}/close", response_model=RoundPublic)
async def close_round(round_id: Id, member: ProjectAdmin, session: SessionDep) -> RoundPublic:
    """Closed: the round's codings are frozen (409 on edits) and visible to everyone."""
    try:
        row = await service.get(session, stored(member.project.id), round_id)
        row = await service.close_round(session, row, stored(member.user.id))
    except ServiceError as exc:
        raise http_error(exc) from exc
    viewer = await viewer_for(
        session, stored(member.project.id), stored(member.user.id)
    )  # unblinded now
    return (await service.public(session, viewer, [row]))[0]
