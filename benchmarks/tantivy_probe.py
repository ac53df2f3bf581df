"""Throw-away probe (issue 18): would tantivy meet p50 <= 40 ms / p95 <= 150 ms at 1M passages?

tantivy is NOT a project dependency. Install it aside and run with it on the path:

    .venv/bin/pip install --target /tmp/tvlib tantivy==0.27.0
    PYTHONPATH=/tmp/tvlib:$PWD nice -n 10 .venv/bin/python benchmarks/tantivy_probe.py build
    PYTHONPATH=/tmp/tvlib:$PWD nice -n 10 .venv/bin/python benchmarks/tantivy_probe.py bench
    PYTHONPATH=/tmp/tvlib:$PWD nice -n 10 .venv/bin/python benchmarks/tantivy_probe.py update

`build` reads the search_1000000.db made by make_corpus.py (opened read only) and writes a
tantivy index outside the repository: the text fields are exactly the `exact` and `stem`
strings FTS5 indexes (search.sqlite_store.fts_columns), split at spaces, with positions, so
both engines see the same terms. `bench` runs search_bench.py's QUERIES (project filter on
each, as the API) as top 20 by BM25 + exact count + 5 terms aggregations (top 50), facets on
and off, 1 warm-up + --repeat runs, wall and CPU time; then checks totals, facets and the
overlap of the top 20 against SqliteFtsEngine's reader on a read-only connection. `update`
times a one-passage replace (delete by term + add + commit + reload), a second writer, and how
soon a reader in another process sees a commit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import tantivy
from search_bench import QUERIES, Query, pct

from search import sqlite_search
from search.base import FACET_FIELDS, SearchRequest
from search.query import And, Node, Not, Or, Phrase, Term, prepare
from search.sqlite_fts import to_match
from search.sqlite_store import fts_columns

HERE = Path(__file__).resolve().parent
DB = HERE.parent.parent.parent / "main" / "benchmarks" / "out" / "search_1000000.db"
INDEX = Path("/tmp/tantivy_1m")
TEXT_TOKENIZER = "whitespace"  # tantivy's own: splits at spaces, nothing else
FACET_SIZE = 50
Writer = tantivy.IndexWriter


def schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_unsigned_field("passage_id", stored=True, indexed=True, fast=True)
    b.add_unsigned_field("project_id", indexed=True, fast=True)
    b.add_unsigned_field("document_id", indexed=True, fast=True)
    for name in ("source_type", "document_type", "organisation", "year"):
        b.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    b.add_date_field("date", indexed=True, fast=True)
    for name in ("exact", "stem"):
        b.add_text_field(name, tokenizer_name=TEXT_TOKENIZER, index_option="position")
    return b.build()


def load() -> str:
    return f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"


def cpu() -> float:
    """CPU seconds of this process, all threads (tantivy's too)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rss() -> str:
    status = Path("/proc/self/status").read_text()
    keys = ("VmRSS", "RssAnon", "RssFile", "VmHWM")
    found = dict(x.split(":", 1) for x in status.splitlines())
    found = {k: v.split()[0] for k, v in found.items() if k in keys}
    return ", ".join(f"{k} {int(found[k]) / 1024:.0f} MiB" for k in keys)


def rows(db: Path, limit: int, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    cur = conn.execute(
        "SELECT p.passage_id, p.project_id, p.document_id, p.source_type, p.document_type, "
        "p.organisation, p.year, p.date, t.text FROM search_passage p "
        "JOIN search_text t ON t.passage_id = p.passage_id ORDER BY p.passage_id LIMIT ?",
        (limit,),
    )
    while chunk := cur.fetchmany(batch):
        yield chunk
    conn.close()


def document(row: tuple[Any, ...]) -> tantivy.Document:
    pid, project, doc_id, source, doc_type, org, year, date, text = row
    exact, stem = fts_columns(text)
    d = tantivy.Document()
    d.add_unsigned("passage_id", pid)
    d.add_unsigned("project_id", project)
    d.add_unsigned("document_id", doc_id)
    for name, value in (
        ("source_type", source),
        ("document_type", doc_type),
        ("organisation", org),
        ("year", year),
    ):
        if value is not None:
            d.add_text(name, value)
    if date:
        d.add_date("date", dt.datetime.fromisoformat(date).replace(tzinfo=dt.UTC))
    d.add_text("exact", exact)
    d.add_text("stem", stem)
    return d


def build(a: argparse.Namespace) -> None:
    if a.index.exists():
        shutil.rmtree(a.index)
    a.index.mkdir(parents=True)
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC build {a.passages:,} -> {a.index}")
    print(f"before: {load()}; writer threads {a.threads}, heap {a.heap_mb} MB")
    index = tantivy.Index(schema(), path=str(a.index))
    writer = index.writer(heap_size=a.heap_mb * 1_000_000, num_threads=a.threads)
    t0, c0, done = time.perf_counter(), cpu(), 0
    for chunk in rows(a.db, a.passages, 10_000):
        for row in chunk:
            writer.add_document(document(row))
        done += len(chunk)
        if done % a.commit_every == 0:
            writer.commit()
        if done % 100_000 == 0:
            print(f"  {done:,} at {time.perf_counter() - t0:.0f} s, {load()}", flush=True)
    writer.commit()
    t_commit = time.perf_counter() - t0
    writer.wait_merging_threads()
    wall, used = time.perf_counter() - t0, cpu() - c0
    size = sum(f.stat().st_size for f in a.index.rglob("*") if f.is_file())
    index.reload()
    print(f"added + committed {t_commit:.1f} s; after merges: wall {wall:.1f} s, CPU {used:.1f} s")
    print(f"{done / wall:,.0f} passages/s wall, {done / used:,.0f} per CPU second")
    print(f"index {size / 2**30:.2f} GiB on disk, {index.searcher().num_segments} segments")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"after: {load()}")


# --- queries ------------------------------------------------------------------------


@dataclass
class Compiler:
    """The AST as tantivy Query objects; `notes` says where that is not FTS5's meaning."""

    schema: tantivy.Schema
    searcher: tantivy.Searcher
    prefix: str  # "expand": OR of the terms, scored; "regex": regex_query, constant score
    near: str  # "any": OR over the word orders (FTS5's NEAR); "ordered": one phrase
    notes: list[str] = field(default_factory=list)

    def node(self, n: Node) -> tantivy.Query:
        if isinstance(n, Term):
            return self.term(n)
        if isinstance(n, Phrase):
            return self.phrase(n)
        if isinstance(n, Or):
            subs = [(tantivy.Occur.Should, self.node(c)) for c in n.children]
            return tantivy.Query.boolean_query(subs, n.min_match if n.min_match > 1 else None)
        if isinstance(n, And):
            return tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.MustNot, self.node(c.child))
                    if isinstance(c, Not)
                    else (tantivy.Occur.Must, self.node(c))
                    for c in n.children
                ]
            )
        raise ValueError(f"cannot compile {n!r}")

    def term(self, n: Term) -> tantivy.Query:
        if n.prefix:
            return self.prefixed(n.text)
        keys = fts_columns(n.text)[1].split()
        if len(keys) == 1:
            return tantivy.Query.term_query(self.schema, "stem", keys[0])
        return tantivy.Query.phrase_query(self.schema, "stem", words(keys))  # FTS5's "a b"

    def prefixed(self, text: str) -> tantivy.Query:
        if self.prefix == "regex":
            self.notes.append(f"{text}*: regex_query, every match scores the same")
            return tantivy.Query.regex_query(self.schema, "exact", re.escape(text) + ".*")
        found = self.searcher.terms_with_prefix("exact", text)
        self.notes.append(f"{text}*: OR of its {len(found)} terms, each scored by BM25")
        if not found:
            return tantivy.Query.empty_query()
        subs = [(tantivy.Occur.Should, self.exact(t)) for t, _ in found]
        return tantivy.Query.boolean_query(subs)

    def exact(self, word: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, "exact", word)

    def phrase(self, n: Phrase) -> tantivy.Query:
        if len(n.words) == 1:
            return self.exact(n.words[0])
        if n.slop is None:
            return tantivy.Query.phrase_query(self.schema, "exact", words(n.words))
        if self.near == "ordered":
            self.notes.append(f"~{n.slop}: one phrase with slop, in order only")
            return tantivy.Query.phrase_query(self.schema, "exact", words(n.words), n.slop)
        # FTS5's NEAR takes the words in any order; tantivy's slop keeps their order: an
        # OR over the orders (n! phrases, fine for the 2-4 words people write).
        orders = list(dict.fromkeys(itertools.permutations(n.words)))
        self.notes.append(f"~{n.slop}: OR of {len(orders)} ordered phrases with slop")
        subs = [
            (
                tantivy.Occur.Should,
                tantivy.Query.phrase_query(self.schema, "exact", words(o), n.slop),
            )
            for o in orders
        ]
        return tantivy.Query.boolean_query(subs)

    def filters(self, q: Query) -> list[tantivy.Query]:
        """Filters score 0 (FTS5's bm25 ranks by the text alone)."""
        f, out = q.filters, []
        for name, values in (
            ("project_id", f.project_ids),
            ("source_type", f.source_types),
            ("document_type", f.document_types),
            ("organisation", f.organisations),
            ("document_id", f.document_ids),
        ):
            if values:
                out.append(tantivy.Query.term_set_query(self.schema, name, list(values)))
        if f.date_from or f.date_to:
            out.append(
                tantivy.Query.range_query(
                    self.schema, "date", tantivy.FieldType.Date, day(f.date_from), day(f.date_to)
                )
            )
        return [tantivy.Query.const_score_query(x, 0.0) for x in out]

    def query(self, q: Query) -> tantivy.Query:
        subs = [(tantivy.Occur.Must, self.node(prepare(q.text)))]
        subs += [(tantivy.Occur.Must, x) for x in self.filters(q)]
        return tantivy.Query.boolean_query(subs)


