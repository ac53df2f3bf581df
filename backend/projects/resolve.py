"""Which project a CLI command works on, when the operator did not say."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.ids import stored
from backend.errors import CommandError
from backend.projects.models import Membership, Project, Role

DEFAULT_NAME = "Default project"


async def resolve_project(session: AsyncSession, given: int | None) -> Project:
    """The given project; else the only one; else a new "Default project" (the first
    account admin adopts it). Several projects and none given is an error."""
    if given is not None:
        project = await session.get(Project, given)
        if project is None:
            raise CommandError(f"there is no project {given}; see `evidence projects list`")
        return project
    projects = (await session.exec(select(Project).order_by(col(Project.id)))).all()
    if len(projects) == 1:
        return projects[0]
    if projects:
        names = ", ".join(f"{p.id} ({p.name})" for p in projects)
        raise CommandError(f"there are several projects; choose one with --project: {names}")
    project = Project(name=DEFAULT_NAME, description="Created by the command line")
    session.add(project)
    await session.commit()
    return project


async def adopt_orphans(session: AsyncSession, user_id: int) -> list[Project]:
    """Projects with no members at all (made by the CLI before any account existed)
    get this account admin as their admin, so the web app can reach them."""
    members = select(Membership.project_id)
    orphans = (await session.exec(select(Project).where(col(Project.id).not_in(members)))).all()
    for project in orphans:
        session.add(Membership(project_id=stored(project.id), user_id=user_id, role=Role.admin))
    return list(orphans)
