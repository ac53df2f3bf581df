"""Search latency of SqliteFtsEngine (or TantivyEngine) on a corpus made by make_corpus.py.

    .venv/bin/python benchmarks/search_bench.py [--db PATH | --passages N] [--repeat 5]
        [--engine sqlite|tantivy] [--check OTHER_DB]

Each query: 1 warm-up, then --repeat timed runs of `engine.search` with facets on (as
the API asks), the same with facets off, and (embedded engine) the bare FTS5
`count(*) ... MATCH` to show how much of the time is the full-text match itself. SQL
row loading done by the API after the engine answers is not included.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import os
import sqlite3
import statistics
import subprocess
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from make_corpus import ORGANISATIONS, PROJECT_ID, default_db

from search import sqlite_fts
from search.base import Filters, SearchEngine, SearchRequest
from search.factory import make_engine
from search.query import prepare
from search.sqlite_fts import to_match

HERE = Path(__file__).resolve().parent
SLOW_MS = 150.0


@dataclass(frozen=True)
class Query:
    text: str
    filters: Filters = field(default_factory=Filters)
    offset: int = 0
    note: str = ""


QUERIES = [
    Query("leadership"),
    Query('"integrated care"'),
    Query("system leader*"),
    Query("(board OR committee) governance"),
    Query('"clinical commissioning"~5'),
    Query("partnership -finance"),
    Query("population health inequalities"),
    Query("accountab*"),
    Query("trust AND collaboration"),
    Query("leadership", Filters(source_types=("interview",)), note="source_type=interview"),
    Query(
        "governance",
        Filters(date_from=dt.date(2021, 1, 1), date_to=dt.date(2021, 12, 31)),
        note="date 2021",
    ),
    Query("leadership", offset=1000, note="offset=1000"),
    Query('"chief executive"'),
    Query("patient safety"),
    Query("funding request*"),
    Query("(primary OR secondary OR community) care"),
    Query("integrat* AND workforce"),
    Query('"health and wellbeing board"'),
    Query("culture OR values OR behaviours"),
    Query("decision making", Filters(organisations=(ORGANISATIONS[3],)), note="1 organisation"),
]


@dataclass
class Result:
    query: Query
    hits: int = 0
    on: list[float] = field(default_factory=list)  # ms, facets on
    off: list[float] = field(default_factory=list)  # ms, facets off
    match: list[float] = field(default_factory=list)  # ms, bare FTS5 count(*)
    matched: int = 0  # FTS5 matches before filters


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (with 5 samples p95 is the slowest run)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


async def time_search(engine: SearchEngine, q: Query, facets: bool, repeat: int):
    request = SearchRequest(prepare(q.text), q.filters, offset=q.offset, facets=facets)
    result = await engine.search(request)  # warm-up
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = await engine.search(request)
        samples.append((time.perf_counter() - t0) * 1000)
    return result.total, samples


def time_match(db: Path, q: Query, repeat: int) -> tuple[int, list[float]]:
    match = to_match(prepare(q.text))
    with closing(sqlite3.connect(db)) as conn:
        sql = "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?"
        (matched,) = conn.execute(sql, (match,)).fetchone()
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            conn.execute(sql, (match,)).fetchone()
            samples.append((time.perf_counter() - t0) * 1000)
    return matched, samples


def scoped(queries: list[Query], unscoped: bool) -> list[Query]:
    """The API and the CLI always filter by the caller's project (where engines know projects)."""
    if unscoped or "project_ids" not in {f.name for f in fields(Filters)}:
        return queries
    return [replace(q, filters=replace(q.filters, project_ids=(PROJECT_ID,))) for q in queries]


def schema(db: Path) -> str:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT value FROM search_meta WHERE key='schema'").fetchone()[0]


def code_schema(kind: str) -> str:
    """The index schema the current code writes (asked of a throw-away engine)."""
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(make_engine(kind, sqlite_path=Path(tmp) / "probe.db").ensure_ready())
        return schema(Path(tmp) / "probe.db")


def open_corpus(db: Path, kind: str = "sqlite") -> int:
    """Passages in `db`; refuses a database of another schema (ensure_ready would drop it)."""
    if not db.exists():
        raise SystemExit(f"{db} is missing: run make_corpus.py first")
    if (found := schema(db)) != (wanted := code_schema(kind)):
        raise SystemExit(f"{db} has index schema {found}, the code writes {wanted}: rebuild it")
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT count(*) FROM search_passage").fetchone()[0]


def git(*args: str) -> str:
    # From the repository's root, so paths such as "search" name its folder.
    return subprocess.run(
        ["git", *args], cwd=HERE.parent, capture_output=True, text=True
    ).stdout.strip()


async def differs(engine: SearchEngine, other: SearchEngine | None, q: Query) -> str:
    """What `other` (the same passages in the other engine) answers differently."""
    if other is None:
        return ""
    request = SearchRequest(prepare(q.text), q.filters, offset=q.offset)
    ours, theirs = await engine.search(request), await other.search(request)
    if ours.total != theirs.total:
        return f"total {ours.total:,}, the other engine's {theirs.total:,}"
    return "" if ours.facets == theirs.facets else "facet counts differ"


