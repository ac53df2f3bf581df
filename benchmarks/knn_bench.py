"""kNN latency at scale: `engine.nearest` (what semantic and hybrid search call) over N
passages with 384-dimension unit vectors, on the embedded engine and Elasticsearch.

    .venv/bin/python benchmarks/knn_bench.py [--passages 100000] [--queries 100]
        [--engines sqlite,tantivy,elasticsearch] [--es-url URL] [--hybrid]

Vectors are random (seeded) rather than embedded: latency depends on their number
and width, not their meaning, and embedding 100k passages would take most of an hour
here. Passages are spread over 2 projects, 3 document types and 1000 documents; each
query asks for the 100 nearest in project 1 (as every API search is scoped), half of
them also filtered to one document type. Timed: the engine call alone (the query is
already a vector), after 3 warm-up queries; the SQLite matrix load is shown apart.

`--hybrid` times the whole hybrid search as the API runs it (`modes.hybrid`: the
relaxed lexical top 100, the 100 nearest, fused) instead: the passages get text from
make_corpus.py's word chain (trained on the shared corpus) and the queries are the
evaluation set's 55 sentences, each also embedded by the real model (timed apart: the
query vector is compared with random passage vectors, so only the latency means
anything).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np

from search.base import Filters, NearestRequest, PassageDoc, SearchEngine
from search.elastic.engine import ElasticsearchEngine
from search.query import Node
from search.sqlite_fts import SqliteFtsEngine
from search.vectors.embedder import VECTOR_DIMS, to_blob

MODEL = "bench@1#0"
EVAL_QUERIES = Path(__file__).resolve().parent / "eval" / "queries.json"
TYPES = ("strategy", "minutes", "policy")
PER_DOCUMENT = 100


def docs(
    n: int, rng: np.random.Generator, text: Callable[[int], str] = lambda i: f"passage {i}"
) -> list[list[PassageDoc]]:
    """Per document, its passages (the unit engines replace)."""
    vectors = rng.standard_normal((n, VECTOR_DIMS), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    out: list[list[PassageDoc]] = []
    for start in range(0, n, PER_DOCUMENT):
        doc = start // PER_DOCUMENT + 1
        out.append(
            [
                PassageDoc(
                    passage_id=i + 1,
                    document_id=doc,
                    version_id=doc,
                    text=text(i + 1),
                    source_type="document",
                    document_type=TYPES[doc % 3],
                    project_id=1 + doc % 2,
                    vector=to_blob(vectors[i]),
                    vector_model=MODEL,
                )
                for i in range(start, min(start + PER_DOCUMENT, n))
            ]
        )
    return out


async def load(engine: SearchEngine, batches: list[list[PassageDoc]]) -> float:
    async def stream():  # type: ignore[no-untyped-def]
        for i in range(0, len(batches), 10):
            yield [d for batch in batches[i : i + 10] for d in batch]

    t0 = time.perf_counter()
    await engine.rebuild(stream(), seq=1)
    return time.perf_counter() - t0


async def measure(engine: SearchEngine, queries: np.ndarray) -> list[tuple[float, float, bool]]:
    """Per query: wall ms, this process's CPU ms (the same on a loaded machine, where
    wall time is not), and whether it was also filtered by document type."""
    times = []
    for i, q in enumerate(queries):
        types = (TYPES[i % 3],) if i % 2 else ()
        request = NearestRequest(to_blob(q), MODEL, Filters((1,), document_types=types), 100)
        c0, t0 = time.process_time(), time.perf_counter()
        found = await engine.nearest(request)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        times.append((wall * 1000, cpu * 1000, bool(types)))
        assert len(found) == 100, len(found)
    return times


def _summary(values: list[float]) -> str:
    cut = statistics.quantiles(values, n=20)
    return f"median {statistics.median(values):.1f} ms, p95 {cut[18]:.1f} ms"


def report(
    name: str, times: list[tuple[float, float, bool]], loaded: float, n: int, what: str = "kNN"
) -> None:
    wall = [t[0] for t in times]
    print(
        f"{name}: {n} passages indexed in {loaded:.0f} s; {what} k=100 over {len(times)} "
        f"queries: {_summary(wall)}, max {max(wall):.1f} ms; "
        f"CPU of this process {_summary([t[1] for t in times])}; load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    for label, typed in (("project only", False), ("+ document type", True)):
        part = [t[0] for t in times if t[2] == typed]
        print(f"  {label}: {_summary(part)}")


async def measure_hybrid(
    engine: SearchEngine, queries: list[tuple[Node, bytes]]
) -> list[tuple[float, float, bool]]:
    """As measure, for the whole hybrid search of each (query, vector)."""
    from backend.searching.modes import hybrid

    times = []
    for i, (query, vector) in enumerate(queries):
        types = (TYPES[i % 3],) if i % 2 else ()
        c0, t0 = time.process_time(), time.perf_counter()
        fused, _ = await hybrid(
            engine, (vector, MODEL), query, Filters((1,), document_types=types), 100
        )
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        times.append((wall * 1000, cpu * 1000, bool(types)))
        assert fused, query
    return times


async def run(engine: SearchEngine, name: str, batches, queries, n: int) -> None:
    await engine.ensure_ready()
    loaded = await load(engine, batches)
    if isinstance(queries, list):  # --hybrid: (query, vector) pairs
        await measure_hybrid(engine, queries[:3])
        report(name, await measure_hybrid(engine, queries[3:]), loaded, n, "hybrid")
        return
    t0 = time.perf_counter()
    await measure(engine, queries[:3])  # warm-up (SQLite: loads the matrix)
    print(f"{name}: first queries (matrix load, caches) {time.perf_counter() - t0:.2f} s")
    report(name, await measure(engine, queries[3:]), loaded, n)


def hybrid_inputs(n: int, rng: np.random.Generator, count: int) -> tuple[list, list]:
    """Passages with generated text, and (query, vector) pairs of the evaluation set."""
    import random

    from make_corpus import DEFAULT_CORPUS, generate, train

    from search.query import prepare
    from search.vectors.embedder import load_embedder

    chain, rnd = train(DEFAULT_CORPUS), random.Random(17).random
    lengths = chain.lengths
    batches = docs(n, rng, lambda i: generate(chain, rnd, lengths[int(rnd() * len(lengths))]))
    texts = [q["query"] for q in json.loads(EVAL_QUERIES.read_text())["queries"]]
    model, spent = load_embedder(), []
    pairs = []
    for i in range(count + 3):
        t0 = time.perf_counter()
        vector = model.embed_query(texts[i % len(texts)])
        spent.append((time.perf_counter() - t0) * 1000)
        pairs.append((prepare(texts[i % len(texts)]), to_blob(vector)))
    print(f"embedding a query (the real model): {_summary(spent[3:])}")
    return batches, pairs


async def main(a: argparse.Namespace) -> None:
    rng = np.random.default_rng(17)
    if a.hybrid:
        batches, queries = hybrid_inputs(a.passages, rng, a.queries)
    else:
        batches = docs(a.passages, rng)
        queries = rng.standard_normal((a.queries + 3, VECTOR_DIMS), dtype=np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    if "sqlite" in a.engines.split(","):
        path = Path(tempfile.mkdtemp()) / "search.db"
        await run(SqliteFtsEngine(path), "sqlite", batches, queries, a.passages)
    if "tantivy" in a.engines.split(","):
        from search.tantivy_engine import TantivyEngine

        path = Path(tempfile.mkdtemp()) / "search.db"
        await run(TantivyEngine(path), "tantivy", batches, queries, a.passages)
    if "elasticsearch" in a.engines.split(","):
        es = ElasticsearchEngine(a.es_url, f"knn-bench-{uuid.uuid4().hex[:8]}")
        try:
            await run(es, "elasticsearch", batches, queries, a.passages)
        finally:
            for index in await es._alias_targets():
                await es.client.indices.delete(index=index)
            await es.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--engines", default="sqlite,elasticsearch")
    parser.add_argument("--es-url", default="http://127.0.0.1:9200")
    parser.add_argument("--hybrid", action="store_true", help="time whole hybrid searches")
    asyncio.run(main(parser.parse_args()))
