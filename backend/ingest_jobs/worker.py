"""The ingest worker: claims queued files, parses them, stores the result in one
transaction together with the job's outcome and an index outbox row, then
drains the outbox so the new passages become searchable at once; then embeds them
(backend/embedding) and drains again, so semantic search finds them too. When idle
it embeds whatever still lacks a vector of the configured model (a model change)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import anyio
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.db import session_scope
from backend.core.ids import stored
from backend.core.runtime import Runtime
from backend.documents import service as documents
from backend.embedding import OFF
from backend.embedding import service as embedding
from backend.indexing import service as indexing
from backend.ingest_jobs import service as jobs
from backend.ingest_jobs.models import IngestJob, JobOutcome, JobState
from backend.projects.models import Project
from ingest.errors import IngestError
from ingest.ocr import DEFAULT_LANGUAGES, Progress
from ingest.pipeline import ParsedDocument, ParseOptions, parse_file

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
BACKFILL_POLLS = 30  # look for passages without vectors every this many idle polls
# Passages embedded per look: a model change re-embeds every passage (100k take about
# 20 minutes at 100/s), and new uploads must not wait behind all of it.
BACKFILL_LIMIT = 1024


async def run_job(
    rt: Runtime,
    job_id: int,
    progress: embedding.Progress | None = None,
    on_page: Progress | None = None,
    drain: bool = True,
) -> IngestJob | None:
    """Process one job if it can be claimed; returns its final row. `progress` hears
    how the embedding of the new passages goes; `on_page(page, pages)` is called from
    the parsing thread as pages are read (the CLI's page bar). `drain=False` leaves
    the index outbox to the caller, who drains once for several files (the CLI)."""
    async with rt.sessions() as session:
        if not await jobs.claim(session, job_id, rt.settings):
            return None
    try:
        await _process(rt, job_id, on_page)
    except IngestError as exc:
        await _record_failure(rt, job_id, exc.message, retry=False)
    except Exception as exc:  # a crash mid-document: nothing was stored; try again later
        log.exception("ingest job %s crashed", job_id)
        await _record_failure(rt, job_id, f"Unexpected error: {exc}", retry=True)
    if drain:
        await indexing.drain_quietly(rt.sessions, rt.search)
    async with rt.sessions() as session:
        job = await _job(session, job_id)
    # With embeddings off nothing is embedded, so nothing new waits for the index.
    embeds = rt.settings.embedding_model != OFF
    if embeds and job.state == JobState.done and job.document_id is not None:
        await embedding.embed_quietly(rt, [job.document_id], progress)
        if drain:
            await indexing.drain_quietly(rt.sessions, rt.search)
    return job


async def _process(rt: Runtime, job_id: int, on_page: Progress | None) -> None:
    async with rt.sessions() as session:
        job = await _job(session, job_id)
        if job.attempts > rt.settings.job_max_attempts:
            raise IngestError(f"Gave up after {job.attempts - 1} attempts that did not finish.")
        existing = await documents.find_version_by_sha(session, job.project_id, job.sha256)
        if existing is not None:  # identical bytes: nothing changes
            jobs.finish(
                job,
                JobOutcome.unchanged,
                existing.document_id,
                stored(existing.id),
                existing.page_count,
            )
            session.add(job)
            await session.commit()
            return
        languages = await _languages(session, job)
    path = rt.settings.data_dir / job.stored_path
    if not path.is_file():
        raise IngestError("The uploaded file is missing from the data folder; upload it again.")
    # Parse outside any transaction: it can take seconds and must not hold a snapshot.
    options = _options(rt, job, languages, _progress(rt, job_id, on_page))
    parsed = await anyio.to_thread.run_sync(parse_file, path, job.original_filename, options)
    await _store(rt, job_id, parsed)


async def _store(rt: Runtime, job_id: int, parsed: ParsedDocument) -> None:
    """Document, version, passages, outbox row and job outcome: one transaction."""
    async with session_scope(rt.sessions) as session:
        job = await _job(session, job_id)
        document, version, created = await documents.store_version(
            session,
            parsed,
            project_id=job.project_id,
            original_filename=job.original_filename,
            sha256=job.sha256,
            size_bytes=job.size_bytes,
            stored_path=job.stored_path,
        )
        jobs.finish(
            job,
            _outcome(parsed.status, created),
            stored(document.id),
            stored(version.id),
            parsed.page_count,
        )
        job.error = parsed.message
        session.add(job)


async def _job(session: AsyncSession, job_id: int) -> IngestJob:
    """A job the worker claimed: jobs are never deleted, so it is there."""
    job = await jobs.get_job(session, job_id)
    if job is None:
        raise LookupError(f"ingest job {job_id} is gone")
    return job


def _options(rt: Runtime, job: IngestJob, languages: str, progress: Progress) -> ParseOptions:
    return ParseOptions(
        source_type=job.options.get("source_type"),
        document_type=job.options.get("document_type"),
        organisation=job.options.get("organisation"),
        max_chars=rt.settings.passage_max_chars,
        max_unzipped_bytes=rt.settings.max_unzipped_mb * 2**20,
        languages=languages,
        progress=progress,
    )


async def _languages(session: AsyncSession, job: IngestJob) -> str:
    """The upload's OCR languages, else the project's (read in the job's session)."""
    if job.options.get("languages"):
        return str(job.options["languages"])
    project = await session.get(Project, job.project_id)
    return project.ocr_languages if project is not None else DEFAULT_LANGUAGES


def _progress(rt: Runtime, job_id: int, on_page: Progress | None) -> Progress:
    """Pages read so far, saved on the job from the parsing thread (at most once a second:
    text-layer pages come fast, OCR pages a few seconds apart)."""
    last = [0.0]

    def report(page: int, pages: int) -> None:
        if on_page is not None:
            on_page(page, pages)
        now = time.monotonic()
        if page < pages and now - last[0] < 1.0:
            return
        last[0] = now
        anyio.from_thread.run(_save_progress, rt, job_id, page, pages)

    return report


async def _save_progress(rt: Runtime, job_id: int, page: int, pages: int) -> None:
    async with rt.sessions() as session:
        job = await _job(session, job_id)
        job.pages_done, job.page_count = page, pages
        session.add(job)
        await session.commit()


def _outcome(status: str, created: bool) -> JobOutcome:
    if status == "needs_ocr":
        return JobOutcome.needs_ocr
    return JobOutcome.created if created else JobOutcome.new_version


async def _record_failure(rt: Runtime, job_id: int, message: str, *, retry: bool) -> None:
    async with rt.sessions() as session:
        job = await _job(session, job_id)
        jobs.fail(job, message, retry=retry, max_attempts=rt.settings.job_max_attempts)
        session.add(job)
        await session.commit()


async def run_forever(rt: Runtime, stop: Callable[[], bool] = lambda: False) -> None:
    """`evidence worker`: claim and run jobs until told to stop."""
    idle, backlog = 0, False
    while not stop():
        try:
            async with rt.sessions() as session:
                ids = await jobs.next_claimable_ids(session)
            for job_id in ids:
                await run_job(rt, job_id)
        except Exception:  # e.g. the database briefly locked: keep the worker alive
            log.exception("worker loop error; retrying")
            ids = []
        if not ids:
            if backlog or idle % BACKFILL_POLLS == 0:
                embedded = await embedding.embed_quietly(rt, limit=BACKFILL_LIMIT)
                backlog = embedded == BACKFILL_LIMIT  # more to do: go on at the next poll
            idle += 1
            await indexing.drain_quietly(rt.sessions, rt.search)
            await anyio.sleep(POLL_SECONDS)


def summary_line(job: IngestJob) -> str:
    name = Path(job.original_filename).name
    if job.state == JobState.failed:
        return f"FAILED     {name}: {job.error}"
    if job.state != JobState.done:
        return f"{job.state.upper():<10} {name}"
    detail = f"document {job.document_id}, {job.page_count or 0} pages"
    if job.outcome == JobOutcome.needs_ocr:
        return f"NEEDS OCR  {name}: {job.error}"
    outcome = job.outcome or JobState.done  # a done job has one: `finish` sets both
    return f"{outcome.replace('_', ' ').upper():<10} {name} ({detail})"
