"""The ingest queue: enqueue files, claim jobs with a lease, record outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import ColumnElement, and_, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.config import Settings
from backend.core.ids import stored
from backend.core.storage import StoredFile, store_path, store_stream
from backend.core.time import utcnow
from backend.documents.models import DocumentType, DocumentVersion, SourceType
from backend.ingest_jobs.models import IngestJob, IngestOptions, JobOutcome, JobState
from ingest import ocr
from ingest.errors import IngestError
from ingest.formats import registry
from ingest.formats.base import FileProbe


def validate_options(options: IngestOptions) -> None:
    if options.source_type and options.source_type not in SourceType.__members__:
        raise IngestError(
            f"Unknown source type '{options.source_type}'; use one of: "
            + ", ".join(SourceType.__members__)
        )
    if options.document_type and options.document_type not in DocumentType.__members__:
        raise IngestError(
            f"Unknown document type '{options.document_type}'; use one of: "
            + ", ".join(DocumentType.__members__)
        )
    if options.languages:
        options.languages = ocr.check_languages(options.languages)


def safe_filename(name: str | None, sha256: str) -> str:
    """The last part of a client's file name (Windows or POSIX paths), printable only."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()[:300]
    return base if base not in ("", ".", "..") else f"upload-{sha256[:12]}"


def store_upload(stream: BinaryIO, filename: str, settings: Settings) -> StoredFile:
    """Store the bytes; `check_readable` then refuses early what no adapter reads."""
    return store_stream(stream, settings.data_dir, Path(filename).suffix, _limit(settings))


def store_file(path: Path, settings: Settings) -> StoredFile:
    if not path.is_file():
        raise IngestError(f"'{path}' is not a file.")
    stored = store_path(path, settings.data_dir, _limit(settings))
    try:
        check_readable(settings, stored, path.name)
    except IngestError:
        _unlink_if_new(settings, stored)
        raise
    return stored


def check_readable(settings: Settings, stored: StoredFile, filename: str) -> None:
    registry.pick(FileProbe.of(settings.data_dir / stored.relative_path, filename))


async def discard_unused(session: AsyncSession, settings: Settings, stored: StoredFile) -> None:
    """Delete a refused file's stored copy unless a job or version already uses it
    (storage is content-addressed, so identical bytes share one file)."""
    for model in (IngestJob, DocumentVersion):
        stmt = select(model.id).where(model.stored_path == stored.relative_path).limit(1)
        if (await session.exec(stmt)).first() is not None:
            return
    (settings.data_dir / stored.relative_path).unlink(missing_ok=True)


def _unlink_if_new(settings: Settings, stored: StoredFile) -> None:
    # The CLI has no session at hand here; a refused file was never referenced
    # unless identical bytes were ingested before, in which case it is readable.
    (settings.data_dir / stored.relative_path).unlink(missing_ok=True)


def _limit(settings: Settings) -> int:
    return settings.max_upload_mb * 2**20


async def enqueue(
    session: AsyncSession,
    project_id: int,
    stored: StoredFile,
    filename: str,
    options: IngestOptions,
) -> IngestJob:
    job = IngestJob(
        project_id=project_id,
        original_filename=safe_filename(filename, stored.sha256),
        sha256=stored.sha256,
        size_bytes=stored.size_bytes,
        stored_path=stored.relative_path,
        options=options.model_dump(exclude_none=True),
    )
    session.add(job)
    await session.flush()
    return job


async def enqueue_all(
    session: AsyncSession,
    project_id: int,
    files: Sequence[tuple[StoredFile, str]],
    options: IngestOptions,
) -> list[IngestJob]:
    """An upload's files as queued jobs, committed together (all or none)."""
    jobs = [await enqueue(session, project_id, stored, name, options) for stored, name in files]
    await session.commit()
    return jobs


async def claim(session: AsyncSession, job_id: int, settings: Settings) -> bool:
    """Take a queued job (or one whose worker's lease ran out). Atomic on any database."""
    now = utcnow()
    stmt = (
        update(IngestJob)
        .where(col(IngestJob.id) == job_id)
        .where(_claimable(now))
        .values(
            state=JobState.running,
            attempts=IngestJob.attempts + 1,
            lease_until=now + timedelta(seconds=settings.job_lease_seconds),
        )
    )
    result = await session.exec(stmt)
    await session.commit()
    return result.rowcount == 1


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        col(IngestJob.state) == JobState.queued,
        and_(col(IngestJob.state) == JobState.running, col(IngestJob.lease_until) < now),
    )


async def next_claimable_ids(session: AsyncSession, limit: int = 10) -> list[int]:
    stmt = (
        select(col(IngestJob.id))
        .where(_claimable(utcnow()))
        .order_by(col(IngestJob.id))
        .limit(limit)
    )
    return [stored(i) for i in (await session.exec(stmt)).all()]


def finish(
    job: IngestJob, outcome: JobOutcome, document_id: int, version_id: int, page_count: int | None
) -> None:
    job.state = JobState.done
    job.outcome = outcome
    job.document_id = document_id
    job.version_id = version_id
    job.page_count = page_count
    job.error = None
    job.lease_until = None
    job.finished_at = utcnow()


def fail(job: IngestJob, message: str, *, retry: bool, max_attempts: int) -> None:
    """A file's own fault fails at once; anything else is retried a few times."""
    job.error = message[:2000]
    job.lease_until = None
    if retry and job.attempts < max_attempts:
        job.state = JobState.queued
    else:
        job.state = JobState.failed
        job.finished_at = utcnow()


async def get_job(
    session: AsyncSession, job_id: int, project_id: int | None = None
) -> IngestJob | None:
    job = await session.get(IngestJob, job_id)
    if job is not None and project_id is not None and job.project_id != project_id:
        return None
    return job