async def run(
    db: Path, kind: str, queries: list[Query], repeat: int, check: Path | None
) -> list[Result]:
    engine = make_engine(kind, sqlite_path=db)
    await engine.ensure_ready()  # the schema was checked: this opens the index, drops nothing
    # Read only: ensure_ready is not called on it, so it drops nothing either.
    other = (
        make_engine("tantivy" if kind == "sqlite" else "sqlite", sqlite_path=check)
        if check
        else None
    )
    results = []
    for q in queries:
        r = Result(q)
        if other is not None and (why := await differs(engine, other, q)):
            print(f"  DIFFERS {q.text!r} {q.note}: {why}", flush=True)
        r.hits, r.on = await time_search(engine, q, True, repeat)
        _, r.off = await time_search(engine, q, False, repeat)
        if kind == "sqlite":  # the tantivy engine's store has no FTS5 index to time
            r.matched, r.match = time_match(db, q, repeat)
        results.append(r)
        print(f"  done {q.text!r} {q.note}", flush=True)
    return results


def reason(r: Result, n: int) -> str:
    on, off = statistics.median(r.on), statistics.median(r.off)
    parts = [f"{r.hits:,} hits ({r.hits / n:.1%} of passages)"]
    if not r.match:
        parts.append(f"facets add {max(on - off, 0):.0f} ms")
        return "; ".join(parts)
    match = statistics.median(r.match)
    if r.matched != r.hits:
        parts.append(f"{r.matched:,} FTS5 matches before the filter, each joined to search_passage")
    parts.append(f"bare FTS5 match {match:.0f} ms")
    parts.append(f"ranking and counting, beyond the match, {max(off - match, 0):.0f} ms")
    parts.append(f"facets add {max(on - off, 0):.0f} ms")
    return "; ".join(parts)


def report(results: list[Result], n: int) -> None:
    print(
        f"\n{'query':<46}{'hits':>10}  {'facets on p50/p95':>18}  {'off p50/p95':>14}  "
        f"{'FTS p50':>8}"
    )
    slow = []
    for r in results:
        label = r.query.text + (f" [{r.query.note}]" if r.query.note else "")
        on50, off50 = pct(r.on, 50), pct(r.off, 50)
        flag = "  PATHOLOGICAL" if on50 > SLOW_MS else ""
        flag += " (also facets off)" if off50 > SLOW_MS else ""
        print(
            f"{label[:45]:<46}{r.hits:>10,}  {on50:8.1f}/{pct(r.on, 95):8.1f}  "
            f"{off50:6.1f}/{pct(r.off, 95):6.1f}  "
            f"{pct(r.match, 50) if r.match else float('nan'):8.1f}{flag}"
        )
        if flag:
            slow.append(f"  {label}: {on50:.0f} ms p50 — {reason(r, n)}")
    for name, attr in (("facets on", "on"), ("facets off", "off"), ("bare FTS5", "match")):
        every = [ms for r in results for ms in getattr(r, attr)]
        if not every:
            continue
        print(
            f"overall {name:<11} p50 {pct(every, 50):7.1f} ms   p95 {pct(every, 95):7.1f} ms   "
            f"({len(every)} samples)"
        )
    print(f"\n{len(slow)} of {len(results)} queries over {SLOW_MS:.0f} ms (p50, facets on):")
    print("\n".join(slow) if slow else "  none")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--passages", type=int, default=1_000_000, help="picks the default --db")
    p.add_argument("--db", type=Path)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--unscoped", action="store_true", help="no project filter (the API has one)")
    p.add_argument("--engine", choices=["sqlite", "tantivy"], default="sqlite")
    p.add_argument(
        "--check",
        type=Path,
        help="the same corpus built for the other engine: each query's total and facets compared",
    )
    a = p.parse_args()
    db = a.db or default_db(a.passages, a.engine)
    n, queries = open_corpus(db, a.engine), scoped(QUERIES, a.unscoped)
    print(f"database {db} ({db.stat().st_size / 2**30:.2f} GiB, {n:,} passages)")
    # Changed and new files alike (`git diff` would miss a new module).
    status = git("status", "--porcelain", "--", "search").splitlines()
    changed = " ".join(line[3:] for line in status) or "none"
    print(f"code: HEAD {git('rev-parse', '--short', 'HEAD')}, uncommitted in search/: {changed}")
    print(f"{a.engine} engine imported from {Path(sqlite_fts.__file__).parent}")
    print(f"index schema {schema(db)}")
    print(f"project filter on every query (as the API): {queries[0].filters.project_ids or 'no'}")
    print(f"cpus {os.cpu_count()}, load average before {os.getloadavg()}, repeat {a.repeat}")
    results = asyncio.run(run(db, a.engine, queries, a.repeat, a.check))
    report(results, n)
    print(f"\nload average after {os.getloadavg()}")


if __name__ == "__main__":
    main()
