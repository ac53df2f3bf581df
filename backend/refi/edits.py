"""A REFI-QDA import, and a decision on a selection it held for review, as units of
work: all of it committed once, or (on any refusal or error) none of it."""

from __future__ import annotations

from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.config import Settings
from backend.refi import review
from backend.refi.importer import import_qdpx


async def import_project(
    session: AsyncSession,
    project_id: int,
    user_id: int,
    path: Path,
    settings: Settings,
    file_name: str,
) -> dict:
    """The import report (backend/refi/report.py). Raises what the import raised (a
    RefiError for a refusal) after rolling everything back."""
    try:
        summary = await import_qdpx(
            session, project_id, user_id, path, settings=settings, file_name=file_name
        )
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return summary


async def decide_review(
    session: AsyncSession, project_id: int, selection_id: int, user_id: int, choice: review.Choice
) -> dict:
    """Accept one candidate (the annotation is stored as the import would have) or discard."""
    try:
        decided = await review.resolve(session, project_id, selection_id, user_id, choice)
    except BaseException:
        await session.rollback()
        raise
    await session.commit()
    return decided
