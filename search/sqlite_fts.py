"""The embedded engine: SQLite FTS5, in the same database file as the app when
that is SQLite.

One contentless FTS5 table with two columns over the same passage text:
`exact` (folded words, for phrases, proximity and prefixes) and `stem` (the
Porter stems without stop words, written by search.analysis, for terms). That
gives Elasticsearch's "stemmed for ranking, exact for phrases" in one MATCH and
one BM25 score. Filter fields live in `search_passage`, the text in `search_text`
(see sqlite_store.py).
"""

from __future__ import annotations

import dataclasses
import itertools
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import closing
from pathlib import Path

import anyio

from search import sqlite_search as reader
from search import sqlite_store as store
from search import sqlite_vectors
from search.analysis import stems
from search.base import (
    NearestRequest,
    PassageDoc,
    SearchHit,
    SearchRequest,
    SearchResult,
    SimilarRequest,
)
from search.errors import QuerySyntaxError, UnsupportedQuery
from search.highlight import highlight
from search.query import And, Node, Not, Or, Phrase, Term
from search.similar import candidate_stems, salient


class SqliteFtsEngine:
    name = "sqlite"
    supports_fuzzy = False

    def __init__(self, path: Path, *, fts: bool = True) -> None:
        self.path = path
        # False: the store of search/tantivy_engine.py, whose text index is tantivy's;
        # searching here then finds nothing (its search and similar are not used).
        self.fts = fts
        self.vectors = sqlite_vectors.VectorCache()

    def connect(self) -> sqlite3.Connection:
        """A connection to the index's database, for an engine composed over this one
        (search/tantivy_engine.py keeps its texts, fields and vectors here)."""
        return self._connect()

    def _connect(self) -> sqlite3.Connection:
        # Used by one task at a time, but possibly from different worker threads.
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    async def ensure_ready(self) -> bool:
        return await anyio.to_thread.run_sync(self._ensure_ready)

    def _ensure_ready(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn:
            return store.ensure_schema(conn, fts=self.fts)

    async def replace_documents(
        self, document_ids: Sequence[int], docs: Sequence[PassageDoc], seq: int = 0
    ) -> None:
        await anyio.to_thread.run_sync(self._replace, list(document_ids), list(docs), seq)

    def _replace(self, document_ids: list[int], docs: list[PassageDoc], seq: int) -> None:
        with closing(self._connect()) as conn:
            store.replace(conn, document_ids, docs, seq, fts=self.fts)

    async def update_passages(self, docs: Sequence[PassageDoc], seq: int = 0) -> None:
        await anyio.to_thread.run_sync(self._update, list(docs), seq)

    def _update(self, docs: list[PassageDoc], seq: int) -> None:
        with closing(self._connect()) as conn:
            store.update(conn, docs, seq, fts=self.fts)

    async def rebuild(self, batches: AsyncIterator[Sequence[PassageDoc]], seq: int = 0) -> int:
        conn = await anyio.to_thread.run_sync(self._connect)
        total = 0
        try:
            await anyio.to_thread.run_sync(store.start_shadow, conn)
            async for batch in batches:
                await anyio.to_thread.run_sync(self._fill, conn, list(batch), seq)
                total += len(batch)
            await anyio.to_thread.run_sync(store.swap_shadow, conn)
        except BaseException:
            await anyio.to_thread.run_sync(store.drop_shadow, conn)
            raise
        finally:
            conn.close()
        return total

    def _fill(self, conn: sqlite3.Connection, docs: list[PassageDoc], seq: int) -> None:
        store.fill_shadow(conn, docs, seq, fts=self.fts)

    async def count(self) -> int:
        return await anyio.to_thread.run_sync(self._count)

    def _count(self) -> int:
        with closing(self._connect()) as conn:
            return conn.execute("SELECT count(*) FROM search_passage").fetchone()[0]

    async def search(self, request: SearchRequest) -> SearchResult:
        match = to_match(request.query)
        return await anyio.to_thread.run_sync(self._search, request, match)

    def _search(self, request: SearchRequest, match: str) -> SearchResult:
        return reader.search(self._connect, request, match)

    def caveats(self, query: Node) -> tuple[str, ...]:
        return ()  # FTS5's MATCH is the query language's meaning (to_match)

    async def similar(self, request: SimilarRequest) -> tuple[SearchHit, ...]:
        return await anyio.to_thread.run_sync(self._similar, request)

    def _similar(self, request: SimilarRequest) -> tuple[SearchHit, ...]:
        where, params = reader.filter_sql(request.filters)
        if request.exclude_ids:
            where += f" AND p.passage_id NOT IN ({','.join('?' * len(request.exclude_ids))})"
            params.extend(request.exclude_ids)
        with closing(self._connect()) as conn:
            total = conn.execute("SELECT count(*) FROM search_passage").fetchone()[0]
            terms = salient(candidate_stems(request.text), _doc_freq(conn), total)
            if not terms:
                return ()
            match = "stem : (" + " OR ".join(f'"{key}"' for key, _ in terms) + ")"
            rows = conn.execute(
                "SELECT f.rowid, bm25(search_fts) AS rank FROM search_fts f "
                f"JOIN search_passage p ON p.passage_id = f.rowid WHERE search_fts MATCH ?{where} "
                "ORDER BY rank, f.rowid LIMIT ?",
                [match, *params, request.limit],
            ).fetchall()
            texts = reader.texts(conn, [r[0] for r in rows])
        query = Or(tuple(Term(word) for _, word in terms))
        return tuple(
            SearchHit(pid, -rank, highlight(texts.get(pid, ""), query)) for pid, rank in rows
        )

    async def nearest(self, request: NearestRequest) -> tuple[tuple[int, float], ...]:
        return await anyio.to_thread.run_sync(self._nearest, request)

    def _nearest(self, request: NearestRequest) -> tuple[tuple[int, float], ...]:
        import numpy as np  # here: a lexical search never loads it

        query = np.frombuffer(request.vector, dtype="<f4")
        filters = request.filters
        # The project's matrix holds exactly its passages, so a search filtered by
        # project alone (most are) needs no SQL; other filters name the allowed ids.
        where, params = reader.filter_sql(dataclasses.replace(filters, project_ids=()))
        with closing(self._connect()) as conn:
            conn.execute("BEGIN")  # one snapshot for the matrices and the allowed ids
            projects = filters.project_ids or [
                r[0] for r in conn.execute("SELECT DISTINCT project_id FROM search_passage")
            ]
            matrices = [self.vectors.matrix(conn, request.model, p, len(query)) for p in projects]
            allowed = None
            if where:
                where, params = reader.filter_sql(filters)
                sql = f"SELECT p.passage_id FROM search_passage p WHERE 1{where}"
                allowed = self.vectors.allowed(conn, sql, params)
            conn.execute("COMMIT")
        return sqlite_vectors.nearest(matrices, allowed, query, request.k)

    async def close(self) -> None:
        return None


def _doc_freq(conn: sqlite3.Connection) -> Callable[[Iterable[str]], dict[str, int]]:
    """Document frequencies of stems, read from FTS5's own index."""
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab "
        "USING fts5vocab(main, search_fts, col)"
    )

    def lookup(terms: Iterable[str]) -> dict[str, int]:
        keys = list(terms)
        if not keys:
            return {}
        rows = conn.execute(
            "SELECT term, doc FROM temp.search_vocab WHERE col = 'stem' "
            f"AND term IN ({','.join('?' * len(keys))})",
            keys,
        )
        return dict(rows.fetchall())

    return lookup


