"""Projects (one study each), membership with a role, and the audit log."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.core.time import UTCDateTime, utcnow


class Role(StrEnum):
    viewer = "viewer"  # reads everything in the project
    coder = "coder"  # also annotates, builds CMOCs
    admin = "admin"  # also manages members, the codebook and documents

    @property
    def rank(self) -> int:
        return ("viewer", "coder", "admin").index(self.value)


class ProjectBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)


class Project(ProjectBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class ProjectCreate(ProjectBase):
    pass


class ProjectUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)


class ProjectPublic(ProjectBase):
    id: int
    created_at: dt.datetime
    role: Role | None = None  # the caller's role in it


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: Role


class MemberCreate(SQLModel):
    email: str = Field(min_length=3, max_length=254)
    role: Role


class MemberUpdate(SQLModel):
    role: Role


class MemberPublic(SQLModel):
    id: int  # the membership id
    user_id: int
    email: str
    name: str
    role: Role


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int | None = Field(default=None, index=True)
    user_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
