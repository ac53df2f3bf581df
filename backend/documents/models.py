"""Documents, their versions and passages.

Offsets (`start`, `end`, `page_offsets`) index the version's stored `text` in
Unicode code points, i.e. Python `str` indexes (see ARCHITECTURE.md, "Offsets").
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.core.time import UTCDateTime, utcnow


class SourceType(StrEnum):
    document = "document"
    interview = "interview"
    observation = "observation"


class DocumentType(StrEnum):
    strategy = "strategy"
    board_paper = "board_paper"
    minutes = "minutes"
    policy = "policy"
    transcript = "transcript"
    field_notes = "field_notes"
    other = "other"


class DocumentStatus(StrEnum):
    ready = "ready"
    needs_ocr = "needs_ocr"


def _ts() -> Column:
    return Column(UTCDateTime(), nullable=False, default=utcnow)


class DocumentBase(SQLModel):
    title: str = Field(max_length=500)
    source_type: SourceType = Field(default=SourceType.document, index=True)
    document_type: DocumentType = Field(default=DocumentType.other, index=True)
    organisation: str | None = Field(default=None, max_length=300, index=True)
    date: dt.date | None = Field(default=None, index=True)


class Document(DocumentBase, table=True):
    # A file name identifies a document within a project: new bytes under the same
    # name are its next version. The constraint makes two racing workers safe.
    __table_args__ = (UniqueConstraint("project_id", "original_filename"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    original_filename: str = Field(max_length=500, index=True)
    # Copied from the current version so lists can filter and sort cheaply.
    current_version_id: int | None = None
    sha256: str = Field(max_length=64)
    page_count: int | None = None
    status: DocumentStatus = Field(default=DocumentStatus.ready, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())


class DocumentUpdate(SQLModel):
    """What a researcher may edit; content comes only from ingest."""

    title: str | None = Field(default=None, min_length=1, max_length=500)
    source_type: SourceType | None = None
    document_type: DocumentType | None = None
    organisation: str | None = Field(default=None, max_length=300)
    date: dt.date | None = None


class DocumentPublic(DocumentBase):
    id: int
    project_id: int
    original_filename: str
    current_version_id: int | None
    sha256: str
    page_count: int | None
    status: DocumentStatus
    created_at: dt.datetime
    updated_at: dt.datetime


class DocumentVersion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    number: int
    sha256: str = Field(max_length=64, index=True)
    size_bytes: int
    format: str = Field(max_length=20)
    stored_path: str = Field(max_length=500)  # relative to the data folder
    text: str = Field(sa_column=Column(Text, nullable=False))
    page_offsets: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    page_count: int | None = None
    status: DocumentStatus = DocumentStatus.ready
    message: str | None = None
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())


class DocumentVersionPublic(SQLModel):
    id: int
    document_id: int
    number: int
    sha256: str
    size_bytes: int
    format: str
    page_count: int | None
    status: DocumentStatus
    message: str | None
    created_at: dt.datetime


class DocumentVersionText(DocumentVersionPublic):
    text: str
    page_offsets: list[int]


class PassageBase(SQLModel):
    ordinal: int
    heading_path: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    page_start: int | None = None
    page_end: int | None = None
    start: int
    end: int
    speaker: str | None = Field(default=None, max_length=200)
    text: str = Field(sa_column=Column(Text, nullable=False))


class Passage(PassageBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    version_id: int = Field(foreign_key="documentversion.id", index=True)


class PassagePublic(PassageBase):
    id: int
    document_id: int
    version_id: int
