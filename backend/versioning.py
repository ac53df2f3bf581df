"""Optimistic concurrency for versioned rows (theories, CMOCs): an edit names the
version it started from and wins only if the row is still at that version; one
conditional UPDATE decides, so two racing editors cannot both win."""

from __future__ import annotations

from sqlalchemy import update as sql_update
from sqlmodel import SQLModel, col
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.time import utcnow


class StaleEdit(Exception):
    """Someone else changed the row first; carries its current state."""

    def __init__(self, current: SQLModel) -> None:
        super().__init__("stale edit")
        self.current = current


async def claim(session: AsyncSession, row: SQLModel, expected: int, **values) -> None:
    """Write `values` and the next version if `row` is still at `expected`."""
    model = type(row)
    won = await session.exec(
        sql_update(model)
        .where(col(model.id) == row.id, col(model.version) == expected)
        .values(**values, version=model.version + 1, updated_at=utcnow())
    )
    if won.rowcount != 1:
        row_id = row.id  # a rollback expires every loaded row
        await session.rollback()
        session.expunge_all()
        raise StaleEdit(await session.get(model, row_id))
    await session.refresh(row)
