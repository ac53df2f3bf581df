"""Coding rounds: a set of documents, the coders who code them, blind or not.

While a blind round is open its coders see only their own annotations on its
documents (backend/visibility.py); once it is closed its codings are frozen and
everyone sees everything.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from backend.core.ids import RowId
from backend.core.time import UTCDateTime, utcnow

MAX_ROUND_DOCUMENTS = 5_000
MAX_ROUND_CODERS = 100


class RoundStatus(StrEnum):
    open = "open"
    closed = "closed"


class CodingRound(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    name: str = Field(max_length=200)
    blind: bool = True
    status: RoundStatus = RoundStatus.open
    codebook_version: int | None = None  # the codebook version the round started with
    created_by: int = Field(foreign_key="user.id")
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    closed_by: int | None = Field(default=None, foreign_key="user.id")
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Set when adjudication begins: from then on the round's documents have a consensus.
    adjudication_started_at: dt.datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime())
    )


class RoundDocument(SQLModel, table=True):
    round_id: int = Field(foreign_key="codinground.id", primary_key=True)
    document_id: int = Field(foreign_key="document.id", primary_key=True, index=True)


class RoundCoder(SQLModel, table=True):
    round_id: int = Field(foreign_key="codinground.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)


class RoundCreate(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    document_ids: list[RowId] = Field(min_length=1, max_length=MAX_ROUND_DOCUMENTS)
    coder_ids: list[RowId] = Field(min_length=2, max_length=MAX_ROUND_CODERS)
    blind: bool = True


class CoderProgress(SQLModel):
    coder_id: int
    name: str
    annotations: int  # live annotations made in the round
    documents_coded: int  # round documents with at least one of them


class RoundPublic(SQLModel):
    id: int
    project_id: int
    name: str
    blind: bool
    status: RoundStatus
    codebook_version: int | None
    document_ids: list[int]
    coder_ids: list[int]
    created_by: int
    created_at: dt.datetime
    closed_by: int | None
    closed_at: dt.datetime | None
    adjudication_started_at: dt.datetime | None
    # True when the caller codes this round blind: they see only their own codings.
    blinded: bool
    # One entry per coder whose codings the caller may see (a blind coder: only theirs).
    progress: list[CoderProgress]