def words(ws: Iterable[str]) -> list[str | tuple[int, str]]:
    return list(ws)


def count(res: tantivy.SearchResult) -> int:
    """The exact count asked with count=True (tantivy-py 0.27's stub lacks `count`)."""
    return int(res.count or 0)  # type: ignore[attr-defined]


def day(d: dt.date | None) -> dt.datetime | None:
    return None if d is None else dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)


AGGS = {f: {"terms": {"field": f, "size": FACET_SIZE}} for f in FACET_FIELDS}


@dataclass
class Answer:
    total: int
    ids: list[int]
    facets: dict[str, dict[str, int]]
    ties: int = 0  # hits of the page whose score another hit of the page has too


def run_query(
    index: tantivy.Index, c: Compiler, q: Query, facets: bool, pool: ThreadPoolExecutor | None
) -> Answer:
    """Compile + top 20 + exact count (+ facets, on a second thread when `pool`)."""
    searcher = index.searcher()
    c.searcher = searcher
    query = c.query(q)
    agg = None
    if facets and pool is not None:
        agg = pool.submit(searcher.aggregate, query, AGGS)
    res = searcher.search(query, limit=20, offset=q.offset, count=True)
    ids = searcher.fast_field_values("passage_id", [addr for _, addr in res.hits])
    # Top-k ties fall by doc address, not passage_id; re-sorting the page puts ties in
    # passage_id order within it, but cannot pull in a tie from just past the page.
    page = sorted(
        zip([s for s, _ in res.hits], [int(i or 0) for i in ids], strict=True),
        key=lambda x: (-x[0], x[1]),
    )
    found: dict[str, Any] = {}
    if facets:
        found = agg.result() if agg is not None else searcher.aggregate(query, AGGS)
    out = {name: {str(b["key"]): b["doc_count"] for b in found[name]["buckets"]} for name in found}
    ties = len(page) - len({round(x[0], 6) for x in page})
    return Answer(count(res), [i for _, i in page], out, ties)