def to_match(node: Node) -> str:
    """Compile the AST into one FTS5 MATCH expression."""
    if isinstance(node, Term):
        if node.fuzzy is not None:
            raise UnsupportedQuery(
                f"fuzzy search ('{node.text}~{node.fuzzy}') needs the Elasticsearch engine; "
                "the embedded engine supports prefixes instead (e.g. 'lead*')"
            )
        if node.prefix:
            return f'exact : "{node.text}" *'
        return f'stem : "{" ".join(stems(node.text))}"'
    if isinstance(node, Phrase):
        quoted = " ".join(f'"{w}"' for w in node.words)
        if node.slop is None:
            return f'exact : "{" ".join(node.words)}"'
        return f"exact : NEAR({quoted}, {node.slop})"
    if isinstance(node, Or):
        if node.min_match > 1:  # FTS5 has no minimum_should_match: any group of that size
            groups = itertools.combinations(node.children, node.min_match)
            return "(" + " OR ".join(to_match(And(g)) for g in groups) + ")"
        return "(" + " OR ".join(to_match(c) for c in node.children) + ")"
    if isinstance(node, And):
        positive = [to_match(c) for c in node.children if not isinstance(c, Not)]
        negative = [to_match(c.child) for c in node.children if isinstance(c, Not)]
        expr = "(" + " AND ".join(positive) + ")"
        return expr + (" NOT (" + " OR ".join(negative) + ")" if negative else "")
    raise QuerySyntaxError("NOT needs a term to match alongside it, e.g. 'a NOT b'", node.pos)
