"""Coder attributions: who a project's imported coding is by, as the imported file names them.

A REFI-QDA file names its coders (`<User guid name id>`). They are not accounts and never
become accounts: each becomes a project-level `Coder` (the file's GUID and display name), and
imported annotations, CMOCs and theories point at it (`coder_id`). Only a project admin can link
a coder to an account (`user_id`), explicitly; until then no account appears as the author of
that coding. See ARCHITECTURE.md, "Coder attributions".
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.core.ids import RowId
from backend.core.time import UTCDateTime, utcnow


class Coder(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "guid", name="uq_coder_project_guid"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    guid: str = Field(max_length=64)  # the file's User GUID, kept for re-export
    name: str = Field(max_length=200)
    identifier: str | None = Field(default=None, max_length=300)  # the file's User@id, as given
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    linked_by: int | None = Field(default=None, foreign_key="user.id")
    linked_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class CoderPublic(SQLModel):
    id: int
    guid: str
    name: str
    identifier: str | None  # admins only (null for others)
    user_id: int | None
    user_name: str | None
    annotations: int


class CoderLink(SQLModel):
    user_id: RowId
