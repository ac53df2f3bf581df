"""The per-project event log behind the live stream. Ids only grow, so a client
that reconnects resumes after the last id it saw."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from backend.core.time import UTCDateTime, utcnow


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(index=True)
    kind: str = Field(max_length=60)  # e.g. "annotation.created"
    entity_id: int | None = None
    user_id: int | None = None
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
