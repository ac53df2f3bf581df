"""The ingest queue: one row per file waiting for, or done by, a worker."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from backend.core.time import UTCDateTime, utcnow


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class JobOutcome(StrEnum):
    created = "created"  # a new document
    new_version = "new_version"  # changed bytes under a known file name
    unchanged = "unchanged"  # identical bytes were already stored
    needs_ocr = "needs_ocr"


class IngestOptions(SQLModel):
    source_type: str | None = None
    document_type: str | None = None
    organisation: str | None = None
    # OCR language packs for this upload ("eng+cym"); the project's setting when absent.
    languages: str | None = Field(default=None, max_length=100)


class IngestJobBase(SQLModel):
    original_filename: str = Field(max_length=500)
    sha256: str = Field(max_length=64)
    size_bytes: int
    state: JobState = Field(default=JobState.queued, index=True)
    outcome: JobOutcome | None = None
    attempts: int = 0
    error: str | None = None
    document_id: int | None = None
    version_id: int | None = None
    page_count: int | None = None
    pages_done: int | None = None  # while running: pages read so far (OCR is slow)


class IngestJob(IngestJobBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    stored_path: str = Field(max_length=500)  # relative to the data folder
    options: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    lease_until: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class IngestJobPublic(IngestJobBase):
    id: int
    project_id: int
    options: dict
    created_at: datetime
    finished_at: datetime | None
