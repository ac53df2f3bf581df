"""What-ifs for SqliteFtsEngine's two expensive steps (no product code is changed).

    .venv/bin/python benchmarks/search_what_if.py [--db PATH | --passages N] [--repeat 3]

Every variant is written out here (none calls the engine's private SQL), so the
numbers stay comparable while search/sqlite_fts.py changes.

1. The join order SQLite picks for a facet query joined back to search_passage.
2. Filling temp.hits plus the five facet GROUP BYs, four ways:
   join-back     facets join temp.hits back to search_passage (the engine before 25ff95e)
   cross-join    the same with CROSS JOIN, so SQLite drives the join from the hits
   copied        the INSERT copies the facet fields into temp.hits (the engine at 25ff95e)
   copied+narrow as `copied`, joining a narrow metadata table without `text`
3. The hits step (match, filter join, bm25, count, page; facets off), three ways:
   current       INSERT ... JOIN search_passage, count, ORDER BY ... LIMIT/OFFSET
   join-if-filt  the JOIN only when a filter needs it (the API always sends project_ids)
   narrow        the JOIN goes to a narrow metadata table without `text`
The narrow table is a temp copy of search_passage without `text`, built once here.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from search_bench import QUERIES, Query, open_corpus, scoped

from search.base import FACET_FIELDS, SearchRequest
from search.query import prepare
from search.sqlite_fts import SqliteFtsEngine, to_match
from search.sqlite_search import FACET_SIZE
from search.sqlite_search import filter_sql as _filter_sql

HERE = Path(__file__).resolve().parent
META = "passage_id, project_id, document_id, source_type, document_type, organisation, date, year"


def fill_hits(conn, q: Query, *, copy: bool = False, join: bool = True, table: str = "") -> None:
    where, params = _filter_sql(q.filters)
    conn.execute("DROP TABLE IF EXISTS temp.hits")
    extra = "".join(f", {c}" for c in FACET_FIELDS) if copy else ""
    conn.execute(f"CREATE TEMP TABLE hits (id INTEGER PRIMARY KEY, rank REAL NOT NULL{extra})")
    pcols = "".join(f", p.{c}" for c in FACET_FIELDS) if copy else ""
    joined = f" JOIN {table or 'search_passage'} p ON p.passage_id = f.rowid"
    conn.execute(
        f"INSERT INTO temp.hits SELECT f.rowid, bm25(search_fts){pcols} FROM search_fts f"
        f"{joined if join or where else ''} WHERE search_fts MATCH ?{where}",
        [to_match(prepare(q.text)), *params],
    )


def build_narrow(conn) -> float:
    t0 = time.perf_counter()
    conn.execute("DROP TABLE IF EXISTS temp.meta")
    conn.execute(
        "CREATE TEMP TABLE meta (passage_id INTEGER PRIMARY KEY, project_id INTEGER, "
        "document_id INTEGER, source_type TEXT, document_type TEXT, organisation TEXT, "
        "date TEXT, year TEXT)"
    )
    conn.execute(f"INSERT INTO temp.meta SELECT {META} FROM search_passage ORDER BY passage_id")
    return time.perf_counter() - t0


def facet_sql(field: str, join: str) -> str:
    return (
        f"SELECT p.{field}, count(*) AS n FROM temp.hits h {join} search_passage p "
        f"ON p.passage_id = h.id WHERE p.{field} IS NOT NULL "
        "GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?"
    )


def facets_joined(conn, join: str) -> None:
    for field in FACET_FIELDS:
        conn.execute(facet_sql(field, join), (FACET_SIZE,)).fetchall()


def facets_copied(conn) -> None:
    for field in FACET_FIELDS:
        conn.execute(
            f"SELECT {field}, count(*) AS n FROM temp.hits WHERE {field} IS NOT NULL "
            "GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?",
            (FACET_SIZE,),
        ).fetchall()


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def facet_ms(conn, q: Query, variant: str) -> float:
    """Filling temp.hits plus the five facet queries."""
    if variant in ("join-back", "cross-join"):
        join = "JOIN" if variant == "join-back" else "CROSS JOIN"
        return timed(lambda: (fill_hits(conn, q), facets_joined(conn, join)))
    table = "temp.meta" if variant == "copied+narrow" else ""
    return timed(lambda: (fill_hits(conn, q, copy=True, table=table), facets_copied(conn)))


def hits_ms(conn, q: Query, variant: str) -> float:
    request = SearchRequest(prepare(q.text), q.filters, offset=q.offset, facets=False)
    join, table = variant != "join-if-filt", "temp.meta" if variant == "narrow" else ""

    def step() -> None:
        fill_hits(conn, q, join=join, table=table)
        conn.execute("SELECT count(*) FROM temp.hits").fetchone()
        conn.execute(
            "SELECT id, rank FROM temp.hits ORDER BY rank, id LIMIT ? OFFSET ?",
            (request.limit, request.offset),
        ).fetchall()

    return timed(step)


def median_of(repeat: int, fn: Callable[[], float]) -> float:
    fn()  # warm-up
    return statistics.median(fn() for _ in range(repeat))


def show_plans(conn, q: Query) -> None:
    fill_hits(conn, q)
    print(f"facet SQL plans with temp.hits holding the hits of {q.text!r}:")
    for field in ("source_type", "document_id"):
        for join in ("JOIN", "CROSS JOIN"):
            rows = conn.execute("EXPLAIN QUERY PLAN " + facet_sql(field, join), (FACET_SIZE,))
            print(f"  {field:<11} {join:<10}: " + " | ".join(r[-1] for r in rows.fetchall()))


def table(conn, queries, title: str, variants: tuple[str, ...], fn, repeat: int) -> None:
    print(f"\n{title}, median of {repeat} runs after 1 warm-up (ms):")
    print(f"{'query':<44}{'hits':>9}" + "".join(f"{v:>15}" for v in variants))
    for q in queries:
        fill_hits(conn, q)
        hits = conn.execute("SELECT count(*) FROM temp.hits").fetchone()[0]
        times = [median_of(repeat, lambda q=q, v=v: fn(conn, q, v)) for v in variants]
        label = q.text + (f" [{q.note}]" if q.note else "")
        print(f"{label[:43]:<44}{hits:>9,}" + "".join(f"{t:15.1f}" for t in times), flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--passages", type=int, default=1_000_000, help="picks the default --db")
    p.add_argument("--db", type=Path)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--unscoped", action="store_true", help="no project filter (the API has one)")
    a = p.parse_args()
    db = a.db or HERE / "out" / f"search_{a.passages}.db"
    open_corpus(db)
    queries = scoped(QUERIES, a.unscoped)
    print(f"project filter on every query: {queries[0].filters.project_ids or 'no'}")
    with closing(SqliteFtsEngine(db)._connect()) as conn:
        print(f"narrow metadata table (temp copy without text) built in {build_narrow(conn):.1f}s")
        show_plans(conn, queries[0])
        facets = ("join-back", "cross-join", "copied", "copied+narrow")
        table(conn, queries, "temp.hits fill + facets", facets, facet_ms, a.repeat)
        hits = ("current", "join-if-filt", "narrow")
        table(conn, queries, "hits step (facets off)", hits, hits_ms, a.repeat)


if __name__ == "__main__":
    main()
