"""Index sync: the outbox, its drain, and full rebuilds.

Writes that change what is searchable call `mark_for_index` inside their own
transaction. `drain` turns queued rows into engine writes, oldest first, and
deletes a row only after the engine accepted it, so an engine outage loses
nothing: the rows wait and the next drain catches up.

Ordering: each write carries `seq`, the newest outbox id visible *before* the
state was read, so a later read never carries a smaller seq; engines ignore
writes older than what they hold. Two drains racing (API and worker, or two
tasks) therefore cannot leave an older snapshot in the index, and a job that
commits late is simply applied by a later drain. While a rebuild runs, drains
wait; afterwards they apply everything queued meanwhile.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.time import utcnow
from backend.documents.models import Passage
from backend.indexing.docs import all_docs, passage_docs
from backend.indexing.models import IndexJob, ReindexRun
from search.base import SearchEngine
from search.errors import SearchError

log = logging.getLogger(__name__)
DRAIN_BATCH = 50
# A rebuild that has not finished by then is assumed dead (its process crashed).
REBUILD_TIMEOUT = timedelta(hours=6)


async def mark_for_index(session: AsyncSession, document_id: int) -> None:
    session.add(IndexJob(entity="document", entity_id=document_id))


async def pending(session: AsyncSession) -> int:
    return (await session.exec(select(func.count()).select_from(IndexJob))).one()


async def drain(maker: async_sessionmaker[AsyncSession], engine: SearchEngine) -> int:
    """Apply queued index jobs; returns how many were applied. Raises SearchError
    (jobs kept, with the error recorded) if the engine refuses."""
    applied = 0
    while True:
        async with maker() as session:
            if await _rebuilding(session, engine):
                return applied
            seq = (await session.exec(select(func.max(IndexJob.id)))).one()
            jobs = (
                await session.exec(select(IndexJob).order_by(IndexJob.id).limit(DRAIN_BATCH))
            ).all()
            if not jobs:
                return applied
            document_ids = sorted({j.entity_id for j in jobs})
            docs = await passage_docs(session, document_ids)
            try:
                await engine.replace_documents(document_ids, docs, seq)
            except SearchError as exc:
                await _record_failure(session, jobs, exc.message)
                raise
            await session.exec(delete(IndexJob).where(col(IndexJob.id).in_([j.id for j in jobs])))
            await session.commit()
            applied += len(jobs)


async def drain_quietly(maker: async_sessionmaker[AsyncSession], engine: SearchEngine) -> None:
    """Index what is queued; if the engine is down the outbox keeps it for later."""
    try:
        await drain(maker, engine)
    except SearchError as exc:
        log.warning("search index not updated yet (%s); will retry", exc.message)
    except Exception:  # a loop that dies would stop index sync for the process's life
        log.exception("index sync failed; will retry")


async def _record_failure(session: AsyncSession, jobs, error: str) -> None:
    for job in jobs:
        job.attempts += 1
        job.last_error = error[:500]
        session.add(job)
    await session.commit()


async def _rebuilding(session: AsyncSession, engine: SearchEngine) -> bool:
    stmt = select(ReindexRun.id).where(
        ReindexRun.engine == engine.name,
        col(ReindexRun.finished_at).is_(None),
        col(ReindexRun.started_at) > utcnow() - REBUILD_TIMEOUT,
    )
    return (await session.exec(stmt)).first() is not None


async def _older_run(session: AsyncSession, engine: SearchEngine, run_id: int) -> bool:
    stmt = select(ReindexRun.id).where(
        ReindexRun.engine == engine.name,
        ReindexRun.id < run_id,
        col(ReindexRun.finished_at).is_(None),
        col(ReindexRun.started_at) > utcnow() - REBUILD_TIMEOUT,
    )
    return (await session.exec(stmt)).first() is not None


async def prepare_index(maker: async_sessionmaker[AsyncSession], engine: SearchEngine) -> None:
    """Create the index if needed; a new, outdated or empty index over a non-empty
    database is rebuilt from the database."""
    try:
        stale = await engine.ensure_ready()
        async with maker() as session:
            stored = (await session.exec(select(func.count()).select_from(Passage))).one()
        if stored and (stale or await engine.count() == 0):
            log.warning("search index is new, outdated or empty; rebuilding it from the database")
            await rebuild(maker, engine)
    except SearchError as exc:
        log.warning("search engine not ready (%s); searches answer 503 until it is", exc.message)


async def abandon_runs(maker: async_sessionmaker[AsyncSession], engine: SearchEngine) -> int:
    """Close rebuild runs left open by a process that died (an operator's call:
    `evidence reindex` does it, since a dead run holds drains back for hours)."""
    async with maker() as session:
        stmt = select(ReindexRun).where(
            ReindexRun.engine == engine.name, col(ReindexRun.finished_at).is_(None)
        )
        runs = (await session.exec(stmt)).all()
        for run in runs:
            run.finished_at = utcnow()
            session.add(run)
        await session.commit()
        return len(runs)


async def rebuild(maker: async_sessionmaker[AsyncSession], engine: SearchEngine) -> int:
    """Rebuild the whole index from the database and switch to it, then drain: the
    queue's rows are re-applied (harmless: writes are idempotent and ordered)."""
    async with maker() as session:
        covered = (await session.exec(select(func.max(IndexJob.id)))).one() or 0
        run = ReindexRun(engine=engine.name, covered=covered)
        session.add(run)
        await session.commit()
        if await _older_run(session, engine, run.id):
            # Another process is rebuilding (both would fill the same new index).
            await session.delete(run)
            await session.commit()
            log.warning(
                "a rebuild of the %s index is already running; not starting another", engine.name
            )
            return 0
    try:
        total = await engine.rebuild(all_docs(maker), seq=covered)
    finally:
        async with maker() as session:
            finished = await session.get(ReindexRun, run.id)
            finished.finished_at = utcnow()
            session.add(finished)
            await session.commit()
    await drain(maker, engine)
    return total
