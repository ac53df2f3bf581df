"""The index outbox. A row is written in the same transaction as the change it
describes, so the index can always catch up with the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from backend.core.time import UTCDateTime, utcnow


class IndexJob(SQLModel, table=True):
    # SQLite must never reuse an id: ids are the index's ordering seq (migration 0019).
    __table_args__ = {"sqlite_autoincrement": True}
    id: int | None = Field(default=None, primary_key=True)
    # "document": (re)index the current version's passages of that document,
    # or remove them all when the document is gone.
    entity: str = Field(max_length=30)
    entity_id: int = Field(index=True)
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


# A rebuild that has not finished by then is assumed dead (its process crashed).
REBUILD_TIMEOUT = timedelta(hours=6)


class ReindexRun(SQLModel, table=True):
    """A rebuild in progress: drains wait while it runs, then it applies what they
    queued meanwhile (so no edit made during a rebuild is lost on the swap)."""

    id: int | None = Field(default=None, primary_key=True)
    engine: str = Field(max_length=30)
    covered: int  # the last outbox row the rebuilt index includes
    started_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
