"""Optimistic concurrency, soft delete and history for every versioned row
(annotations, programme theories, CMO configurations).

An edit names the version it started from and wins only if the row is still at that
version; one conditional UPDATE decides, so two racing editors cannot both win. Every
change leaves a revision (the state after it) in the row's revision table and an event;
the three revision tables have one shape and `Revisions` writes and reads them all.
The HTTP side (If-Match, 409 with the current state) is backend/api/versioned.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update as sql_update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.time import utcnow
from backend.events.service import publish


class StaleEdit(Exception):
    """Someone else changed the row first; carries its current state."""

    def __init__(self, current: Any) -> None:
        super().__init__("stale edit")
        self.current = current


async def claim(session: AsyncSession, row: SQLModel, expected: int, **values: Any) -> None:
    """Write `values` and the next version if `row` is still at `expected`; else roll
    back and raise StaleEdit with the row as it is now."""
    # Any: the versioned tables share id/version columns, which SQLModel's base does not name.
    versioned: Any = row
    model: Any = type(row)
    values.setdefault("updated_at", utcnow())
    won = await session.exec(
        sql_update(model)
        .where(col(model.id) == versioned.id, col(model.version) == expected)
        .values(**values, version=model.version + 1)
    )
    if won.rowcount != 1:
        row_id = versioned.id  # a rollback expires every loaded row
        await session.rollback()
        session.expunge_all()
        current = await session.get(model, row_id)
        if current is None:  # deleted outright meanwhile; versioned rows are soft deleted
            raise LookupError(f"{model.__name__} {row_id} is gone")
        raise StaleEdit(current)
    await session.refresh(row)


def is_deleted(row: Any) -> bool:
    return row.deleted_at is not None


async def soft_delete(session: AsyncSession, row: Any, deleted: bool, expected: int | None) -> bool:
    """Delete (or restore, `deleted=False`) as a new version, arbitrated like an edit;
    without `expected`, against the version loaded. False if it already was so."""
    if is_deleted(row) == deleted:
        return False
    now = utcnow()
    await claim(
        session,
        row,
        row.version if expected is None else expected,
        deleted_at=now if deleted else None,
        updated_at=now,
    )
    return True


@dataclass(frozen=True)
class Revisions:
    """One versioned kind's revision table (`key` names its row) and event names
    (`kind.action`): what changed, by whom, and the state after it."""

    model: Any  # AnnotationRevision, TheoryRevision or CmocRevision: one shape
    key: str  # the revision's column holding the versioned row's id
    kind: str  # the events' prefix: annotation, theory, cmoc

    def record(
        self,
        session: AsyncSession,
        row: Any,
        action: str,
        user_id: int | None,
        state: dict,
        event: dict | None = None,
        **columns: Any,
    ) -> None:
        """A revision for `row` as it is now, and its event, in the caller's transaction.
        `event` adds to the event (what the stream's visibility check needs);
        `columns` fills the table's own columns (a theory's reason)."""
        session.add(
            self.model(
                **{self.key: row.id},
                version=row.version,
                action=action,
                user_id=user_id,
                state=state,
                **columns,
            )
        )
        publish(
            session,
            row.project_id,
            f"{self.kind}.{action}",
            row.id,
            user_id,
            **(event or {}),
            version=row.version,
        )

    async def history(self, session: AsyncSession, row_id: int) -> list[Any]:
        """Every revision, oldest first."""
        model = self.model
        stmt = (
            select(model)
            .where(getattr(model, self.key) == row_id)
            .order_by(col(model.version), col(model.id))
        )
        return list((await session.exec(stmt)).all())

    async def at(self, session: AsyncSession, row_id: int, version: int) -> Any | None:
        """The revision that made `version` (the last, if a version was written twice)."""
        model = self.model
        stmt = (
            select(model)
            .where(getattr(model, self.key) == row_id, model.version == version)
            .order_by(col(model.id).desc())
        )
        return (await session.exec(stmt)).first()
