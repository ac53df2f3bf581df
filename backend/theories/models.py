"""Programme theories: what works, for whom, in what circumstances, and how the
wording changed. Every change keeps the earlier wording and why (a revision row),
the audit trail realist reporting standards (RAMESES) ask for."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from backend.core.time import UTCDateTime, utcnow

MAX_STATEMENT = 20_000
MAX_REASON = 5_000
MAX_VERSION = 2**31 - 1  # the database's integer


THEORY_FIELDS = ("framework", "statement", "form", "status")  # what a revision keeps


class TheoryStatus(StrEnum):
    initial = "initial"
    refined = "refined"
    supported = "supported"
    refuted = "refuted"
    revised = "revised"


class TheoryForm(StrEnum):
    free = "free"  # a statement in prose
    if_then = "if_then"  # "If …, then …, because …"
    cmo = "cmo"  # "In context C, mechanism M leads to outcome O"


class _Tidy(SQLModel):
    @field_validator("statement", "framework", "reason", mode="before", check_fields=False)
    @classmethod
    def _strip(
        cls, value: object
    ) -> object:  # "   " is then refused as empty where text is required
        return value.strip() if isinstance(value, str) else value


class TheoryBase(_Tidy):
    framework: str = Field(default="", max_length=300)  # the framework heading it sits under
    statement: str = Field(min_length=1, max_length=MAX_STATEMENT)
    form: TheoryForm = TheoryForm.free
    status: TheoryStatus = TheoryStatus.initial


class ProgrammeTheory(TheoryBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    statement: str = Field(sa_column=Column(Text, nullable=False))
    version: int = 1
    created_by: int | None = Field(default=None, foreign_key="user.id")
    # who coded it, when imported (backend/coders): null for work done here
    coder_id: int | None = Field(default=None, foreign_key="coder.id", index=True)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    deleted_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class TheoryRevision(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    theory_id: int = Field(foreign_key="programmetheory.id", index=True)
    version: int
    action: str = Field(max_length=20)  # create, update, delete, restore, import
    user_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    state: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class TheoryCreate(TheoryBase):
    pass


class TheoryUpdate(_Tidy):
    framework: str | None = Field(default=None, max_length=300)
    statement: str | None = Field(default=None, min_length=1, max_length=MAX_STATEMENT)
    form: TheoryForm | None = None
    status: TheoryStatus | None = None
    reason: str | None = Field(default=None, max_length=MAX_REASON)  # why it changed
    version: int | None = Field(default=None, le=MAX_VERSION)  # or If-Match


class TheoryPublic(TheoryBase):
    id: int
    project_id: int
    version: int
    created_by: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None
    cmoc_ids: list[int] = []


class TheoryRevisionPublic(SQLModel):
    id: int
    version: int
    action: str
    user_id: int | None
    at: dt.datetime
    reason: str | None
    state: dict


class ImportResult(SQLModel):
    """What an import did; a theory already here (same statement) is updated or unchanged."""

    created: int
    updated: int = 0
    unchanged: int = 0
    theories: list[TheoryPublic]  # those created and those updated
