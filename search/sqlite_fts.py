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

from search import sqlite_store as store
from search import sqlite_vectors
from search.analysis import stems
from search.base import (
    FACET_FIELDS,
    FacetCount,
    Filters,
    NearestRequest,
    PassageDoc,
    SearchHit,
    SearchRequest,
    SearchResult,
    SimilarRequest,
    coded_mark,
)
from search.cursor import decode_cursor, encode_cursor
from search.errors import QuerySyntaxError, SearchError, UnsupportedQuery
from search.highlight import highlight
from search.query import And, Node, Not, Or, Phrase, Term
from search.similar import candidate_stems, salient

FACET_SIZE = 50


class SqliteFtsEngine:
    name = "sqlite"
    supports_fuzzy = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vectors = sqlite_vectors.VectorCache()

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
            return store.ensure_schema(conn)

    async def replace_documents(
        self, document_ids: Sequence[int], docs: Sequence[PassageDoc], seq: int = 0
    ) -> None:
        await anyio.to_thread.run_sync(self._replace, list(document_ids), list(docs), seq)

    def _replace(self, document_ids: list[int], docs: list[PassageDoc], seq: int) -> None:
        with closing(self._connect()) as conn:
            store.replace(conn, document_ids, docs, seq)

    async def update_passages(self, docs: Sequence[PassageDoc], seq: int = 0) -> None:
        await anyio.to_thread.run_sync(self._update, list(docs), seq)

    def _update(self, docs: list[PassageDoc], seq: int) -> None:
        with closing(self._connect()) as conn:
            store.update(conn, docs, seq)

    async def rebuild(self, batches: AsyncIterator[Sequence[PassageDoc]], seq: int = 0) -> int:
        conn = await anyio.to_thread.run_sync(self._connect)
        total = 0
        try:
            await anyio.to_thread.run_sync(store.start_shadow, conn)
            async for batch in batches:
                await anyio.to_thread.run_sync(store.fill_shadow, conn, list(batch), seq)
                total += len(batch)
            await anyio.to_thread.run_sync(store.swap_shadow, conn)
        except BaseException:
            await anyio.to_thread.run_sync(store.drop_shadow, conn)
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
            # The facet fields are copied with the hits: grouping a small temp table
            # is ~40x faster than joining it back to a million passages.
            conn.execute(
                "CREATE TEMP TABLE hits (id INTEGER PRIMARY KEY, rank REAL NOT NULL, "
                + ", ".join(FACET_FIELDS)
                + ")"
            )
            try:
                conn.execute(
                    "INSERT INTO temp.hits SELECT f.rowid, bm25(search_fts), "
                    + ", ".join(f"p.{field}" for field in FACET_FIELDS)
                    + " FROM search_fts f JOIN search_passage p ON p.passage_id = f.rowid "
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

    async def similar(self, request: SimilarRequest) -> tuple[SearchHit, ...]:
        return await anyio.to_thread.run_sync(self._similar, request)

    def _similar(self, request: SimilarRequest) -> tuple[SearchHit, ...]:
        where, params = _filter_sql(request.filters)
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
            texts = _texts(conn, [r[0] for r in rows])
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
        where, params = _filter_sql(dataclasses.replace(filters, project_ids=()))
        with closing(self._connect()) as conn:
            conn.execute("BEGIN")  # one snapshot for the matrices and the allowed ids
            projects = filters.project_ids or [
                r[0] for r in conn.execute("SELECT DISTINCT project_id FROM search_passage")
            ]
            matrices = [self.vectors.matrix(conn, request.model, p, len(query)) for p in projects]
            allowed = None
            if where:
                where, params = _filter_sql(filters)
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


def _filter_sql(filters: Filters) -> tuple[str, list]:
    clauses: list[str] = []
    params: list = []
    for column, values in (
        ("project_id", filters.project_ids),
        ("source_type", filters.source_types),
        ("document_type", filters.document_types),
        ("organisation", filters.organisations),
        ("document_id", filters.document_ids),
        ("speaker_role", filters.speaker_roles),
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
    for clause, clause_params in _annotation_sql(filters):
        clauses.append(clause)
        params.extend(clause_params)
    return "".join(f" AND {c}" for c in clauses), params


def _tagged(kind: str, values: Sequence[int]) -> tuple[str, list]:
    if not values:
        return "0", []
    marks = ",".join("?" * len(values))
    sql = (
        f"p.passage_id IN (SELECT passage_id FROM search_tag WHERE kind = ? AND value IN ({marks}))"
    )
    return sql, [kind, *values]


def _annotation_sql(filters: Filters) -> list[tuple[str, list]]:
    """Code, coder and annotated filters; on `own_codings` documents they look at one
    coder's marks ('m' tags) instead of everyone's codes ('c') and coders ('u')."""
    own = filters.own_codings
    me = own.coder_id if own else 0
    pairs: list[tuple[tuple[str, list], tuple[str, list]]] = []
    if filters.code_ids:
        everyone = _tagged("c", filters.code_ids)
        pairs.append((everyone, _tagged("m", [coded_mark(me, c) for c in filters.code_ids])))
    if filters.coder_ids:
        mine = [coded_mark(me)] if me in filters.coder_ids else []
        pairs.append((_tagged("u", filters.coder_ids), _tagged("m", mine)))
    if filters.annotated is not None:
        anyone = "EXISTS (SELECT 1 FROM search_tag t WHERE t.passage_id = p.passage_id)"
        mine_sql, mine_params = _tagged("m", [coded_mark(me)])
        negate = "" if filters.annotated else "NOT "
        pairs.append(((negate + anyone, []), (f"{negate}({mine_sql})", mine_params)))
    if own is None or not own.document_ids:
        return [everyone for everyone, _ in pairs]
    docs = ",".join("?" * len(own.document_ids))
    out = []
    for (open_sql, open_params), (own_sql, own_params) in pairs:
        sql = (
            f"((p.document_id NOT IN ({docs}) AND {open_sql}) "
            f"OR (p.document_id IN ({docs}) AND {own_sql}))"
        )
        out.append((sql, [*own.document_ids, *open_params, *own.document_ids, *own_params]))
    return out


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
        f"SELECT passage_id, text FROM search_text WHERE passage_id IN ({marks})", ids
    )
    return dict(rows.fetchall())


def _facets(conn: sqlite3.Connection) -> dict[str, tuple[FacetCount, ...]]:
    facets = {}
    for field in FACET_FIELDS:
        rows = conn.execute(
            f"SELECT {field}, count(*) AS n FROM temp.hits WHERE {field} IS NOT NULL "
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
