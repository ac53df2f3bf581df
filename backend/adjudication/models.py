"""Adjudication: decisions that turn a closed round's codings into the consensus
layer, and the project's choice of which layer its analyses use."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.agreement.models import DisagreementPublic
from backend.core.ids import RowId
from backend.core.time import UTCDateTime, utcnow
from backend.rounds.models import RoundStatus

MAX_MEMO = 10_000


class AdjudicationAction(StrEnum):
    agreed = "agreed"  # the coders agreed: taken over without a decision
    take = "take"  # one coder's version
    merge = "merge"  # one span over the region with every code any coder applied
    edit = "edit"  # the adjudicator's own boundaries and codes
    reject = "reject"  # nothing goes into the consensus here


class AdjudicationDecision(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("round_id", "key", name="uq_decision_round_key"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="codinground.id", index=True)
    key: str = Field(max_length=60)  # the region: "<document>:<start>-<end>"
    document_id: int = Field(foreign_key="document.id")
    start: int
    end: int
    kind: str = Field(max_length=20)  # the region's kind (agreement, unmatched, ...)
    action: AdjudicationAction
    coder_id: int | None = Field(default=None, foreign_key="user.id")  # for `take`
    sources: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    consensus_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    memo: str | None = Field(default=None, sa_column=Column(Text))
    user_id: int = Field(foreign_key="user.id")
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class DecisionIn(SQLModel):
    key: str = Field(min_length=3, max_length=60)
    action: AdjudicationAction
    coder_id: RowId | None = None  # take: whose version
    start: int | None = Field(default=None, ge=0)  # edit: the new boundaries
    end: int | None = Field(default=None, ge=0)
    code_ids: list[RowId] | None = Field(default=None, max_length=50)  # edit / merge: codes
    memo: str | None = Field(default=None, max_length=MAX_MEMO)


class DecisionPublic(SQLModel):
    id: int
    round_id: int
    key: str
    document_id: int
    start: int
    end: int
    kind: str
    action: AdjudicationAction
    coder_id: int | None
    sources: list
    consensus_ids: list
    memo: str | None
    user_id: int
    at: dt.datetime


class AnalysisLayer(StrEnum):
    all = "all"  # every coder's codings (the consensus layer left out: no double counting)
    consensus = "consensus"  # the consensus where a round was adjudicated, else single codings
    coder = "coder"  # one coder's codings


class AnalysisSetting(SQLModel, table=True):
    project_id: int = Field(foreign_key="project.id", primary_key=True)
    layer: AnalysisLayer = AnalysisLayer.all
    coder_id: int | None = Field(default=None, foreign_key="user.id")
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class AnalysisSettingIn(SQLModel):
    layer: AnalysisLayer
    coder_id: RowId | None = None  # required for "coder"


class AnalysisSettingPublic(SQLModel):
    layer: AnalysisLayer
    coder_id: int | None
    statement: str  # the sentence the methods appendix uses


class QueueItem(DisagreementPublic):
    decision: DecisionPublic | None  # None: not decided yet


class AdjudicationQueue(SQLModel):
    round_id: int
    status: RoundStatus
    started: bool
    agreements: int  # regions where the coders agreed (taken over on start)
    items: list[QueueItem]  # every disagreement, in document and text order
