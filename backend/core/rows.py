"""Rows of selects wider than sqlmodel's select() types (four columns)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVarTuple

import sqlalchemy
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession as CoreAsyncSession
from sqlmodel.ext.asyncio.session import AsyncSession

_Ts = TypeVarTuple("_Ts")


async def wide_rows(session: AsyncSession, stmt: sqlalchemy.Select[*_Ts]) -> Sequence[Row[*_Ts]]:
    """The rows of a SQLAlchemy select of any width, typed column by column. Through the
    session, so it autoflushes as exec() does; SQLAlchemy's own execute, as sqlmodel's
    override only forwards to it (and is deprecated for ORM rows)."""
    return (await CoreAsyncSession.execute(session, stmt)).all()
