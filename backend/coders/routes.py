"""/api/projects/{id}/coders: coder attributions from imported files (members read, admins link)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.api.auth import Member, ProjectAdmin, ProjectMember
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.coders import service
from backend.coders.models import CoderLink, CoderPublic
from backend.projects.models import Role

router = APIRouter(prefix="/api/projects/{project_id}/coders", tags=["coders"])


@router.get("", response_model=list[CoderPublic])
async def list_coders(member: ProjectMember, session: SessionDep) -> list[CoderPublic]:
    return await service.listing(session, member.project_id, member.at_least(Role.admin))


async def _set(
    member: Member, session: AsyncSession, coder_id: int, user_id: int | None
) -> CoderPublic:
    try:
        coder = await service.get(session, member.project_id, coder_id)
        await service.link(session, coder, user_id, member.user_id)
    except service.CoderError as exc:
        raise http_error(exc) from exc
    found = await service.listing(session, member.project_id, admin=True)
    return next(c for c in found if c.id == coder_id)


@router.put("/{coder_id}/link", response_model=CoderPublic)
async def link_coder(
    coder_id: Id, body: CoderLink, member: ProjectAdmin, session: SessionDep
) -> CoderPublic:
    """Attribute this imported coder's work to a project member's account, explicitly."""
    return await _set(member, session, coder_id, body.user_id)


@router.delete("/{coder_id}/link", response_model=CoderPublic)
async def unlink_coder(coder_id: Id, member: ProjectAdmin, session: SessionDep) -> CoderPublic:
    return await _set(member, session, coder_id, None)
