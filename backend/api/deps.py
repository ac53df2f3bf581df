"""FastAPI dependencies: the runtime, a session per request, settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.config import Settings
from backend.core.runtime import Runtime
from search.base import SearchEngine


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_session(rt: RuntimeDep) -> AsyncIterator[AsyncSession]:
    async with rt.sessions() as session:
        yield session


def get_settings_dep(rt: RuntimeDep) -> Settings:
    return rt.settings


def get_search(rt: RuntimeDep) -> SearchEngine:
    return rt.search


SessionDep = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SearchDep = Annotated[SearchEngine, Depends(get_search)]


# Path ids: bounded so an absurd number is a 422, not a database overflow.
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
