"""The codebook: a tree of codes, each typed Context, Mechanism, Outcome or other."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from backend.core.ids import RowId
from backend.core.time import UTCDateTime, utcnow

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class CodeKind(StrEnum):
    context = "context"
    mechanism = "mechanism"
    outcome = "outcome"
    other = "other"


class _CodeFields(SQLModel):
    @field_validator("name", check_fields=False)
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is not None:
            value = " ".join(value.split())
            if not value:
                raise ValueError("a code needs a name")
        return value

    @field_validator("colour", check_fields=False)
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        if value is not None and not COLOUR.match(value):
            raise ValueError("colour must look like #1f77b4")
        return value.lower() if value else value


class CodeBase(_CodeFields):
    name: str = Field(min_length=1, max_length=200)
    kind: CodeKind = CodeKind.other
    parent_id: RowId | None = None
    colour: str | None = Field(default=None, max_length=7)
    definition: str | None = Field(default=None, max_length=5000)
    memo: str | None = Field(default=None, max_length=20000)


class Code(CodeBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="code.id", index=True)
    guid: str = Field(max_length=36)  # stable identity for REFI-QDA exchange
    definition: str | None = Field(default=None, sa_column=Column(Text))
    memo: str | None = Field(default=None, sa_column=Column(Text))
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    deleted_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    merged_into: int | None = None


class CodeCreate(CodeBase):
    pass


class CodeUpdate(_CodeFields):
    """Rename, move (parent_id; null for the top level), recolour, redefine."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: CodeKind | None = None
    parent_id: RowId | None = None
    colour: str | None = Field(default=None, max_length=7)
    definition: str | None = Field(default=None, max_length=5000)
    memo: str | None = Field(default=None, max_length=20000)


class CodePublic(CodeBase):
    id: int
    project_id: int
    guid: str
    deleted_at: dt.datetime | None
    merged_into: int | None
    usage: int = 0  # live annotations carrying this code