def fts5(q: Query) -> Answer:
    """The product's reader, on a read-only connection to the same corpus."""

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(f"file:{DB}?mode=ro", uri=True, check_same_thread=False)

    node = prepare(q.text)
    request = SearchRequest(node, q.filters, offset=q.offset, facets=True)
    r = sqlite_search.search(connect, request, to_match(node))
    facets = {k: {x.value: x.count for x in v} for k, v in r.facets.items()}
    return Answer(r.total, [h.passage_id for h in r.hits], facets)


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def timed(fn: Callable[[], Answer], repeat: int) -> tuple[Answer, Timing]:
    answer, t = fn(), Timing()  # warm-up
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), cpu()
        answer = fn()
        t.wall.append((time.perf_counter() - w0) * 1000)
        t.cpu.append((cpu() - c0) * 1000)
    return answer, t


def label(q: Query) -> str:
    return (q.text + (f" [{q.note}]" if q.note else ""))[:45]


def bench(a: argparse.Namespace) -> None:
    index = tantivy.Index.open(str(a.index))
    index.reload()
    searcher = index.searcher()
    version = getattr(tantivy, "__version__", "?")
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, tantivy {version}")
    print(f"index {a.index}: {searcher.num_docs:,} docs, {searcher.num_segments} segments")
    print(
        f"prefix mode {a.prefix}, near {a.near}; "
        f"facets {'on a second thread' if a.parallel else 'after the search'}"
    )
    print(f"cpus {os.cpu_count()}, before: {load()}, repeat {a.repeat}; {rss()}")
    pool = ThreadPoolExecutor(1) if a.parallel else None
    queries = [replace(q, filters=replace(q.filters, project_ids=(1,))) for q in QUERIES]
    print(f"\n{'query':<46}{'hits':>9} {'on p50/p95 wall':>16} {'cpu':>12} {'off p50/p95':>14}")
    on_all, off_all, checks = Timing(), Timing(), []
    for q in queries:
        c = Compiler(index.schema, searcher, a.prefix, a.near)
        ans, on = timed(partial(run_query, index, c, q, True, pool), a.repeat)
        _, off = timed(partial(run_query, index, c, q, False, None), a.repeat)
        for total, part in ((on_all, on), (off_all, off)):
            total.wall += part.wall
            total.cpu += part.cpu
        print(
            f"{label(q):<46}{ans.total:>9,} {pct(on.wall, 50):7.1f}/{pct(on.wall, 95):7.1f} "
            f"{pct(on.cpu, 50):5.0f}/{pct(on.cpu, 95):5.0f} "
            f"{pct(off.wall, 50):6.1f}/{pct(off.wall, 95):6.1f}",
            flush=True,
        )
        checks.append((q, ans, sorted(set(c.notes))))
    for name, t in (("facets on", on_all), ("facets off", off_all)):
        print(
            f"overall {name:<10} wall p50 {pct(t.wall, 50):6.1f} p95 {pct(t.wall, 95):6.1f} ms; "
            f"CPU p50 {pct(t.cpu, 50):6.1f} p95 {pct(t.cpu, 95):6.1f} ms ({len(t.wall)} samples)"
        )
    print(f"after: {load()}; {rss()}")
    if not a.no_check:
        check(checks)


