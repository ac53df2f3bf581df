"""The codebook: a tree of codes, each typed Context, Mechanism, Outcome or other."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Any

from pydantic import field_validator
from sqlalchemy import JSON, Column, Text, UniqueConstraint
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
    # None: not set, the parent's kind applies (backend/codes/kinds.py); "other" at the top
    kind: CodeKind | None = None
    parent_id: RowId | None = None
    colour: str | None = Field(default=None, max_length=7)
    definition: str | None = Field(default=None, max_length=5000)
    memo: str | None = Field(default=None, max_length=20000)
    # False: a grouping code (REFI-QDA isCodable="false") that cannot be applied to text
    codable: bool = True


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


def _colour_field() -> Any:
    """An input's colour, with the validator's pattern in the schema (so clients and
    schemathesis know "" or "red" is refused) while `_colour` keeps its own message."""
    extra = {"json_schema_extra": {"pattern": COLOUR.pattern}}
    return Field(default=None, max_length=7, schema_extra=extra)


class CodeCreate(CodeBase):
    colour: str | None = _colour_field()


class CodeUpdate(_CodeFields):
    """Rename, move (parent_id; null for the top level), recolour, redefine; kind null
    unsets the code's own kind (it follows its parent's again)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: CodeKind | None = None
    parent_id: RowId | None = None
    colour: str | None = _colour_field()
    definition: str | None = Field(default=None, max_length=5000)
    memo: str | None = Field(default=None, max_length=20000)
    codable: bool | None = None


class CodePublic(CodeBase):
    id: int
    project_id: int
    guid: str
    deleted_at: dt.datetime | None
    merged_into: int | None
    usage: int = 0  # live annotations carrying this code
    # its own kind if set, else its parent's (up the tree), else "other"
    effective_kind: CodeKind = CodeKind.other


class CodebookVersion(SQLModel, table=True):
    """The codebook after one change: a snapshot of its live codes and the diff from the
    version before. Numbers count from 1 per project."""

    __table_args__ = (UniqueConstraint("project_id", "number", name="uq_codebook_version"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    number: int
    action: str = Field(max_length=30)  # created, updated, merged, deleted, restored, ...
    code_id: int | None = None  # the code the change was about, if one
    user_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    diff: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    snapshot: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class CodebookVersionPublic(SQLModel):
    number: int
    action: str
    code_id: int | None
    user_id: int | None
    at: dt.datetime
    diff: dict


class CodebookVersionDetail(CodebookVersionPublic):
    codes: list[dict]  # the live codes as of this version


class CodeRevert(SQLModel):
    codebook_version: int = Field(ge=0)  # 0: before the code existed
