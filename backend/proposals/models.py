"""What the team decided about a proposed corroborating (or contradicting) passage,
so a dismissed proposal is not offered again from the same starting point."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.cmocs.models import Part, Stance
from backend.core.ids import RowId
from backend.core.time import UTCDateTime, utcnow


class Origin(StrEnum):
    annotation = "annotation"
    cmoc = "cmoc"
    passage = "passage"


class Decision(StrEnum):
    accept = "accept"
    dismiss = "dismiss"


class ProposalDecision(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "origin", "origin_id", "passage_id"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    origin: Origin
    origin_id: int
    passage_id: int = Field(foreign_key="passage.id")
    decision: Decision
    annotation_id: int | None = Field(default=None, foreign_key="annotation.id")
    user_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ProposalDecisionCreate(SQLModel):
    origin: Origin
    origin_id: RowId
    passage_id: RowId
    decision: Decision
    # accept: the passage (or start/end within it, code points) becomes an annotation
    # with these codes, linked to cmoc_id as `part` evidence with `stance`.
    cmoc_id: RowId | None = None
    part: Part | None = None
    stance: Stance = Stance.supports
    code_ids: list[RowId] = Field(default_factory=list, max_length=50)
    start: int | None = Field(default=None, ge=0, le=10**9)
    end: int | None = Field(default=None, ge=0, le=10**9)
    memo: str | None = Field(default=None, max_length=10_000)


class Proposal(SQLModel):
    passage_id: int
    document_id: int
    title: str
    source_type: str
    organisation: str | None
    page: int | None
    heading_path: list[str]
    speaker: str | None
    text: str
    highlights: list[str]
    score: float  # hybrid: the fused (RRF) score; lexical: BM25
    # Why it was proposed: how it was ranked, the words it shares with the starting
    # text (stems compared), its cosine similarity by meaning, and its rank in each list.
    method: str = "hybrid"  # or "lexical" when embeddings are off
    shared_terms: list[str] = []
    similarity: float | None = None
    lexical_rank: int | None = None
    semantic_rank: int | None = None


class ProposalDecisionPublic(SQLModel):
    id: int
    origin: Origin
    origin_id: int
    passage_id: int
    decision: Decision
    annotation_id: int | None
    user_id: int | None
    at: dt.datetime
