"""Use cases for projects and their members."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.accounts.service import user_by_email
from backend.audit import audit
from backend.core.ids import stored
from backend.errors import ServiceError
from backend.projects.models import (
    MemberPublic,
    Membership,
    Project,
    ProjectCreate,
    ProjectPublic,
    Role,
)


class MembershipError(ServiceError):
    pass


async def create_project(session: AsyncSession, data: ProjectCreate, owner: User) -> Project:
    project = Project(
        name=data.name, description=data.description, ocr_languages=data.ocr_languages
    )
    session.add(project)
    await session.flush()
    project_id = stored(project.id)
    session.add(Membership(project_id=project_id, user_id=stored(owner.id), role=Role.admin))
    audit(
        session,
        user_id=owner.id,
        project_id=project_id,
        action="create",
        entity="project",
        entity_id=project_id,
    )
    for member in data.members:
        await add_member(session, project_id, member.email, member.role, owner)
    return project


async def projects_of(session: AsyncSession, user: User) -> list[ProjectPublic]:
    stmt = (
        select(Project, col(Membership.role))
        .join(Membership, col(Membership.project_id) == col(Project.id))
        .where(Membership.user_id == user.id)
        .order_by(col(Project.id))
    )
    return [ProjectPublic(**p.model_dump(), role=role) for p, role in (await session.exec(stmt))]


async def members(session: AsyncSession, project_id: int) -> list[MemberPublic]:
    stmt = (
        select(Membership, User)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(Membership.project_id == project_id)
        .order_by(col(Membership.id))
    )
    return [_public(m, u) for m, u in (await session.exec(stmt))]


def _public(m: Membership, u: User) -> MemberPublic:
    return MemberPublic(
        id=stored(m.id), user_id=stored(u.id), email=u.email, name=u.name, role=m.role
    )


async def add_member(
    session: AsyncSession, project_id: int, email: str, role: Role, by: User
) -> MemberPublic:
    user = await user_by_email(session, email)
    if user is None:
        # 422 as for any unknown id in a body: the project the path names exists, so a
        # 404 would say it does not (and the create route declares no 404).
        raise MembershipError(f"no account for {email}; an account admin creates it first", 422)
    stmt = select(Membership).where(
        Membership.project_id == project_id, Membership.user_id == user.id
    )
    if (await session.exec(stmt)).first():
        raise MembershipError(f"{email} is already a member", 409)
    membership = Membership(project_id=project_id, user_id=stored(user.id), role=role)
    session.add(membership)
    await session.flush()
    audit(
        session,
        user_id=by.id,
        project_id=project_id,
        action="add_member",
        entity="membership",
        entity_id=membership.id,
        member=user.id,
        role=str(role),
    )
    return _public(membership, user)


async def change_member(
    session: AsyncSession, project_id: int, membership_id: int, role: Role | None, by: User
) -> MemberPublic | None:
    """Change a role, or remove the member when role is None. Never leaves a project
    without an admin."""
    membership = await session.get(Membership, membership_id)
    if membership is None or membership.project_id != project_id:
        raise MembershipError(f"member {membership_id} not found", 404)
    if membership.role == Role.admin and role != Role.admin:
        await _keep_an_admin(session, project_id)
    user = await session.get(User, membership.user_id)
    if user is None:  # the foreign key keeps the account; this says so to the types
        raise LookupError(f"user {membership.user_id} of membership {membership_id} is gone")
    action = "remove_member" if role is None else "change_role"
    audit(
        session,
        user_id=by.id,
        project_id=project_id,
        action=action,
        entity="membership",
        entity_id=membership.id,
        member=user.id,
        role=str(role) if role else None,
    )
    if role is None:
        await session.delete(membership)
        return None
    membership.role = role
    session.add(membership)
    return _public(membership, user)


async def _keep_an_admin(session: AsyncSession, project_id: int) -> None:
    stmt = (
        select(func.count())
        .select_from(Membership)
        .where(Membership.project_id == project_id, Membership.role == Role.admin)
    )
    if (await session.exec(stmt)).one() <= 1:
        raise MembershipError(
            "a project needs at least one admin; make someone else admin first", 409
        )
