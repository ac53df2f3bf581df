"""Saved searches: each change is one unit of work, committed here (the routes render)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.errors import ServiceError
from backend.saved_searches.models import SavedSearch, SavedSearchCreate


class SavedSearchError(ServiceError):
    pass


async def create(
    session: AsyncSession, project_id: int, user_id: int, body: SavedSearchCreate
) -> SavedSearch:
    if len(str(body.filters)) > 10_000:
        raise SavedSearchError("the saved filters are too large", 422)
    saved = SavedSearch(project_id=project_id, created_by=user_id, **body.model_dump())
    session.add(saved)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise SavedSearchError(f"a saved search named '{body.name}' already exists", 409) from exc
    return saved


async def delete(session: AsyncSession, project_id: int, saved_id: int) -> None:
    saved = await session.get(SavedSearch, saved_id)
    if saved is None or saved.project_id != project_id:
        raise SavedSearchError(f"saved search {saved_id} not found", 404)
    await session.delete(saved)
    await session.commit()
