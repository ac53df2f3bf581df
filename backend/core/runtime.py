"""Everything a process needs at run time, built once from settings: the API,
the worker and the CLI all start from here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.config import Settings
from backend.core.db import make_engine, make_sessionmaker, migrate
from search.base import SearchEngine
from search.factory import make_engine as make_search_engine


@dataclass
class Runtime:
    settings: Settings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    search: SearchEngine

    @classmethod
    def start(cls, settings: Settings, *, run_migrations: bool = True) -> Runtime:
        if run_migrations:
            migrate(settings)
        db = make_engine(settings)
        search = make_search_engine(
            settings.search_engine,
            sqlite_path=settings.search_sqlite_path,
            elasticsearch_url=settings.elasticsearch_url,
            index_prefix=settings.elasticsearch_index_prefix,
            elasticsearch_options=settings.elasticsearch_options(),
        )
        return cls(settings, db, make_sessionmaker(db), search)

    async def close(self) -> None:
        await self.search.close()
        await self.db.dispose()
