"""Ids and versions as request bodies may carry them: whole numbers the database's
integer column can hold. A larger number cannot name a row, and SQLite would
raise OverflowError (a 500) on it, so it is refused at validation as a 422."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_ID = 2**31 - 1  # PostgreSQL's integer
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=0, le=MAX_ID)]


def stored(row_id: int | None) -> int:
    """A stored row's primary key. SQLModel types `id` as optional because it is None
    until the first flush; a row read from (or flushed to) the database always has one."""
    if row_id is None:
        raise ValueError("the row has no id: it was never flushed")
    return row_id
