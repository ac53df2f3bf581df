"""Elasticsearch at scale: bulk indexing throughput, and search latency through the API
vs the same query sent straight to Elasticsearch, vs the SQLite FTS5 engine.

    .venv/bin/python benchmarks/es_bench.py [--passages 100000 1000000] [--es-url URL] [--repeat 5]

1. Builds a database of N generated passages (make_corpus.py's chain) in
   benchmarks/out/es_<N>/ (documents, versions, passages: what ingest writes), in
   documents of 200 passages (at most --documents).
2. Indexes it into Elasticsearch through `indexing.rebuild` (the code path
   `evidence reindex` uses: read from SQL, bulk in batches) and into the embedded
   engine (--embedded: tantivy, the default, or sqlite for FTS5) the same way,
   timing each.
3. Starts the API twice (uvicorn on 127.0.0.1; once per engine) and times, for the
   20 queries of search_bench.py, GET /api/search against each engine straight:
   the same body POSTed to Elasticsearch's _search (both over HTTP), and the
   embedded engine's `search` called in this process, as the API calls it (facets
   on, limit 20); prints both ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from make_corpus import DEFAULT_CORPUS, batches, train
from search_bench import QUERIES
from sqlalchemy import insert

from backend.accounts.models import UserCreate
from backend.accounts.service import create_token, create_user
from backend.core.config import Settings
from backend.core.runtime import Runtime
from backend.documents.models import Document, DocumentVersion, Passage
from backend.indexing.service import rebuild
from backend.projects.models import ProjectCreate
from backend.projects.service import create_project
from search.base import SearchRequest
from search.elastic.engine import ElasticsearchEngine, search_body
from search.factory import make_engine
from search.query import prepare

HERE = Path(__file__).resolve().parent


def prefix(n: int) -> str:
    """Each size its own Elasticsearch index, so one run measures every size built."""
    return f"bench{n}"


PROJECT = 1  # the benchmark database holds one project


async def fill_database(rt: Runtime, chain, n: int, n_docs: int) -> str:
    """Returns an API token of the project's admin, for the HTTP measurements."""
    async with rt.sessions() as s:
        user = await create_user(
            s, UserCreate(email="bench@example.org", name="bench", password="benchmark password")
        )
        project = await create_project(s, ProjectCreate(name="Benchmark"), user)
        _, token = await create_token(s, user, "bench", None, rt.settings)
        await s.commit()
        await s.exec(
            insert(Document),
            params=[
                {
                    "id": i,
                    "project_id": project.id,
                    "title": f"Document {i}",
                    "original_filename": f"doc{i}.pdf",
                    "sha256": f"{i:064d}",
                    "current_version_id": i,
                    "source_type": "document",
                    "document_type": "other",
                }
                for i in range(1, n_docs + 1)
            ],
        )
        await s.exec(
            insert(DocumentVersion),
            params=[
                {
                    "id": i,
                    "document_id": i,
                    "number": 1,
                    "sha256": f"{i:064d}",
                    "size_bytes": 0,
                    "format": "pdf",
                    "stored_path": "-",
                    "text": "",
                    "page_offsets": [],
                }
                for i in range(1, n_docs + 1)
            ],
        )
        await s.commit()
    clock = {"t0": time.perf_counter(), "generate": 0.0}
    async for batch in batches(chain, n, n_docs, 5000, 2025, clock):
        async with rt.sessions() as s:
            await s.exec(
                insert(Passage),
                params=[
                    {
                        "id": d.passage_id,
                        "document_id": d.document_id,
                        "version_id": d.document_id,
                        "ordinal": d.passage_id,
                        "heading_path": [],
                        "start": 0,
                        "end": len(d.text),
                        "page_start": 1,
                        "page_end": 1,
                        "text": d.text,
                    }
                    for d in batch
                ],
            )
            await s.commit()
    await _spread_metadata(rt, n_docs)
    return token


async def _spread_metadata(rt: Runtime, n_docs: int) -> None:
    from make_corpus import documents

    async with rt.sessions() as s:
        for i, meta in enumerate(documents(n_docs, random.Random(7)), 1):
            doc = await s.get(Document, i)
            doc.source_type, doc.document_type = meta["source_type"], meta["document_type"]
            doc.organisation, doc.date = meta["organisation"], meta["date"]
        await s.commit()


async def index_both(settings: Settings, es_url: str, n: int) -> None:
    rt = Runtime.start(settings)
    es = ElasticsearchEngine(es_url, prefix(n))
    try:
        for engine in (es, rt.search):
            await engine.ensure_ready()
            t0 = time.perf_counter()
            total = await rebuild(rt.sessions, engine)
            elapsed = time.perf_counter() - t0
            print(
                f"indexed {total:,} passages into {engine.name} in {elapsed:.0f}s = "
                f"{total / elapsed:,.0f} passages/s (read from SQL + analysis + writes)"
            )
    finally:
        await es.close()
        await rt.close()


def serve(data: Path, engine: str, es_url: str, port: int, n: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "EVIDENCE_DATA_DIR": str(data),
        "SEARCH_ENGINE": engine,
        "ELASTICSEARCH_URL": es_url,
        "ELASTICSEARCH_INDEX_PREFIX": prefix(n),
    }
    exe = Path(sys.executable).parent / "evidence"
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(900):  # a first start may rebuild an outdated index
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=60).status_code:
                return proc
        except httpx.HTTPError:
            time.sleep(1)
    raise RuntimeError(f"the API on port {port} did not start")