def check(checks: list[tuple[Query, Answer, list[str]]]) -> None:
    print(f"\ncheck against FTS5 (SqliteFtsEngine's reader, read only), {load()}")
    print(f"{'query':<46}{'tantivy':>9}{'FTS5':>9}  top20 overlap  facets  ties  notes")
    for q, ans, notes in checks:
        ref = fts5(q)
        same = sum(ans.facets[k] == ref.facets.get(k) for k in ans.facets)
        overlap = len(set(ans.ids) & set(ref.ids))
        print(
            f"{label(q):<46}{ans.total:>9,}{ref.total:>9,}  {overlap:>2}/{len(ref.ids):<2}"
            f"{'' if ans.total == ref.total else ' COUNT DIFFERS':<14}"
            f"{same}/5 same  {ans.ties:>4}  {'; '.join(notes)}",
            flush=True,
        )


# --- updates and processes ----------------------------------------------------------


PROBE_ID = 10_000_000  # passage ids past the corpus: the update probe's own documents


def update(a: argparse.Namespace) -> None:
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {load()}")
    index = tantivy.Index.open(str(a.index))
    index.config_reader("manual")  # this process reloads itself right after its commit
    index.reload()
    print(f"opened + searcher: {rss()}")
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    other = subprocess.run(
        [sys.executable, __file__, "second-writer", "--index", str(a.index)],
        capture_output=True,
        text=True,
    )
    print(f"second writer in another process meanwhile: {other.stdout.strip()}")
    replace_passages(a, index, writer)
    replace_document(a, index, writer, 1)
    u64_delete_by_term(a, index, writer)
    writer.wait_merging_threads()
    print(f"after: {load()}; {rss()}")


