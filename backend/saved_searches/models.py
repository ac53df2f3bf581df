"""Saved searches, shared by everyone in the project."""

from __future__ import annotations

import datetime as dt

from pydantic import field_validator
from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.core.time import UTCDateTime, utcnow


class SavedSearch(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    query: str = Field(default="", max_length=2_000)
    filters: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    project_id: int = Field(foreign_key="project.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class SavedSearchCreate(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    query: str = Field(default="", max_length=2_000)
    filters: dict = Field(default_factory=dict)

    @field_validator("name", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:  # "   " is then refused as empty
        return value.strip() if isinstance(value, str) else value


class SavedSearchPublic(SQLModel):
    id: int
    project_id: int
    name: str
    query: str
    filters: dict
    created_by: int | None
    created_at: dt.datetime
