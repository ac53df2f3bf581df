"""Publish events (inside the writer's transaction) and read them back in order.

Streams resume after the last id they saw, so ids must follow commit order. On
PostgreSQL, ids are handed out at insert time, and a slow transaction could
commit a smaller id after a stream had moved past it. So events are held in
the session and inserted at commit time under a per-project advisory lock:
whoever commits first also gets the smaller ids. (SQLite has one writer at a
time, which already gives that order.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.events.models import Event

PAGE = 200
LOCK_CLASS = 7_270_702  # advisory lock namespace for event ids
_PENDING = "evidence_pending_events"


def publish(
    session: AsyncSession,
    project_id: int,
    kind: str,
    entity_id: int | None,
    user_id: int | None,
    **payload: Any,
) -> None:
    """Committed with the change it describes, or not at all."""
    sync = session.sync_session
    pending = sync.info.setdefault(_PENDING, [])
    pending.append(
        Event(
            project_id=project_id, kind=kind, entity_id=entity_id, user_id=user_id, payload=payload
        )
    )


@event.listens_for(Session, "before_commit")
def _insert_pending(sync: Session) -> None:
    pending = sync.info.pop(_PENDING, None)
    if not pending:
        return
    if sync.get_bind().dialect.name == "postgresql":
        for project_id in sorted({e.project_id for e in pending}):
            sync.execute(
                text("SELECT pg_advisory_xact_lock(:c, :p)"), {"c": LOCK_CLASS, "p": project_id}
            )
    sync.add_all(pending)
    sync.flush()


@event.listens_for(Session, "after_rollback")
def _forget_pending(sync: Session) -> None:
    sync.info.pop(_PENDING, None)


async def events_after(session: AsyncSession, project_id: int, after: int) -> list[Event]:
    stmt = (
        select(Event)
        .where(Event.project_id == project_id, col(Event.id) > after)
        .order_by(col(Event.id))
        .limit(PAGE)
    )
    return list((await session.exec(stmt)).all())


async def last_event_id(session: AsyncSession, project_id: int) -> int:
    stmt = (
        select(col(Event.id))
        .where(Event.project_id == project_id)
        .order_by(col(Event.id).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first() or 0
