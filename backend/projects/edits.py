"""Changes to a project and its members as units of work: each writes through
`service` (with its audit entry) and commits, or on a refusal writes nothing."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.audit import audit
from backend.projects import service
from backend.projects.models import MemberPublic, Project, ProjectCreate, ProjectUpdate, Role


async def create_project(session: AsyncSession, data: ProjectCreate, owner: User) -> Project:
    try:
        project = await service.create_project(session, data, owner)
    except service.MembershipError:
        await session.rollback()  # the project and any member added before the bad one
        raise
    await session.commit()
    return project


async def update_project(
    session: AsyncSession, project: Project, data: ProjectUpdate, user_id: int
) -> Project:
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None or key == "description":  # only the description may be blanked
            setattr(project, key, value)
    session.add(project)
    audit(
        session,
        user_id=user_id,
        project_id=project.id,
        action="update",
        entity="project",
        entity_id=project.id,
    )
    await session.commit()
    return project


async def add_member(
    session: AsyncSession, project_id: int, email: str, role: Role, by: User
) -> MemberPublic:
    added = await service.add_member(session, project_id, email, role, by)
    await session.commit()
    return added


async def change_member(
    session: AsyncSession, project_id: int, membership_id: int, role: Role | None, by: User
) -> MemberPublic | None:
    """A new role, or (role None) the member removed."""
    changed = await service.change_member(session, project_id, membership_id, role, by)
    await session.commit()
    return changed
