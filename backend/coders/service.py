"""Coder attributions: list, link to an account (admins, explicitly), unlink, and the one rule
for "who coded this" that agreement and ownership use.

Who coded an annotation (`coder_key`): the linked account when its coder attribution is linked,
else the attribution itself when there is one (imported, unlinked), else the author account
(coded here). Keys are strings, "user:<id>" or "coder:<id>", so accounts and unlinked imported
coders can be compared side by side without ever being confused.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.annotations.models import Annotation
from backend.audit import audit
from backend.coders.models import Coder, CoderPublic
from backend.core.ids import stored
from backend.core.time import utcnow
from backend.errors import ServiceError
from backend.projects.models import Membership


class CoderError(ServiceError):
    pass


def coder_key(author_id: int, coder_id: int | None, links: dict[int, int | None]) -> str:
    """Who coded a row: see the module docstring. `links`: coder id -> linked user id."""
    if coder_id is None:
        return f"user:{author_id}"
    linked = links.get(coder_id)
    return f"user:{linked}" if linked is not None else f"coder:{coder_id}"


async def links(session: AsyncSession, project_id: int) -> dict[int, int | None]:
    stmt = select(Coder.id, Coder.user_id).where(Coder.project_id == project_id)
    return {stored(coder_id): user_id for coder_id, user_id in (await session.exec(stmt)).all()}


async def names(session: AsyncSession, coder_ids: Sequence[int]) -> dict[int, str]:
    if not coder_ids:
        return {}
    stmt = select(Coder.id, Coder.name).where(col(Coder.id).in_(set(coder_ids)))
    return {stored(coder_id): name for coder_id, name in (await session.exec(stmt)).all()}


async def get(session: AsyncSession, project_id: int, coder_id: int) -> Coder:
    coder = await session.get(Coder, coder_id)
    if coder is None or coder.project_id != project_id:
        raise CoderError(f"coder {coder_id} not found", 404)
    return coder


async def listing(session: AsyncSession, project_id: int, admin: bool) -> list[CoderPublic]:
    per_coder = (
        select(col(Annotation.coder_id), func.count())
        .where(Annotation.project_id == project_id, col(Annotation.deleted_at).is_(None))
        .group_by(col(Annotation.coder_id))
    )
    # Keyed by coder id; None gathers the annotations coded here, without a coder.
    counts: dict[int | None, int] = dict((await session.exec(per_coder)).all())
    stmt = (
        select(Coder, col(User.name))
        .outerjoin(User, col(User.id) == col(Coder.user_id))
        .where(Coder.project_id == project_id)
        .order_by(col(Coder.id))
    )
    return [
        CoderPublic(
            **c.model_dump(exclude={"identifier"}),
            identifier=c.identifier if admin else None,
            user_name=user_name,
            annotations=counts.get(c.id, 0),
        )
        for c, user_name in (await session.exec(stmt)).all()
    ]


async def link(session: AsyncSession, coder: Coder, user_id: int | None, by: int) -> Coder:
    """Link to a member of the project (or unlink with None). Only members can be named, so
    this never tells whether some other account exists."""
    if user_id is not None:
        member = await session.exec(
            select(Membership.user_id).where(
                Membership.project_id == coder.project_id, Membership.user_id == user_id
            )
        )
        if member.first() is None:
            raise CoderError(f"user {user_id} is not a member of this project", 404)
    before = coder.user_id
    coder.user_id, coder.linked_by = user_id, by if user_id is not None else None
    coder.linked_at = utcnow() if user_id is not None else None
    session.add(coder)
    audit(
        session,
        user_id=by,
        project_id=coder.project_id,
        action="link" if user_id is not None else "unlink",
        entity="coder",
        entity_id=coder.id,
        user=user_id,
        previous=before,
    )
    await session.commit()
    return coder
