"""/api/ingest: upload files into the queue, and watch the jobs."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, File, Form, HTTPException, Response, UploadFile
from sqlmodel import col, select

from backend.api.auth import ProjectCoder, ProjectMember
from backend.api.deps import Id, SessionDep, SettingsDep
from backend.api.filters import Filter, Filters, choice, ids
from backend.api.listing import ListParamsDep, paginate
from backend.core.config import Settings
from backend.core.storage import StoredFile, TooLarge
from backend.ingest_jobs import service
from backend.ingest_jobs.models import IngestJob, IngestJobPublic, IngestOptions, JobState
from ingest.errors import IngestError, UnsupportedFormat

router = APIRouter(prefix="/api/projects/{project_id}/ingest", tags=["ingest"])
MAX_FILES_PER_UPLOAD = 200


@router.post("", response_model=list[IngestJobPublic], status_code=202)
async def upload(
    member: ProjectCoder,
    session: SessionDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File(description="one or more files")],
    source_type: Annotated[str | None, Form()] = None,
    document_type: Annotated[str | None, Form()] = None,
    organisation: Annotated[str | None, Form(max_length=300)] = None,
    languages: Annotated[
        str | None, Form(max_length=100, description="OCR language packs, e.g. eng+cym")
    ] = None,
) -> list[IngestJob]:
    """Queue files for ingest. Unreadable formats and oversized files are refused
    here (4xx); problems found while parsing show on the job."""
    if any("\x00" in (v or "") for v in (source_type, document_type, organisation, languages)):
        raise HTTPException(400, "text may not contain NUL characters")
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise HTTPException(400, f"at most {MAX_FILES_PER_UPLOAD} files per upload")
    options = IngestOptions(
        source_type=source_type,
        document_type=document_type,
        organisation=organisation or None,
        languages=languages or None,
    )
    try:
        service.validate_options(options)
    except IngestError as exc:
        raise HTTPException(400, exc.message) from exc
    stored: list[StoredFile] = []
    try:
        for upload in files:
            stored.append(await _store(upload, settings))
    except HTTPException:
        for s in stored:  # all or nothing: no orphaned files from a refused batch
            await service.discard_unused(session, settings, s)
        raise
    named = [(s, upload.filename or "upload") for s, upload in zip(stored, files, strict=True)]
    return await service.enqueue_all(session, member.project_id, named, options)


async def _store(upload: UploadFile, settings: Settings) -> StoredFile:
    name = upload.filename or "upload"
    try:
        stored = await anyio.to_thread.run_sync(service.store_upload, upload.file, name, settings)
    except TooLarge as exc:
        raise HTTPException(413, f"{name}: {exc}") from exc
    try:
        service.check_readable(settings, stored, name)
    except IngestError as exc:
        (settings.data_dir / stored.relative_path).unlink(missing_ok=True)
        status = 415 if isinstance(exc, UnsupportedFormat) else 400
        raise HTTPException(status, f"{name}: {exc.message}") from exc
    return stored


JOB_FILTERS = Filters(
    Filter("id", ids, "in", IngestJob.id),
    Filter("state", choice(JobState), "in", IngestJob.state),
    Filter("document_id", ids, "in", IngestJob.document_id),
)


@router.get("/jobs", response_model=list[IngestJobPublic])
async def list_jobs(
    member: ProjectMember, session: SessionDep, response: Response, params: ListParamsDep
) -> list[IngestJob]:
    stmt = select(IngestJob).where(
        col(IngestJob.project_id) == member.project_id, *await JOB_FILTERS.where(params.filters)
    )
    sortable = {"id", "state", "created_at", "finished_at", "original_filename"}
    return await paginate(session, stmt, IngestJob, params, sortable, response, "jobs")


@router.get("/jobs/{job_id}", response_model=IngestJobPublic)
async def read_job(job_id: Id, member: ProjectMember, session: SessionDep) -> IngestJob:
    job = await service.get_job(session, job_id, member.project_id)
    if job is None:
        raise HTTPException(404, f"ingest job {job_id} not found")
    return job