def replace_passages(a: argparse.Namespace, index: tantivy.Index, writer: Writer) -> None:
    """Passage 1 replaced by itself plus a new probe passage, five times; a reader in
    another process reports when it sees each probe passage."""
    watcher = subprocess.Popen(
        [sys.executable, __file__, "watch", "--index", str(a.index)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert watcher.stdout is not None
    print(f"watcher: {watcher.stdout.readline().strip()}")
    row = next(rows(a.db, 1, 1))[0]
    for i in range(5):
        t0, c0 = time.perf_counter(), cpu()
        # By query: delete_documents_by_term on a u64 field deletes nothing (see below).
        writer.delete_documents_by_query(by_id(index, "passage_id", row[0]))
        writer.add_document(document(row))
        writer.add_document(document((PROBE_ID + i, *row[1:])))
        writer.commit()
        t1, committed = time.perf_counter(), time.time()
        index.reload()
        n = index.searcher().num_docs
        t2 = time.perf_counter()
        seen = float(watcher.stdout.readline())
        print(
            f"replace passage {row[0]} (+ probe doc) #{i}: commit {(t1 - t0) * 1000:.0f} ms, "
            f"reload {(t2 - t1) * 1000:.1f} ms, CPU {(cpu() - c0) * 1000:.0f} ms, docs {n:,}; "
            f"other process (reload policy on commit) saw it {(seen - committed) * 1000:.0f} ms "
            "after the commit",
            flush=True,
        )
    watcher.kill()
    t0 = time.perf_counter()
    writer.delete_documents_by_query(
        tantivy.Query.range_query(
            index.schema, "passage_id", tantivy.FieldType.Unsigned, PROBE_ID, PROBE_ID + 99
        )
    )
    writer.commit()
    index.reload()
    print(
        f"delete the probe docs by range query + commit + reload: "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms, docs {index.searcher().num_docs:,}"
    )


def u64_delete_by_term(a: argparse.Namespace, index: tantivy.Index, writer: Writer) -> None:
    """tantivy-py 0.27: delete_documents_by_term with a Python int on a u64 field deletes
    nothing (on an i64 field it works); shown, then passage 2 is put back as it was."""
    before = index.searcher().num_docs
    writer.delete_documents_by_term("passage_id", 2)
    writer.commit()
    index.reload()
    after = index.searcher().num_docs
    print(f"delete_documents_by_term('passage_id', 2) (u64): docs {before:,} -> {after:,}")
    writer.delete_documents_by_query(by_id(index, "passage_id", 2))
    writer.add_document(document(next(rows(a.db, 2, 2))[1]))
    writer.commit()


def by_id(index: tantivy.Index, name: str, value: int) -> tantivy.Query:
    return tantivy.Query.term_query(index.schema, name, value)


def replace_document(
    a: argparse.Namespace, index: tantivy.Index, writer: Writer, doc_id: int
) -> None:
    """What replace_documents does: all passages of a document out, the new ones in."""
    conn = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT passage_id FROM search_passage WHERE document_id = ?", (doc_id,)
        )
    ]
    conn.close()
    batch = [r for chunk in rows(a.db, max(ids), 10_000) for r in chunk if r[2] == doc_id]
    for i in range(3):
        t0, c0 = time.perf_counter(), cpu()
        writer.delete_documents_by_query(by_id(index, "document_id", doc_id))
        for r in batch:
            writer.add_document(document(r))
        writer.commit()
        t1 = time.perf_counter()
        index.reload()
        print(
            f"replace document {doc_id} ({len(batch)} passages) #{i}: analysis + add + commit "
            f"{(t1 - t0) * 1000:.0f} ms, reload {(time.perf_counter() - t1) * 1000:.1f} ms, "
            f"CPU {(cpu() - c0) * 1000:.0f} ms, docs {index.searcher().num_docs:,}",
            flush=True,
        )


def second_writer(a: argparse.Namespace) -> None:
    index = tantivy.Index.open(str(a.index))
    t0 = time.perf_counter()
    try:
        index.writer(heap_size=15_000_000, num_threads=1)
        print("got a writer")
    except Exception as exc:  # what tantivy-py raises is the point of the probe
        print(f"{type(exc).__name__} after {(time.perf_counter() - t0) * 1000:.0f} ms: {exc}")


def watch(a: argparse.Namespace) -> None:
    """Another process, default reload policy (on commit): print when each probe doc shows."""
    index = tantivy.Index.open(str(a.index))
    print(f"reader open in pid {os.getpid()}", flush=True)
    for i in range(100):
        probe = tantivy.Query.term_query(index.schema, "passage_id", PROBE_ID + i)
        while not count(index.searcher().search(probe, limit=1, count=True)):
            time.sleep(0.001)
        print(time.time(), flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("step", choices=["build", "bench", "update", "second-writer", "watch"])
    p.add_argument("--db", type=Path, default=DB)
    p.add_argument("--index", type=Path, default=INDEX)
    p.add_argument("--passages", type=int, default=1_000_000)
    p.add_argument("--threads", type=int, default=1, help="tantivy indexing threads")
    p.add_argument("--heap-mb", type=int, default=400)
    p.add_argument("--commit-every", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--prefix", choices=["expand", "regex"], default="expand")
    p.add_argument("--near", choices=["any", "ordered"], default="any")
    p.add_argument("--parallel", action="store_true", help="facets on a second thread")
    p.add_argument("--no-check", action="store_true")
    a = p.parse_args()
    {
        "build": build,
        "bench": bench,
        "update": update,
        "second-writer": second_writer,
        "watch": watch,
    }[a.step](a)


if __name__ == "__main__":
    main()
