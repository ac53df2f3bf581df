"""Index sync under a race (issue 14 item 10): under load the drain once failed with
`NOT NULL constraint failed: search_document.seq`. It read the newest outbox id and
the queued jobs with two statements; a job committed between them (seq from an empty
queue was None, then a job was found). Here a job is committed after *every* outbox
read of the drain, the worst interleaving a concurrent writer can produce: the drain
must never fail, and the index ends at the newest job."""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine, event
from sqlalchemy.pool import NullPool
from sqlmodel import Session, func, select

from backend.indexing import service as indexing
from backend.indexing.models import IndexJob

DOCUMENT = 7  # any id: the index keeps its seq even with no passages


def _commit_a_job_after_each_outbox_read(rt, how_many: int) -> list[int]:
    """Registers the writer; returns the ids it committed (filled as it goes)."""
    writer = create_engine(rt.settings.sync_database_url, poolclass=NullPool)
    committed: list[int] = []

    def after(conn, cursor, statement, parameters, context, executemany) -> None:
        reads_outbox = statement.lstrip().upper().startswith("SELECT") and "indexjob" in statement
        if reads_outbox and len(committed) < how_many:
            with Session(writer) as other:
                job = IndexJob(entity="document", entity_id=DOCUMENT)
                other.add(job)
                other.commit()
                committed.append(job.id)

    event.listen(rt.db.sync_engine, "after_cursor_execute", after)
    return committed


def _indexed_seq(rt) -> int | None:
    conn = sqlite3.connect(rt.settings.search_sqlite_path)
    try:
        row = conn.execute(
            "SELECT seq FROM search_document WHERE document_id = ?", (DOCUMENT,)
        ).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


async def test_a_job_committed_between_the_drains_reads_never_breaks_it(runtime):
    committed = _commit_a_job_after_each_outbox_read(runtime, how_many=4)
    await indexing.drain(runtime.sessions, runtime.search)  # raised IntegrityError before
    await indexing.drain(runtime.sessions, runtime.search)
    assert len(committed) == 4
    async with runtime.sessions() as session:
        assert (await session.exec(select(func.count()).select_from(IndexJob))).one() == 0
    assert _indexed_seq(runtime) == committed[-1]
