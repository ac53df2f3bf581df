"""The embedded engine: SQLite FTS5, in the same database file as the app when
that is SQLite.

One contentless FTS5 table with two columns over the same passage text:
`exact` (folded words, for phrases, proximity and prefixes) and `stem` (the
Porter stems without stop words, written by search.analysis, for terms). That
gives Elasticsearch's "stemmed for ranking, exact for phrases" in one MATCH and
one BM25 score. The text and filter fields live in `search_passage`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

import anyio

from search.analysis import stems
from search.base import (
    FACET_FIELDS,
    FacetCount,
    Filters,
    PassageDoc,
    SearchHit,
    SearchRequest,
    SearchResult,
)
from search.cursor import decode_cursor, encode_cursor
from search.errors import QuerySyntaxError, SearchError, UnsupportedQuery
from search.highlight import highlight
from search.query import And, Node, Not, Or, Phrase, Term

SCHEMA_VERSION = "2"
FACET_SIZE = 50

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS search_passage (
    passage_id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, document_id INTEGER NOT NULL,
    version_id INTEGER NOT NULL,
    source_type TEXT, document_type TEXT, organisation TEXT, date TEXT, year TEXT,
    text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS search_passage_document ON search_passage (document_id);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    exact, stem, content='', tokenize='unicode61 remove_diacritics 2', prefix='2 3');
INSERT OR IGNORE INTO search_meta VALUES ('schema', '{SCHEMA_VERSION}');
"""


