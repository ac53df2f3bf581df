"""/api/projects: the caller's projects, members and roles, and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import col, select

from backend.api.auth import CurrentUser, ProjectAdmin, ProjectMember
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.api.filters import Filter, Filters, ids
from backend.api.listing import ListParamsDep, paginate
from backend.projects import edits, service
from backend.projects.models import (
    AuditEvent,
    MemberCreate,
    MemberPublic,
    MemberUpdate,
    ProjectCreate,
    ProjectPublic,
    ProjectUpdate,
    Role,
)

router = APIRouter(prefix="/api/projects", tags=["projects"])
AUDIT_FILTERS = Filters(Filter("id", ids, "in", AuditEvent.id))


@router.get("", response_model=list[ProjectPublic])
async def my_projects(
    user: CurrentUser, session: SessionDep, response: Response
) -> list[ProjectPublic]:
    projects = await service.projects_of(session, user)
    response.headers["Content-Range"] = f"projects 0-{max(len(projects) - 1, 0)}/{len(projects)}"
    return projects


@router.post("", response_model=ProjectPublic, status_code=201)
async def create_project(
    body: ProjectCreate, user: CurrentUser, session: SessionDep
) -> ProjectPublic:
    try:
        project = await edits.create_project(session, body, user)
    except service.MembershipError as exc:
        raise http_error(exc) from exc
    return ProjectPublic(**project.model_dump(), role=Role.admin)


@router.get("/{project_id}", response_model=ProjectPublic)
async def read_project(member: ProjectMember) -> ProjectPublic:
    return ProjectPublic(**member.project.model_dump(), role=member.role)


@router.patch("/{project_id}", response_model=ProjectPublic)
@router.put("/{project_id}", response_model=ProjectPublic, include_in_schema=False)
async def update_project(
    body: ProjectUpdate, member: ProjectAdmin, session: SessionDep
) -> ProjectPublic:
    project = await edits.update_project(session, member.project, body, member.user_id)
    return ProjectPublic(**project.model_dump(), role=member.role)


@router.get("/{project_id}/members", response_model=list[MemberPublic])
async def list_members(
    member: ProjectMember, session: SessionDep, response: Response
) -> list[MemberPublic]:
    rows = await service.members(session, member.project_id)
    response.headers["Content-Range"] = f"members 0-{max(len(rows) - 1, 0)}/{len(rows)}"
    return rows


@router.post("/{project_id}/members", response_model=MemberPublic, status_code=201)
async def add_member(body: MemberCreate, member: ProjectAdmin, session: SessionDep) -> MemberPublic:
    try:
        added = await edits.add_member(
            session, member.project_id, body.email, body.role, member.user
        )
    except service.MembershipError as exc:
        raise http_error(exc) from exc
    return added


@router.patch("/{project_id}/members/{membership_id}", response_model=MemberPublic)
@router.put(
    "/{project_id}/members/{membership_id}", response_model=MemberPublic, include_in_schema=False
)
async def change_member(
    membership_id: Id, body: MemberUpdate, member: ProjectAdmin, session: SessionDep
) -> MemberPublic | None:
    try:
        changed = await edits.change_member(
            session, member.project_id, membership_id, body.role, member.user
        )
    except service.MembershipError as exc:
        raise http_error(exc) from exc
    return changed


@router.delete("/{project_id}/members/{membership_id}", status_code=204)
async def remove_member(membership_id: Id, member: ProjectAdmin, session: SessionDep) -> None:
    try:
        await edits.change_member(session, member.project_id, membership_id, None, member.user)
    except service.MembershipError as exc:
        raise http_error(exc) from exc


@router.get("/{project_id}/audit", response_model=list[AuditEvent])
async def audit_log(
    member: ProjectAdmin, session: SessionDep, response: Response, params: ListParamsDep
) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(col(AuditEvent.project_id) == member.project_id)
    stmt = stmt.where(*await AUDIT_FILTERS.where(params.filters))
    return await paginate(session, stmt, AuditEvent, params, {"id", "at"}, response, "audit")