def api_params(q) -> dict:
    f = q.filters
    params = {
        "q": q.text,
        "offset": q.offset,
        "limit": 20,
        "source_type": list(f.source_types),
        "organisation": list(f.organisations),
    }
    if f.date_from:
        params["date_from"], params["date_to"] = f.date_from.isoformat(), f.date_to.isoformat()
    return params


def timed(call, repeat: int) -> list[float]:
    call()  # warm-up
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def compare(
    es_url: str,
    ports: dict[str, int],
    repeat: int,
    token: str,
    embedded: str,
    path: Path,
    n: int,
) -> None:
    """Each engine straight (Elasticsearch over HTTP; the embedded one in process, as the
    API calls it) beside the same search through the API, query by query, with the ratios."""
    http = httpx.Client(timeout=120)
    api = httpx.Client(timeout=120, headers={"Authorization": f"Bearer {token}"})
    alias = f"{prefix(n)}-passages"
    engine, loop = make_engine(embedded, sqlite_path=path), asyncio.new_event_loop()
    rows, all_t = [], {k: [] for k in ("direct", "api_es", "embedded", "api_embedded")}
    for q in QUERIES:
        # The API adds the project filter; the direct query carries the same one.
        scoped = dataclasses.replace(q.filters, project_ids=(PROJECT,))
        request = SearchRequest(prepare(q.text), scoped, q.offset, 20)
        body = search_body(request)
        params = api_params(q)

        def through_api(engine_name: str, p: dict = params) -> None:
            url = f"http://127.0.0.1:{ports[engine_name]}/api/projects/{PROJECT}/search"
            api.get(url, params=p).raise_for_status()

        t = {
            "direct": timed(
                lambda b=body: http.post(f"{es_url}/{alias}/_search", json=b).raise_for_status(),
                repeat,
            ),
            "api_es": timed(lambda: through_api("elasticsearch"), repeat),
            "embedded": timed(lambda r=request: loop.run_until_complete(engine.search(r)), repeat),
            "api_embedded": timed(lambda: through_api(embedded), repeat),
        }
        for k, v in t.items():
            all_t[k] += v
        label = q.text + (f"  [{q.note}]" if q.note else "")
        rows.append((label, *(statistics.median(t[k]) for k in t)))
    loop.run_until_complete(engine.close())
    loop.close()
    report(rows, all_t, embedded)


def report(rows: list[tuple], all_t: dict[str, list[float]], embedded: str) -> None:
    e = embedded
    print(
        f"\n{'query':<44} {'ES':>7} {'API(ES)':>8} {'ratio':>6} {e:>7} {f'API({e})':>12} "
        f"{'ratio':>6}   (median ms)"
    )
    for label, d, a, f, s in rows:
        print(
            f"{label[:44]:<44} {d:>7.1f} {a:>8.1f} {a / d:>6.2f} {f:>7.1f} {s:>12.1f} {s / f:>6.2f}"
        )
    for k, v in all_t.items():
        print(f"{k:<11} p50 {pct(v, 0.5):7.1f} ms   p95 {pct(v, 0.95):7.1f} ms   (n={len(v)})")
    for name, via, straight in (
        ("Elasticsearch", "api_es", "direct"),
        (embedded, "api_embedded", "embedded"),
    ):
        a, d = all_t[via], all_t[straight]
        print(
            f"API overhead on {name}: p50 x{pct(a, 0.5) / pct(d, 0.5):.2f} "
            f"(+{pct(a, 0.5) - pct(d, 0.5):.1f} ms), p95 x{pct(a, 0.95) / pct(d, 0.95):.2f} "
            "(target on Elasticsearch <= 1.25)"
        )


async def build(settings: Settings, a: argparse.Namespace, n: int) -> None:
    chain = train(DEFAULT_CORPUS)
    rt = Runtime.start(settings)
    t0 = time.perf_counter()
    try:
        token = await fill_database(rt, chain, n, min(a.documents, max(1, n // 200)))
    finally:
        await rt.close()
    (settings.data_dir / "bench-token").write_text(token)
    print(f"database with {n:,} passages written in {time.perf_counter() - t0:.0f}s")
    await index_both(settings, a.es_url, n)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--passages", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--documents", type=int, default=5_000)
    p.add_argument("--es-url", default="http://127.0.0.1:9200")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--skip-build", action="store_true", help="reuse benchmarks/out/es_<N>/")
    p.add_argument("--embedded", choices=("tantivy", "sqlite"), default="tantivy")
    a = p.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cpus")
    for n in a.passages:  # one run, one machine: every size's figures side by side
        print(f"\n=== {n:,} passages, load average {os.getloadavg()}")
        run_size(a, n)
        print(f"load average after: {os.getloadavg()}")


def run_size(a: argparse.Namespace, n: int) -> None:
    data = HERE / "out" / f"es_{n}"
    settings = Settings(evidence_data_dir=data, database_url=None, search_engine=a.embedded)
    if not a.skip_build:
        shutil.rmtree(data, ignore_errors=True)
        asyncio.run(build(settings, a, n))
    ports = {"elasticsearch": 8791, a.embedded: 8792}
    procs = [serve(data, engine, a.es_url, port, n) for engine, port in ports.items()]
    try:
        token = (data / "bench-token").read_text()
        compare(a.es_url, ports, a.repeat, token, a.embedded, settings.search_sqlite_path, n)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