class SqliteFtsEngine:
    name = "sqlite"
    supports_fuzzy = False

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        # Used by one task at a time, but possibly from different worker threads.
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    async def ensure_ready(self) -> None:
        await anyio.to_thread.run_sync(self._ensure_ready)

    def _ensure_ready(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn:
            conn.executescript(_SCHEMA)
            (version,) = conn.execute("SELECT value FROM search_meta WHERE key='schema'").fetchone()
            if version != SCHEMA_VERSION:
                # The index is derived data: drop it; the backend rebuilds it from the database.
                conn.executescript("DROP TABLE search_fts; DROP TABLE search_passage;")
                conn.execute("DELETE FROM search_meta")
                conn.executescript(_SCHEMA)

    async def replace_documents(
        self, document_ids: Sequence[int], docs: Sequence[PassageDoc]
    ) -> None:
        await anyio.to_thread.run_sync(self._replace, list(document_ids), list(docs))

    def _replace(self, document_ids: list[int], docs: list[PassageDoc]) -> None:
        with closing(self._connect()) as conn, _transaction(conn):
            for document_id in document_ids:
                _delete_document(conn, document_id)
            _insert(conn, docs)

    async def rebuild(self, batches: AsyncIterator[Sequence[PassageDoc]]) -> int:
        conn = await anyio.to_thread.run_sync(self._connect)
        total = 0
        try:
            # One transaction: searches keep seeing the old index until the commit.
            await anyio.to_thread.run_sync(conn.execute, "BEGIN IMMEDIATE")
            await anyio.to_thread.run_sync(_clear, conn)
            async for batch in batches:
                await anyio.to_thread.run_sync(_insert, conn, list(batch))
                total += len(batch)
            await anyio.to_thread.run_sync(conn.execute, "COMMIT")
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()
        return total

    async def count(self) -> int:
        return await anyio.to_thread.run_sync(self._count)

    def _count(self) -> int:
        with closing(self._connect()) as conn:
            return conn.execute("SELECT count(*) FROM search_passage").fetchone()[0]

    async def search(self, request: SearchRequest) -> SearchResult:
        match = to_match(request.query)
        return await anyio.to_thread.run_sync(self._search, request, match)

    def _search(self, request: SearchRequest, match: str) -> SearchResult:
        where, params = _filter_sql(request.filters)
        with closing(self._connect()) as conn:
            conn.execute("CREATE TEMP TABLE hits (id INTEGER PRIMARY KEY, rank REAL NOT NULL)")
            try:
                conn.execute(
                    "INSERT INTO temp.hits SELECT f.rowid, bm25(search_fts) FROM search_fts f "
                    "JOIN search_passage p ON p.passage_id = f.rowid "
                    f"WHERE search_fts MATCH ?{where}",
                    [match, *params],
                )
            except sqlite3.OperationalError as exc:  # FTS5's own parser disagreed
                raise SearchError(f"the search index could not run this query: {exc}") from exc
            total = conn.execute("SELECT count(*) FROM temp.hits").fetchone()[0]
            rows = _page(conn, request)
            texts = _texts(conn, [r[0] for r in rows])
            facets = _facets(conn) if request.facets else {}
        hits = tuple(
            SearchHit(pid, -rank, highlight(texts.get(pid, ""), request.query))
            for pid, rank in rows
        )
        return SearchResult(total, hits, facets, _next_cursor(rows, request.limit))

    async def close(self) -> None:
        return None


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
        return "(" + " OR ".join(to_match(c) for c in node.children) + ")"
    if isinstance(node, And):
        positive = [to_match(c) for c in node.children if not isinstance(c, Not)]
        negative = [to_match(c.child) for c in node.children if isinstance(c, Not)]
        expr = "(" + " AND ".join(positive) + ")"
        return expr + (" NOT (" + " OR ".join(negative) + ")" if negative else "")
    raise QuerySyntaxError("NOT needs a term to match alongside it, e.g. 'a NOT b'", node.pos)


def _filter_sql(filters: Filters) -> tuple[str, list]:
    clauses: list[str] = []
    params: list = []
    for column, values in (
        ("project_id", filters.project_ids),
        ("source_type", filters.source_types),
        ("document_type", filters.document_types),
        ("organisation", filters.organisations),
        ("document_id", filters.document_ids),
    ):
        if values:
            clauses.append(f"p.{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    if filters.date_from:
        clauses.append("p.date >= ?")
        params.append(filters.date_from.isoformat())
    if filters.date_to:
        clauses.append("p.date <= ?")
        params.append(filters.date_to.isoformat())
    return "".join(f" AND {c}" for c in clauses), params


def _page(conn: sqlite3.Connection, request: SearchRequest) -> list[tuple[int, float]]:
    if request.cursor:
        rank, last_id = decode_cursor(request.cursor)
        return conn.execute(
            "SELECT id, rank FROM temp.hits WHERE rank > ? OR (rank = ? AND id > ?) "
            "ORDER BY rank, id LIMIT ?",
            (rank, rank, last_id, request.limit),
        ).fetchall()
    return conn.execute(
        "SELECT id, rank FROM temp.hits ORDER BY rank, id LIMIT ? OFFSET ?",
        (request.limit, request.offset),
    ).fetchall()


def _texts(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT passage_id, text FROM search_passage WHERE passage_id IN ({marks})", ids
    )
    return dict(rows.fetchall())


def _facets(conn: sqlite3.Connection) -> dict[str, tuple[FacetCount, ...]]:
    facets = {}
    for field in FACET_FIELDS:
        rows = conn.execute(
            f"SELECT p.{field}, count(*) AS n FROM temp.hits h "
            f"JOIN search_passage p ON p.passage_id = h.id WHERE p.{field} IS NOT NULL "
            "GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?",
            (FACET_SIZE,),
        ).fetchall()
        facets[field] = tuple(FacetCount(str(value), n) for value, n in rows)
    return facets


def _next_cursor(rows: list[tuple[int, float]], limit: int) -> str | None:
    if len(rows) < limit or not rows:
        return None
    pid, rank = rows[-1]
    return encode_cursor(rank, pid)


def _delete_document(conn: sqlite3.Connection, document_id: int) -> None:
    rows = conn.execute(
        "SELECT passage_id, text FROM search_passage WHERE document_id = ?", (document_id,)
    ).fetchall()
    # Contentless FTS5 deletes need the values that were indexed; they are derived
    # from the stored text by the same (versioned) analysis.
    conn.executemany(
        "INSERT INTO search_fts (search_fts, rowid, exact, stem) VALUES ('delete', ?, ?, ?)",
        ((pid, text, " ".join(stems(text))) for pid, text in rows),
    )
    conn.execute("DELETE FROM search_passage WHERE document_id = ?", (document_id,))


def _insert(conn: sqlite3.Connection, docs: Iterable[PassageDoc]) -> None:
    docs = list(docs)
    conn.executemany(
        "INSERT INTO search_passage VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            (
                d.passage_id,
                d.project_id,
                d.document_id,
                d.version_id,
                d.source_type,
                d.document_type,
                d.organisation,
                d.date.isoformat() if d.date else None,
                str(d.date.year) if d.date else None,
                d.text,
            )
            for d in docs
        ),
    )
    conn.executemany(
        "INSERT INTO search_fts (rowid, exact, stem) VALUES (?, ?, ?)",
        ((d.passage_id, d.text, " ".join(stems(d.text))) for d in docs),
    )


def _clear(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
    conn.execute("DELETE FROM search_passage")


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
