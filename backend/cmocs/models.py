"""Context–Mechanism–Outcome configurations: a first-class object linking coded
evidence to programme theories. Each evidence link says which part of the
configuration an annotation speaks to and whether it supports, refutes or refines it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.citations import Location
from backend.core.ids import MAX_ID, RowId
from backend.core.time import UTCDateTime, utcnow

MAX_TEXT = 20_000
MAX_EVIDENCE = 2_000
MAX_THEORIES = 100


# What a CMOC says (its links aside): one list for the service, exports and REFI notes.
CMOC_FIELDS = (
    "title",
    "context",
    "mechanism_resource",
    "mechanism_reasoning",
    "outcome",
    "memo",
    "status",
)


class CmocStatus(StrEnum):
    draft = "draft"
    proposed = "proposed"
    supported = "supported"
    refuted = "refuted"
    refined = "refined"


class Part(StrEnum):
    context = "context"
    mechanism = "mechanism"
    outcome = "outcome"


class Stance(StrEnum):
    supports = "supports"
    refutes = "refutes"
    refines = "refines"


class _Tidy(SQLModel):
    @field_validator(
        "title",
        "context",
        "mechanism_resource",
        "mechanism_reasoning",
        "outcome",
        "memo",
        mode="before",
        check_fields=False,
    )
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


class CmocFields(_Tidy):
    title: str = Field(default="", max_length=300)
    context: str = Field(default="", max_length=MAX_TEXT)
    mechanism_resource: str = Field(default="", max_length=MAX_TEXT)  # what the programme offers
    mechanism_reasoning: str = Field(default="", max_length=MAX_TEXT)  # how people respond
    outcome: str = Field(default="", max_length=MAX_TEXT)
    memo: str = Field(default="", max_length=MAX_TEXT)
    status: CmocStatus = CmocStatus.draft


class Cmoc(CmocFields, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    context: str = Field(default="", sa_column=Column(Text, nullable=False))
    mechanism_resource: str = Field(default="", sa_column=Column(Text, nullable=False))
    mechanism_reasoning: str = Field(default="", sa_column=Column(Text, nullable=False))
    outcome: str = Field(default="", sa_column=Column(Text, nullable=False))
    memo: str = Field(default="", sa_column=Column(Text, nullable=False))
    author_id: int = Field(foreign_key="user.id", index=True)
    # who coded it, when imported (backend/coders): null for work done here
    coder_id: int | None = Field(default=None, foreign_key="coder.id", index=True)
    version: int = 1
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    deleted_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class CmocTheory(SQLModel, table=True):
    cmoc_id: int = Field(foreign_key="cmoc.id", primary_key=True)
    theory_id: int = Field(foreign_key="programmetheory.id", primary_key=True, index=True)


class CmocEvidence(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cmoc_id", "annotation_id", "part"),)
    id: int | None = Field(default=None, primary_key=True)
    cmoc_id: int = Field(foreign_key="cmoc.id", index=True)
    annotation_id: int = Field(foreign_key="annotation.id", index=True)
    part: Part
    stance: Stance = Stance.supports
    note: str = Field(default="", max_length=2_000)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class CmocRevision(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cmoc_id: int = Field(foreign_key="cmoc.id", index=True)
    version: int
    action: str = Field(max_length=20)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    state: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class EvidenceIn(SQLModel):
    annotation_id: int = Field(ge=1, le=MAX_ID)
    part: Part
    stance: Stance = Stance.supports
    note: str = Field(default="", max_length=2_000)


class CmocCreate(CmocFields):
    theory_ids: list[RowId] = Field(default_factory=list, max_length=MAX_THEORIES)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=MAX_EVIDENCE)


class CmocUpdate(_Tidy):
    title: str | None = Field(default=None, max_length=300)
    context: str | None = Field(default=None, max_length=MAX_TEXT)
    mechanism_resource: str | None = Field(default=None, max_length=MAX_TEXT)
    mechanism_reasoning: str | None = Field(default=None, max_length=MAX_TEXT)
    outcome: str | None = Field(default=None, max_length=MAX_TEXT)
    memo: str | None = Field(default=None, max_length=MAX_TEXT)
    status: CmocStatus | None = None
    theory_ids: list[RowId] | None = Field(default=None, max_length=MAX_THEORIES)
    evidence: list[EvidenceIn] | None = Field(default=None, max_length=MAX_EVIDENCE)
    version: int | None = Field(default=None, le=MAX_ID)


class EvidencePublic(SQLModel):
    id: int
    annotation_id: int
    part: Part
    stance: Stance
    note: str
    document_id: int
    source_type: str
    exact: str
    page: int | None
    location: Location
    citation: str  # README, "Citations"
    # Counted by analyses under the project's analysis layer (consensus, all coders,
    # one coder): the matrix, reports and exports leave the others out.
    in_analysis: bool = True


class CmocPublic(CmocFields):
    id: int
    project_id: int
    theory_ids: list[int]
    evidence: list[EvidencePublic]
    author_id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None


class CmocRevert(SQLModel):
    to_version: int = Field(ge=1, le=MAX_ID)  # a version from the CMOC's history
    version: int | None = Field(default=None, le=MAX_ID)  # the version you read, or If-Match


class CmocRevisionPublic(SQLModel):
    id: int
    version: int
    action: str
    user_id: int | None
    at: dt.datetime
    state: dict
