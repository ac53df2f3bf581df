"""Publish events (inside the writer's transaction) and read them back in order."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.events.models import Event

PAGE = 200


def publish(
    session: AsyncSession,
    project_id: int,
    kind: str,
    entity_id: int | None,
    user_id: int | None,
    **payload,
) -> None:
    """Committed with the change it describes, or not at all."""
    session.add(
        Event(
            project_id=project_id, kind=kind, entity_id=entity_id, user_id=user_id, payload=payload
        )
    )


async def events_after(session: AsyncSession, project_id: int, after: int) -> list[Event]:
    stmt = (
        select(Event)
        .where(Event.project_id == project_id, Event.id > after)
        .order_by(Event.id)
        .limit(PAGE)
    )
    return list((await session.exec(stmt)).all())


async def last_event_id(session: AsyncSession, project_id: int) -> int:
    stmt = select(Event.id).where(Event.project_id == project_id).order_by(Event.id.desc()).limit(1)
    return (await session.exec(stmt)).first() or 0
