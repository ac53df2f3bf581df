"""Documents, their versions and passages.

Offsets (`start`, `end`, `page_offsets`) index the version's stored `text` in
Unicode code points, i.e. Python `str` indexes (see ARCHITECTURE.md, "Offsets").
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import computed_field, field_validator
from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
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


class TextSource(StrEnum):
    """Where a document's text came from (per page on its version's `page_sources`)."""

    text_layer = "text_layer"  # the file's own text
    ocr = "ocr"  # read from page images
    mixed = "mixed"  # some pages each way


class Pagination(StrEnum):
    """Where a version's page numbers come from (ARCHITECTURE.md, "Locations")."""

    rendered = "rendered"  # a real rendering: the PDF itself, or Office via LibreOffice
    approximate = "approximate"  # DOCX without LibreOffice: Word's saved layout markers
    none = "none"  # no pages: plain text, Markdown, HTML, transcripts


class SpeakerRole(StrEnum):
    interviewer = "interviewer"
    interviewee = "interviewee"


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
    # From the current version, for the list and its filters: where the text came from
    # ("text_layer", "ocr", "mixed", or None without pages), OCR's mean confidence (0-100)
    # and how many pages OCR read with low confidence.
    text_source: str | None = Field(default=None, max_length=20, index=True)
    ocr_confidence: float | None = None
    ocr_low_pages: int = Field(default=0, index=True)
    # How each guessed field was chosen ({"title": "pdf_metadata", "date": "ratified"...});
    # "user" once a person corrected it (ingest then leaves the field alone).
    metadata_sources: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
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
    text_source: str | None = None
    ocr_confidence: float | None = None
    ocr_low_pages: int = 0
    metadata_sources: dict[str, str] = {}
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
    pagination: Pagination = Pagination.none
    status: DocumentStatus = DocumentStatus.ready
    message: str | None = None
    # Per page: {"page", "text_source" ("text_layer" | "ocr"), "confidence" (0-100 or null)}.
    page_sources: list[dict[str, object]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())


class PageSourcePublic(SQLModel):
    page: int
    text_source: str
    confidence: float | None
    low_confidence: bool


class DocumentVersionPublic(SQLModel):
    id: int
    document_id: int
    number: int
    sha256: str
    size_bytes: int
    format: str
    page_count: int | None
    pagination: Pagination
    status: DocumentStatus
    message: str | None
    page_sources: list[PageSourcePublic] = []
    created_at: dt.datetime

    @field_validator("page_sources", mode="before")
    @classmethod
    def _flag_low(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**page, "low_confidence": _low(page.get("confidence"))} for page in value]


def _low(confidence: object) -> bool:
    # Imported here, when a passage or version is shown: defining these classes (as
    # every command does) need not load the OCR module and its imports.
    from ingest.ocr import is_low_confidence

    return is_low_confidence(confidence)


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
    # Transcripts (ARCHITECTURE.md, "Locations"): the speaker turn, 1-based and counted
    # from the file alone; the role when the labels say it; the lines of the file (or
    # paragraphs of a DOCX) the turn stands on; the time stamp in seconds and as written.
    turn: int | None = None
    speaker_role: SpeakerRole | None = None
    line_start: int | None = None
    line_end: int | None = None
    timestamp: float | None = None
    timestamp_label: str | None = Field(default=None, max_length=40)
    # Paged sources: "ocr" when any of its pages was read by OCR, else "text_layer"; the
    # lowest OCR confidence (0-100) of its pages.
    text_source: str | None = Field(default=None, max_length=20)
    ocr_confidence: float | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))


class Passage(PassageBase, table=True):
    # The passages a span overlaps (an annotation's, for index updates): one seek.
    __table_args__ = (Index("ix_passage_version_start", "version_id", "start"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    version_id: int = Field(foreign_key="documentversion.id", index=True)


class PassagePublic(PassageBase):
    id: int
    document_id: int
    version_id: int

    # pydantic's documented form; mypy rejects any decorator stacked on a property.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def ocr_low_confidence(self) -> bool:
        """Shown as "OCR, low confidence" wherever the passage is (search hits, reader)."""
        return _low(self.ocr_confidence)
