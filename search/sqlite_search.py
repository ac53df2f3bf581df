"""How the embedded engine reads a search: the filters as SQL, the ranking of the
matches cut by passage id across the cores, and the count and facets beside it, all
from one snapshot of the index (sqlite_fts.py compiles the query and owns the engine).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from typing import Any

from search.base import (
    FACET_FIELDS,
    FacetCount,
    Filters,
    SearchHit,
    SearchRequest,
    SearchResult,
    coded_mark,
)
from search.cursor import decode_cursor, encode_cursor
from search.errors import SearchError
from search.highlight import highlight

FACET_SIZE = 50
# Counts and facets of a search, read beside its ranking (see search); shared by all
# searches of the process.
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="fts-count")


def search(
    connect: Callable[[], sqlite3.Connection], request: SearchRequest, match: str
) -> SearchResult:
    """Rank, count and facet the matches of `match` (to_match's FTS5 expression)."""
    query = _Matches(request, match)
    if request.ranking_only:
        with closing(connect()) as conn:
            rows = _read_page(conn, query)
        ranked = tuple(SearchHit(pid, -rank, ()) for pid, rank in rows)
        return SearchResult(len(ranked), ranked, {}, _next_cursor(rows, request.limit))
    with closing(connect()) as conn, closing(connect()) as other:
        # Ranking the page and counting the matches (with facets) each walk every
        # match; on two connections they run on two cores at once (sqlite3 lets go of
        # the GIL while a statement runs). Measured at 1M passages: p95 384 -> 230 ms.
        # Cutting the ranking by passage id over more threads measured slower.
        counting = _POOL.submit(_read_counts, other, query)
        try:
            with _snapshot(conn):
                revision = _revision(conn)
                rows = _read_page(conn, query)
                found = texts(conn, [r[0] for r in rows])
                counted_revision, total, facets = counting.result()
                if counted_revision != revision:  # a write came between: count here
                    _, total, facets = _read_counts(conn, query)
        finally:
            # Never close `other` under its running statement; a count not yet started
            # is dropped (this search failed).
            if not counting.cancel():
                counting.exception()
    hits = tuple(
        SearchHit(pid, -rank, highlight(found.get(pid, ""), request.query)) for pid, rank in rows
    )
    return SearchResult(total, hits, facets, _next_cursor(rows, request.limit))


def filter_sql(filters: Filters) -> tuple[str, list]:
    clauses: list[str] = []
    params: list = []
    for column, values in filters.terms():
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


class _Matches:
    """One search's matches as SQL."""

    def __init__(self, request: SearchRequest, match: str) -> None:
        where, params = filter_sql(request.filters)
        self.sql = (
            "FROM search_fts f JOIN search_passage p ON p.passage_id = f.rowid "
            f"WHERE search_fts MATCH ?{where}"
        )
        self.args = [match, *params]
        self.request = request


def _read_page(conn: sqlite3.Connection, query: _Matches) -> list[tuple[int, float]]:
    """The page's hits, best first: after the cursor, or from the offset."""
    request = query.request
    select = f"SELECT f.rowid, bm25(search_fts) AS r {query.sql}"
    if request.cursor:
        rank, last_id = decode_cursor(request.cursor)
        return _matching(
            conn,
            f"{select} AND (r > ? OR (r = ? AND f.rowid > ?)) ORDER BY r, f.rowid LIMIT ?",
            [*query.args, rank, rank, last_id, request.limit],
        )
    return _matching(
        conn,
        f"{select} ORDER BY r, f.rowid LIMIT ? OFFSET ?",
        [*query.args, request.limit, request.offset],
    )


def _matching(conn: sqlite3.Connection, sql: str, args: list) -> list[Any]:
    """A statement with the query's MATCH. FTS5's own parser may refuse what ours let
    through (SQLITE_ERROR): that is the query's fault, a 400. A busy, full or failing
    database (SQLITE_BUSY, SQLITE_IOERR, ...) is not, and stays what it is."""
    try:
        return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", None) != "SQLITE_ERROR":
            raise
        raise SearchError(f"the search index could not run this query: {exc}") from exc


def texts(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT passage_id, text FROM search_text WHERE passage_id IN ({marks})", ids
    )
    return dict(rows.fetchall())


def _revision(conn: sqlite3.Connection) -> int:
    """Every write to the index raises it (sqlite_vectors.bump), so two connections
    that read the same value read the same snapshot."""
    row = conn.execute("SELECT value FROM search_meta WHERE key = 'vectors_rev'").fetchone()
    return int(row[0]) if row else 0


@contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """A read transaction, unless the connection is already in one."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        yield
    finally:
        if own:
            conn.execute("COMMIT")


def _read_counts(
    conn: sqlite3.Connection, query: _Matches
) -> tuple[int, int, dict[str, tuple[FacetCount, ...]]]:
    """(the index revision read, the number of matches, the facets), in one snapshot."""
    with _snapshot(conn):
        revision = _revision(conn)
        if not query.request.facets:
            count = _matching(conn, f"SELECT count(*) {query.sql}", query.args)[0][0]
            return revision, count, {}
        # One pass groups the matches by all facet fields at once; the few thousand
        # combinations are then summed per field here.
        fields = ", ".join(f"p.{field}" for field in FACET_FIELDS)
        grouped = f"SELECT {fields}, count(*) {query.sql} GROUP BY {fields}"
        groups = _matching(conn, grouped, query.args)
        total, facets = _facets(groups)
        return revision, total, facets


def _facets(groups: list[tuple]) -> tuple[int, dict[str, tuple[FacetCount, ...]]]:
    counts: list[Counter] = [Counter() for _ in FACET_FIELDS]
    total = 0
    for *values, n in groups:
        total += n
        for counter, value in zip(counts, values, strict=True):
            if value is not None:
                counter[value] += n
    facets = {
        field: tuple(
            FacetCount(str(value), n)
            for value, n in sorted(counter.items(), key=lambda item: (-item[1], item[0]))[
                :FACET_SIZE
            ]
        )
        for field, counter in zip(FACET_FIELDS, counts, strict=True)
    }
    return total, facets


def _next_cursor(rows: list[tuple[int, float]], limit: int) -> str | None:
    if len(rows) < limit or not rows:
        return None
    pid, rank = rows[-1]
    return encode_cursor(rank, pid)
