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
from collections.abc import Sequence

from sqlalchemy import delete, func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from backend.core.ids import stored
from backend.core.time import utcnow
from backend.documents.models import Passage
from backend.indexing.docs import all_docs, docs_of_passages, passage_docs
from backend.indexing.models import REBUILD_TIMEOUT, IndexJob, ReindexRun
from search.base import SearchEngine
from search.errors import SearchError

log = logging.getLogger(__name__)
DRAIN_BATCH = 50


# Outbox entities. "document": the document's entries are replaced whole (a new version,
# a removal). "fields": its passages' entries are rewritten, their text is not analysed
# again (metadata, speaker roles, codes deleted or restored). "passage": that passage's
# entry only (an annotation over it changed), whatever the length of its document.
WHOLE, FIELDS, PASSAGE = "document", "fields", "passage"


async def mark_for_index(session: AsyncSession, document_id: int) -> None:
    session.add(IndexJob(entity=WHOLE, entity_id=document_id))


async def mark_fields_for_index(session: AsyncSession, document_id: int) -> None:
    session.add(IndexJob(entity=FIELDS, entity_id=document_id))


async def mark_span_for_index(session: AsyncSession, version_id: int, start: int, end: int) -> None:
    """The passages a span of a version overlaps (an annotation's): found by one index
    seek on (version_id, start), as passages of a version do not overlap."""
    end = max(end, start + 1)  # an empty span still lies in its passage
    first = (
        select(Passage.start)
        .where(Passage.version_id == version_id, Passage.start <= start)
        .order_by(col(Passage.start).desc())
        .limit(1)
        .scalar_subquery()
    )
    stmt = select(Passage.id).where(
        Passage.version_id == version_id,
        Passage.start >= func.coalesce(first, 0),
        Passage.start < end,
        Passage.end > start,
    )
    for passage_id in (await session.exec(stmt)).all():
        session.add(IndexJob(entity=PASSAGE, entity_id=stored(passage_id)))


async def pending(session: AsyncSession) -> int:
    return (await session.exec(select(func.count()).select_from(IndexJob))).one()


async def drain(maker: async_sessionmaker[AsyncSession], engine: SearchEngine) -> int:
    """Apply queued index jobs; returns how many were applied. Raises SearchError
    (jobs kept, with the error recorded) if the engine refuses."""
    applied = 0
    while True:
        async with maker() as session:
            jobs, seq, rebuilding = await _next_batch(session, engine)
            if rebuilding or not jobs:
                return applied
            try:
                await _apply(session, engine, jobs, seq)
            except SearchError as exc:
                await _record_failure(session, jobs, exc.message)
                raise
            await session.exec(delete(IndexJob).where(col(IndexJob.id).in_([j.id for j in jobs])))
            await session.commit()
            applied += len(jobs)


async def _apply(
    session: AsyncSession, engine: SearchEngine, jobs: list[IndexJob], seq: int
) -> None:
    """Whole documents first; then the passages whose text is unchanged, unless their
    document is written whole in this batch anyway."""
    whole = sorted({j.entity_id for j in jobs if j.entity == WHOLE})
    if whole:
        await engine.replace_documents(whole, await passage_docs(session, whole), seq)
    fields = sorted({j.entity_id for j in jobs if j.entity == FIELDS} - set(whole))
    passages = sorted({j.entity_id for j in jobs if j.entity == PASSAGE})
    updates = await passage_docs(session, fields) if fields else []
    covered = set(whole) | set(fields)
    updates += [
        d for d in await docs_of_passages(session, passages) if d.document_id not in covered
    ]
    if updates:
        await engine.update_passages(updates, seq)


async def _next_batch(
    session: AsyncSession, engine: SearchEngine
) -> tuple[list[IndexJob], int, bool]:
    """The oldest queued jobs, `seq`, and whether a rebuild runs, read by one statement,
    so from one snapshot: two statements let a job commit between them (seq read from an
    empty queue was None, then a job was found: `NOT NULL constraint failed:
    search_document.seq`). One statement also costs a drain one round trip, not two."""
    newest = select(func.max(IndexJob.id)).scalar_subquery()
    running = _running(engine).exists()
    stmt = select(IndexJob, newest, running).order_by(col(IndexJob.id)).limit(DRAIN_BATCH)
    rows = (await session.exec(stmt)).all()
    if not rows:
        return [], 0, False
    return [job for job, _, _ in rows], rows[0][1], bool(rows[0][2])


async def drain_quietly(maker: async_sessionmaker[AsyncSession], engine: SearchEngine) -> None:
    """Index what is queued; if the engine is down the outbox keeps it for later."""
    try:
        await drain(maker, engine)
    except SearchError as exc:
        log.warning("search index not updated yet (%s); will retry", exc.message)
    except Exception:  # a loop that dies would stop index sync for the process's life
        log.exception("index sync failed; will retry")


async def _record_failure(session: AsyncSession, jobs: Sequence[IndexJob], error: str) -> None:
    for job in jobs:
        job.attempts += 1
        job.last_error = error[:500]
        session.add(job)
    await session.commit()


def _running(engine: SearchEngine) -> SelectOfScalar[int | None]:
    """The rebuild runs of this engine that are under way (not finished, not timed out)."""
    return select(col(ReindexRun.id)).where(
        ReindexRun.engine == engine.name,
        col(ReindexRun.finished_at).is_(None),
        col(ReindexRun.started_at) > utcnow() - REBUILD_TIMEOUT,
    )


async def _older_run(session: AsyncSession, engine: SearchEngine, run_id: int) -> bool:
    stmt = select(ReindexRun.id).where(
        ReindexRun.engine == engine.name,
        col(ReindexRun.id) < run_id,
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
            passages = (await session.exec(select(func.count()).select_from(Passage))).one()
        if passages and (stale or await engine.count() == 0):
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
        if await _older_run(session, engine, stored(run.id)):
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
            if finished is not None:  # None only if an operator deleted the run meanwhile
                finished.finished_at = utcnow()
                session.add(finished)
                await session.commit()
    await drain(maker, engine)
    return total
