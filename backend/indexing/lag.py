"""Is the search index behind the database? Said beside a search's hits. Apart from
service.py so that search, `evidence search` above all, need not load the outbox's
machinery (the passages' index documents, the drain)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.time import utcnow
from backend.indexing.models import REBUILD_TIMEOUT, IndexJob, ReindexRun

# A change queued longer than this makes searches say the index is behind.
LAG_NOTICE = timedelta(seconds=60)


async def behind(session: AsyncSession, engine: str) -> str | None:
    """Why the engine may not hold what the database does, in words for the user
    beside a search's hits; None when it keeps up. A drain applies a change within a
    second or so, so a change waiting longer than LAG_NOTICE means the engine refuses
    writes (Elasticsearch's disk watermark makes an index read-only, for one) or a
    rebuild is running: the search would otherwise answer from a stale index unsaid."""
    now = utcnow()
    rebuilding = (
        select(func.min(ReindexRun.started_at))
        .where(
            ReindexRun.engine == engine,
            col(ReindexRun.finished_at).is_(None),
            ReindexRun.started_at > now - REBUILD_TIMEOUT,
        )
        .scalar_subquery()
    )
    stmt = select(func.min(IndexJob.created_at), rebuilding)
    oldest, since = (await session.exec(stmt)).one()
    if since is not None:
        return (
            f"The search index is being rebuilt (since {_utc(since)}): until that is "
            "done, results may miss documents, edits and codings."
        )
    if oldest is not None and now - oldest > LAG_NOTICE:
        return (
            f"The search index is behind the database: changes saved since "
            f"{_utc(oldest)} are not all in it yet, so results may miss recent documents, "
            "edits and codings."
        )
    return None


def _utc(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"
