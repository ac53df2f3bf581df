"""Projects (one study each), membership with a role, and the audit log."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator
from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.core.time import UTCDateTime, utcnow
from ingest.errors import IngestError


class Role(StrEnum):
    viewer = "viewer"  # reads everything in the project
    coder = "coder"  # also annotates, builds CMOCs
    admin = "admin"  # also manages members, the codebook and documents

    @property
    def rank(self) -> int:
        return ("viewer", "coder", "admin").index(self.value)


class MemberCreate(SQLModel):
    email: str = Field(min_length=3, max_length=254)
    role: Role


def _installed(value: str | None) -> str | None:
    """OCR languages must be installed packs ("eng+cym"): a 422 names the missing ones."""
    if value is None:
        return None
    # Imported here: the OCR module is needed only when a project's languages are set,
    # and a command that merely reads projects (`evidence search`) need not load it.
    from ingest.ocr import check_languages

    try:
        return check_languages(value)
    except IngestError as exc:
        raise ValueError(exc.message) from exc


OcrLanguages = Annotated[str, AfterValidator(_installed)]


class ProjectBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    # Tesseract language packs OCR reads this project's scans with, "+"-joined ("eng+cym").
    ocr_languages: str = Field(default="eng", max_length=100)


class Project(ProjectBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class ProjectCreate(ProjectBase):
    # Added in the same transaction as the project: one unknown email creates nothing.
    members: list[MemberCreate] = Field(default_factory=list, max_length=500)
    ocr_languages: OcrLanguages = Field(default="eng", max_length=100)


class ProjectUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    ocr_languages: OcrLanguages | None = Field(default=None, max_length=100)


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
