"""The tantivy engine: the embedded engine's SQLite store, with the text index,
the ranking, the count and the facets in tantivy (issue 18: FTS5 scores bm25 for
every match, too slow at 1M passages).

Composed over SqliteFtsEngine, not beside it: SQLite keeps the texts (highlights),
the fields, tags and vectors (`nearest`), the write order per document (`seq`) and
the count, but writes no FTS5 index (its tables are then another schema, so
switching engines rebuilds). tantivy holds the terms FTS5 would
(search/tantivy_index.py) plus every filter and facet field, so a search and a
`similar` are tantivy's alone but for the texts of their page.

Writes go to both in one step: the tantivy writer (one per index, across processes)
is taken first, then the SQLite transaction; tantivy commits inside it, before
SQLite does, so a failing tantivy write rolls the SQLite one back. Writers queue in
that order, so both stores apply writes in the same order, and `seq` decides for
both (the hook of sqlite_store.replace/update hands over what was applied).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import closing, suppress
from dataclasses import replace
from pathlib import Path

import anyio
import tantivy

from search import sqlite_search
from search import sqlite_store as store
from search import tantivy_index as tindex
from search.base import (
    NearestRequest,
    PassageDoc,
    SearchHit,
    SearchRequest,
    SearchResult,
    SimilarRequest,
)
from search.query import Node
from search.sqlite_fts import SqliteFtsEngine
from search.tantivy_index import Layout, Pointer, Reader, document
from search.tantivy_query import caveats as proximity_caveats
from search.tantivy_query import compile_request
from search.tantivy_search import search as read_search
from search.tantivy_search import similar as read_similar


class TantivyEngine:
    name = "tantivy"
    supports_fuzzy = False  # as the embedded engine: the same query language, same answers

    def __init__(self, path: Path, writer_wait: float = tindex.WRITER_WAIT) -> None:
        self.sqlite = SqliteFtsEngine(path, fts=False)
        self.layout = Layout(Path(f"{path}.tantivy"))
        self.reader = Reader(self.layout)
        self.writer_wait = writer_wait

    async def ensure_ready(self) -> bool:
        stale = await self.sqlite.ensure_ready()
        return await anyio.to_thread.run_sync(self._ensure_index, stale)

    def _ensure_index(self, stale: bool) -> bool:
        """An empty generation when there is none, it is outdated, or SQLite's tables
        were just dropped as outdated: True then (the caller rebuilds), and on every
        start until a rebuild has switched, if SQLite held passages (Layout's REBUILD).
        Under the layout's lock: another process starting at once sees the switch."""
        with self.layout.locked():
            pointer = self.layout.read()
            if (
                pointer is not None
                and pointer.schema == tindex.SCHEMA_VERSION
                and not stale
                and self.layout.path(pointer).is_dir()
            ):
                return self.layout.needs_rebuild()
            fresh = self.layout.create()
            with closing(self.sqlite.connect()) as conn:
                held = conn.execute("SELECT EXISTS (SELECT 1 FROM search_passage)").fetchone()
            if held[0]:
                self.layout.mark_rebuild(True)
            self.layout.switch(fresh)
            self.layout.remove_others(fresh)
        return True

    async def replace_documents(
        self, document_ids: Sequence[int], docs: Sequence[PassageDoc], seq: int = 0
    ) -> None:
        await anyio.to_thread.run_sync(self._replace, list(document_ids), list(docs), seq)

    def _replace(self, document_ids: list[int], docs: list[PassageDoc], seq: int) -> None:
        with tindex.writing(self.layout, self.writer_wait) as writer:

            def hook(applied_ids: list[int], applied: list[PassageDoc]) -> None:
                for document_id in applied_ids:
                    writer.delete_documents_by_term("document_id", document_id)
                _add(writer, applied, commit=bool(applied_ids))

            with closing(self.sqlite.connect()) as conn:
                store.replace(conn, document_ids, docs, seq, hook, fts=False)

    async def update_passages(self, docs: Sequence[PassageDoc], seq: int = 0) -> None:
        await anyio.to_thread.run_sync(self._update, list(docs), seq)

    def _update(self, docs: list[PassageDoc], seq: int) -> None:
        with tindex.writing(self.layout, self.writer_wait) as writer:

            def hook(applied: list[PassageDoc]) -> None:
                # tantivy updates nothing in place: the passage goes, its new state comes.
                for doc in applied:
                    writer.delete_documents_by_term("passage_id", doc.passage_id)
                _add(writer, applied)

            with closing(self.sqlite.connect()) as conn:
                store.update(conn, docs, seq, hook, fts=False)

    async def rebuild(self, batches: AsyncIterator[Sequence[PassageDoc]], seq: int = 0) -> int:
        """SQLite's shadow tables and a new tantivy generation are filled side by side;
        at the end both switch, under the live writer's lock (no write lands in the
        old generation after SQLite's swap)."""
        fresh = await anyio.to_thread.run_sync(self.layout.create)
        writer = await anyio.to_thread.run_sync(tindex.rebuild_writer, self.layout, fresh)
        conn = await anyio.to_thread.run_sync(self.sqlite.connect)
        total = 0
        try:
            await anyio.to_thread.run_sync(store.start_shadow, conn)
            async for batch in batches:
                await anyio.to_thread.run_sync(_fill, conn, writer, list(batch), seq)
                total += len(batch)
            await anyio.to_thread.run_sync(self._switch, conn, writer, fresh)
        except BaseException:
            await anyio.to_thread.run_sync(self._abandon, conn, writer, fresh)
            raise
        finally:
            conn.close()
        return total

    def _switch(
        self, conn: sqlite3.Connection, writer: tantivy.IndexWriter, fresh: Pointer
    ) -> None:
        """The live writer's lock is taken before the rebuild's writer is committed
        (which consumes it): a lock not had leaves the rebuild whole to abandon."""
        if self.layout.read() is None:  # no index in use yet: nobody else writes one
            _finish(writer)
            store.swap_shadow(conn)
            self._point_to(fresh)
            return
        with tindex.writing(self.layout, self.writer_wait):
            _finish(writer)
            store.swap_shadow(conn)
            self._point_to(fresh)
        with self.layout.locked():  # the old generation, once its writer is let go
            pointer = self.layout.read()
            if pointer is not None:
                self.layout.remove_others(pointer)

    def _point_to(self, fresh: Pointer) -> None:
        with self.layout.locked():
            self.layout.switch(fresh)
            self.layout.mark_rebuild(False)

    def _abandon(
        self, conn: sqlite3.Connection, writer: tantivy.IndexWriter, fresh: Pointer
    ) -> None:
        """Called on the way out of a failed rebuild: raises nothing of its own, so
        the rebuild's error is the one seen."""
        store.drop_shadow(conn)
        # A writer a failed commit left unusable (ValueError) or that a commit
        # consumed (RuntimeError): nothing left to roll back.
        with suppress(ValueError, RuntimeError):
            writer.rollback()
            writer.wait_merging_threads()
        with self.layout.locked():
            if self.layout.read() != fresh:
                self.layout.remove(fresh)

    async def count(self) -> int:
        """The passages the tantivy index holds (prepare_index rebuilds when it holds
        none beside a full database; the health check sees a missing index as an
        unavailable engine)."""
        searcher = await anyio.to_thread.run_sync(self.reader.searcher)
        return int(searcher.num_docs)

    async def search(self, request: SearchRequest) -> SearchResult:
        return await anyio.to_thread.run_sync(self._search, request)

    def _search(self, request: SearchRequest) -> SearchResult:
        searcher = self.reader.searcher()
        query = compile_request(searcher, request.query, request.filters)
        found = read_search(searcher, query, request, self._texts)
        return replace(found, caveats=self.caveats(request.query))

    def caveats(self, query: Node) -> tuple[str, ...]:
        return proximity_caveats(query)

    def _texts(self, ids: list[int]) -> dict[int, str]:
        with closing(self.sqlite.connect()) as conn:
            return sqlite_search.texts(conn, ids)

    async def similar(self, request: SimilarRequest) -> tuple[SearchHit, ...]:
        return await anyio.to_thread.run_sync(self._similar, request)

    def _similar(self, request: SimilarRequest) -> tuple[SearchHit, ...]:
        return read_similar(self.reader.searcher(), request, self._texts)

    async def nearest(self, request: NearestRequest) -> tuple[tuple[int, float], ...]:
        return await self.sqlite.nearest(request)

    async def close(self) -> None:
        await self.sqlite.close()


def _add(writer: tantivy.IndexWriter, docs: list[PassageDoc], commit: bool = False) -> None:
    """Add and commit (a commit of nothing would still make every reader reload)."""
    for doc in docs:
        writer.add_document(document(doc))
    if docs or commit:
        writer.commit()


def _finish(writer: tantivy.IndexWriter) -> None:
    writer.commit()
    writer.wait_merging_threads()


def _fill(
    conn: sqlite3.Connection, writer: tantivy.IndexWriter, docs: list[PassageDoc], seq: int
) -> None:
    store.fill_shadow(conn, docs, seq, fts=False)
    for doc in docs:
        writer.add_document(document(doc))
