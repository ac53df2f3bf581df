"""What a REFI-QDA import leaves behind besides the project's content: the import itself (its
report), and one placement record per imported selection, so every quote can be traced to the
positions the file gave and the reading that turned them into ours.

A selection whose placement is doubtful (backend/refi/offsets.py) is not an annotation: it
waits here with status "review" and its candidate spans until a project admin accepts one
candidate (which creates the annotation) or discards it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from backend.core.time import UTCDateTime, utcnow


class PlacementStatus(StrEnum):
    placed = "placed"  # stored as an annotation at the reading's positions
    review = "review"  # not stored: waits for a person to choose
    accepted = "accepted"  # was under review; someone chose a candidate
    discarded = "discarded"  # was under review; someone dropped it


class RefiImport(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    file_name: str = Field(default="", max_length=300)
    producer: str | None = Field(default=None, max_length=300)  # <Project origin>
    reading: str = Field(max_length=16)  # offsets.Reading
    decided_by: str = Field(max_length=32)
    report: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class ImportedSelection(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="refiimport.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    version_id: int = Field(foreign_key="documentversion.id")
    annotation_id: int | None = Field(default=None, foreign_key="annotation.id", index=True)
    selection_guid: str = Field(max_length=64)
    file_start: int  # as written in the file, in the file's unit
    file_end: int
    reading: str = Field(max_length=16)
    status: PlacementStatus
    reason: str | None = Field(default=None, max_length=300)
    # [{"reading", "start", "end", "plausible"}]: where each reading puts it (code points)
    candidates: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # what the annotation will carry if accepted: code_ids, memo, created, modified, author
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
