"""Annotations: a coded span of one document version, with its W3C selectors.

Position: `start`/`end` index the version's stored text in Unicode code points
(the unit of the W3C TextPositionSelector). Quote: `exact` plus up to 32
characters of `prefix` and `suffix` (TextQuoteSelector), used to re-anchor the
annotation when its document gets a new version.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from backend.citations import Location
from backend.core.ids import RowId, Version
from backend.core.time import UTCDateTime, utcnow

MAX_MEMO = 10_000
MAX_CODES = 50


class AnnotationLayer(StrEnum):
    coding = "coding"  # a coder's own coding
    consensus = "consensus"  # what adjudication of a round decided (backend/adjudication)


class Annotation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    version_id: int = Field(foreign_key="documentversion.id", index=True)
    passage_id: int | None = Field(default=None, foreign_key="passage.id", index=True)
    start: int
    end: int
    exact: str = Field(sa_column=Column(Text, nullable=False))
    prefix: str = Field(default="", max_length=64)
    suffix: str = Field(default="", max_length=64)
    memo: str | None = Field(default=None, sa_column=Column(Text))
    author_id: int = Field(foreign_key="user.id", index=True)
    # The coding round it was made in (its author coded the round's document then).
    round_id: int | None = Field(default=None, foreign_key="codinground.id", index=True)
    # who coded it, when imported (backend/coders): null for work done here
    coder_id: int | None = Field(default=None, foreign_key="coder.id", index=True)
    layer: AnnotationLayer = AnnotationLayer.coding
    # The codebook version it was made, or last changed, under (backend/codes/versions.py).
    codebook_version: int | None = None
    version: int = 1  # optimistic concurrency: every change adds one
    orphaned: bool = False  # could not be placed in the document's current version
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    deleted_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class AnnotationCode(SQLModel, table=True):
    annotation_id: int = Field(foreign_key="annotation.id", primary_key=True)
    code_id: int = Field(foreign_key="code.id", primary_key=True, index=True)


class RevisionAction(StrEnum):
    create = "create"
    update = "update"
    delete = "delete"
    restore = "restore"
    reanchor = "reanchor"
    orphan = "orphan"
    merge_codes = "merge_codes"


class AnnotationRevision(SQLModel, table=True):
    """The full history: one row per change, with the state after it."""

    id: int | None = Field(default=None, primary_key=True)
    annotation_id: int = Field(foreign_key="annotation.id", index=True)
    version: int
    action: RevisionAction
    user_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    state: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


OffsetUnit = Literal["codepoint", "utf16"]


class AnnotationCreate(SQLModel):
    document_id: RowId
    start: int
    end: int
    code_ids: list[RowId] = Field(default_factory=list, max_length=MAX_CODES)
    memo: str | None = Field(default=None, max_length=MAX_MEMO)
    # Browsers count UTF-16 code units; say so and the API converts (anchoring.py).
    unit: OffsetUnit = "codepoint"


class AnnotationUpdate(SQLModel):
    code_ids: list[RowId] | None = Field(default=None, max_length=MAX_CODES)
    memo: str | None = Field(default=None, max_length=MAX_MEMO)
    start: int | None = None
    end: int | None = None
    unit: OffsetUnit = "codepoint"
    version: Version | None = None  # or send If-Match: "<version>"


class AnnotationRevert(SQLModel):
    to_version: Version  # a version from the annotation's history
    version: Version | None = None  # the version you read, or send If-Match


class AnnotationPublic(SQLModel):
    id: int
    project_id: int
    document_id: int
    version_id: int
    passage_id: int | None
    start: int
    end: int
    start_utf16: int
    end_utf16: int
    exact: str
    prefix: str
    suffix: str
    page: int | None
    location: Location
    citation: str  # README, "Citations"
    memo: str | None
    code_ids: list[int]
    author_id: int
    author_name: str
    round_id: int | None
    coder_id: int | None = None  # imported coding: its coder attribution (backend/coders)
    coder_name: str | None = None
    # whose coding it is (backend/annotations/ownership.py): who may edit, revert, delete it
    owner_id: int
    layer: AnnotationLayer
    codebook_version: int | None
    version: int
    orphaned: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None


class RevisionPublic(SQLModel):
    id: int
    version: int
    action: RevisionAction
    user_id: int | None
    at: dt.datetime
    state: dict
