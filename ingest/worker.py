"""The ingest worker: claims queued files, parses them, stores the result in one
transaction together with the job's outcome and an index outbox row, then
drains the outbox so the new passages become searchable at once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import anyio

from backend.core.db import session_scope
from backend.core.runtime import Runtime
from backend.documents import service as documents
from backend.indexing import service as indexing
from backend.ingest_jobs import service as jobs
from backend.ingest_jobs.models import IngestJob, JobOutcome, JobState
from ingest.errors import IngestError
from ingest.pipeline import ParsedDocument, ParseOptions, parse_file

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0


async def run_job(rt: Runtime, job_id: int) -> IngestJob | None:
    """Process one job if it can be claimed; returns its final row."""
    async with rt.sessions() as session:
        if not await jobs.claim(session, job_id, rt.settings):
            return None
    try:
        await _process(rt, job_id)
    except IngestError as exc:
        await _record_failure(rt, job_id, exc.message, retry=False)
    except Exception as exc:  # a crash mid-document: nothing was stored; try again later
        log.exception("ingest job %s crashed", job_id)
        await _record_failure(rt, job_id, f"Unexpected error: {exc}", retry=True)
    await indexing.drain_quietly(rt.sessions, rt.search)
    async with rt.sessions() as session:
        return await jobs.get_job(session, job_id)


async def _process(rt: Runtime, job_id: int) -> None:
    async with rt.sessions() as session:
        job = await jobs.get_job(session, job_id)
        if job.attempts > rt.settings.job_max_attempts:
            raise IngestError(f"Gave up after {job.attempts - 1} attempts that did not finish.")
        existing = await documents.find_version_by_sha(session, job.project_id, job.sha256)
        if existing is not None:  # identical bytes: nothing changes
            jobs.finish(
                job, JobOutcome.unchanged, existing.document_id, existing.id, existing.page_count
            )
            session.add(job)
            await session.commit()
            return
    path = rt.settings.data_dir / job.stored_path
    if not path.is_file():
        raise IngestError("The uploaded file is missing from the data folder; upload it again.")
    # Parse outside any transaction: it can take seconds and must not hold a snapshot.
    parsed = await anyio.to_thread.run_sync(
        parse_file, path, job.original_filename, _options(rt, job)
    )
    await _store(rt, job_id, parsed)


async def _store(rt: Runtime, job_id: int, parsed: ParsedDocument) -> None:
    """Document, version, passages, outbox row and job outcome: one transaction."""
    async with session_scope(rt.sessions) as session:
        job = await jobs.get_job(session, job_id)
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
            job, _outcome(parsed.status, created), document.id, version.id, parsed.page_count
        )
        job.error = parsed.message
        session.add(job)


def _options(rt: Runtime, job: IngestJob) -> ParseOptions:
    return ParseOptions(
        source_type=job.options.get("source_type"),
        document_type=job.options.get("document_type"),
        organisation=job.options.get("organisation"),
        max_chars=rt.settings.passage_max_chars,
        max_unzipped_bytes=rt.settings.max_unzipped_mb * 2**20,
    )


def _outcome(status: str, created: bool) -> JobOutcome:
    if status == "needs_ocr":
        return JobOutcome.needs_ocr
    return JobOutcome.created if created else JobOutcome.new_version


async def _record_failure(rt: Runtime, job_id: int, message: str, *, retry: bool) -> None:
    async with rt.sessions() as session:
        job = await jobs.get_job(session, job_id)
        jobs.fail(job, message, retry=retry, max_attempts=rt.settings.job_max_attempts)
        session.add(job)
        await session.commit()


async def run_forever(rt: Runtime, stop: Callable[[], bool] = lambda: False) -> None:
    """`evidence worker`: claim and run jobs until told to stop."""
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
    return f"{job.outcome.replace('_', ' ').upper():<10} {name} ({detail})"
