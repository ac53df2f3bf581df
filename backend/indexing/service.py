"""Index sync: the outbox, its drain, and full rebuilds.

Writes that change what is searchable call `mark_for_index` inside their own
transaction. `drain` turns queued rows into engine writes, oldest first, and
deletes a row only after the engine accepted it, so an engine outage loses
nothing: the rows wait and the next drain catches up.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence

from sqlalchemy import delete, func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.documents.models import Document, Passage
from backend.indexing.models import IndexJob
from search.base import PassageDoc, SearchEngine
from search.errors import SearchError

log = logging.getLogger(__name__)
DRAIN_BATCH = 50
REBUILD_BATCH = 2000


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
            jobs = (
                await session.exec(select(IndexJob).order_by(IndexJob.id).limit(DRAIN_BATCH))
            ).all()
            if not jobs:
                return applied
            document_ids = sorted({j.entity_id for j in jobs})
            docs = await passage_docs(session, document_ids)
            try:
                await engine.replace_documents(document_ids, docs)
            except SearchError as exc:
                await _record_failure(session, jobs, exc.message)
                raise
            ids = [j.id for j in jobs]
            await session.exec(delete(IndexJob).where(col(IndexJob.id).in_(ids)))
            await session.commit()
            applied += len(jobs)


async def drain_quietly(maker: async_sessionmaker[AsyncSession], engine: SearchEngine) -> None:
    """Index what is queued; if the engine is down the outbox keeps it for later."""
    try:
        await drain(maker, engine)
    except SearchError as exc:
        log.warning("search index not updated yet (%s); will retry", exc.message)


async def _record_failure(session: AsyncSession, jobs: Sequence[IndexJob], error: str) -> None:
    for job in jobs:
        job.attempts += 1
        job.last_error = error[:500]
        session.add(job)
    await session.commit()


async def passage_docs(session: AsyncSession, document_ids: Sequence[int]) -> list[PassageDoc]:
    """The searchable state of these documents: their current versions' passages."""
    stmt = (
        select(Passage, Document)
        .join(Document, Document.id == Passage.document_id)
        .where(col(Passage.document_id).in_(document_ids))
        .where(Passage.version_id == Document.current_version_id)
        .order_by(Passage.id)
    )
    return [to_doc(p, d) for p, d in (await session.exec(stmt)).all()]


def to_doc(passage: Passage, document: Document) -> PassageDoc:
    return PassageDoc(
        passage_id=passage.id,
        document_id=document.id,
        project_id=document.project_id,
        version_id=passage.version_id,
        text=passage.text,
        source_type=str(document.source_type),
        document_type=str(document.document_type),
        organisation=document.organisation,
        date=document.date,
        title=document.title,
        heading_path=tuple(passage.heading_path or ()),
        page_start=passage.page_start,
        page_end=passage.page_end,
        start=passage.start,
        end=passage.end,
        speaker=passage.speaker,
        ordinal=passage.ordinal,
    )


async def prepare_index(maker: async_sessionmaker[AsyncSession], engine: SearchEngine) -> None:
    """Create the index if needed; an empty index over a non-empty database is rebuilt."""
    try:
        await engine.ensure_ready()
        if await engine.count() == 0:
            async with maker() as session:
                stored = (await session.exec(select(func.count()).select_from(Passage))).one()
            if stored:
                log.warning("search index is empty; rebuilding it from the database")
                await rebuild(maker, engine)
    except SearchError as exc:
        log.warning("search engine not ready (%s); searches answer 503 until it is", exc.message)


async def rebuild(maker: async_sessionmaker[AsyncSession], engine: SearchEngine) -> int:
    """Rebuild the whole index from the database, then forget the jobs it covered."""
    async with maker() as session:
        covered = (await session.exec(select(func.max(IndexJob.id)))).one()
    total = await engine.rebuild(_all_docs(maker))
    if covered is not None:
        async with maker() as session:
            await session.exec(delete(IndexJob).where(col(IndexJob.id) <= covered))
            await session.commit()
    return total


async def _all_docs(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[list[PassageDoc]]:
    last_id = 0
    while True:
        async with maker() as session:
            stmt = (
                select(Passage, Document)
                .join(Document, Document.id == Passage.document_id)
                .where(Passage.version_id == Document.current_version_id)
                .where(Passage.id > last_id)
                .order_by(Passage.id)
                .limit(REBUILD_BATCH)
            )
            rows = (await session.exec(stmt)).all()
        if not rows:
            return
        last_id = rows[-1][0].id
        yield [to_doc(p, d) for p, d in rows]
