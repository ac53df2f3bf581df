"""/api/projects: the caller's projects, members and roles, and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from sqlmodel import select

from backend.api.auth import CurrentUser, ProjectAdmin, ProjectMember
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.api.listing import ListParamsDep, paginate
from backend.audit import audit
from backend.projects import service
from backend.projects.models import (
    AuditEvent,
    MemberCreate,
    MemberPublic,
    MemberUpdate,
    ProjectCreate,
    ProjectPublic,
    ProjectUpdate,
)

router = APIRouter(prefix="/api/projects", tags=["projects"])


@router.get("", response_model=list[ProjectPublic])
async def my_projects(user: CurrentUser, session: SessionDep, response: Response):
    projects = await service.projects_of(session, user)
    response.headers["Content-Range"] = f"projects 0-{max(len(projects) - 1, 0)}/{len(projects)}"
    return projects


@router.post("", response_model=ProjectPublic, status_code=201)
async def create_project(body: ProjectCreate, user: CurrentUser, session: SessionDep):
    project = await service.create_project(session, body, user)
    await session.commit()
    return ProjectPublic(**project.model_dump(), role="admin")


@router.get("/{project_id}", response_model=ProjectPublic)
async def read_project(member: ProjectMember):
    return ProjectPublic(**member.project.model_dump(), role=member.role)


@router.patch("/{project_id}", response_model=ProjectPublic)
@router.put("/{project_id}", response_model=ProjectPublic, include_in_schema=False)
async def update_project(body: ProjectUpdate, member: ProjectAdmin, session: SessionDep):
    project = member.project
    for key, value in body.model_dump(exclude_unset=True).items():
        if value is not None or key == "description":
            setattr(project, key, value)
    session.add(project)
    audit(
        session,
        user_id=member.user.id,
        project_id=project.id,
        action="update",
        entity="project",
        entity_id=project.id,
    )
    await session.commit()
    return ProjectPublic(**project.model_dump(), role=member.role)


@router.get("/{project_id}/members", response_model=list[MemberPublic])
async def list_members(member: ProjectMember, session: SessionDep, response: Response):
    rows = await service.members(session, member.project.id)
    response.headers["Content-Range"] = f"members 0-{max(len(rows) - 1, 0)}/{len(rows)}"
    return rows


@router.post("/{project_id}/members", response_model=MemberPublic, status_code=201)
async def add_member(body: MemberCreate, member: ProjectAdmin, session: SessionDep):
    try:
        added = await service.add_member(
            session, member.project.id, body.email, body.role, member.user
        )
    except service.MembershipError as exc:
        raise http_error(exc) from exc
    await session.commit()
    return added


@router.patch("/{project_id}/members/{membership_id}", response_model=MemberPublic)
@router.put(
    "/{project_id}/members/{membership_id}", response_model=MemberPublic, include_in_schema=False
)
async def change_member(
    membership_id: Id, body: MemberUpdate, member: ProjectAdmin, session: SessionDep
):
    try:
        changed = await service.change_member(
            session, member.project.id, membership_id, body.role, member.user
        )
    except service.MembershipError as exc:
        raise http_error(exc) from exc
    await session.commit()
    return changed


@router.delete("/{project_id}/members/{membership_id}", status_code=204)
async def remove_member(membership_id: Id, member: ProjectAdmin, session: SessionDep):
    try:
        await service.change_member(session, member.project.id, membership_id, None, member.user)
    except service.MembershipError as exc:
        raise http_error(exc) from exc
    await session.commit()


@router.get("/{project_id}/audit", response_model=list[AuditEvent])
async def audit_log(
    member: ProjectAdmin, session: SessionDep, response: Response, params: ListParamsDep
):
    stmt = select(AuditEvent).where(AuditEvent.project_id == member.project.id)
    if params.filters:
        raise HTTPException(400, "the audit log has no filters yet")
    return await paginate(session, stmt, AuditEvent, params, {"id", "at"}, response, "audit")
