"""Engine parity: the same 20 queries over the shared corpus, SQLite FTS5 vs Elasticsearch.

Ingests the corpus once (SQLite database + FTS5), builds an Elasticsearch index
from the same database, then prints each engine's total, its top-10 passage ids,
and their overlap.

    .venv/bin/python benchmarks/parity.py [--es-url http://127.0.0.1:9200]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import uuid
from pathlib import Path

from backend.commands import ingest
from backend.core.config import Settings
from backend.core.runtime import Runtime
from backend.indexing.service import rebuild
from search.base import SearchRequest
from search.elastic.engine import ElasticsearchEngine
from search.query import prepare

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

QUERIES = [
    "leadership",
    "board",
    "governance",
    "accountability",
    "accountab*",
    '"individual funding"',
    '"integrated care board"',
    '"clinical commissioning"~3',
    "partnership OR collaboration",
    "panel -screening",
    "(chair OR chief) executive",
    "decision making",
    "population health",
    "exceptional clinical circumstances",
    "conflicts interest",
    '"terms of reference"',
    "member* appointment",
    "equality inequalities",
    "risk",
    "vision strategy",
]


async def build(data: Path, es_url: str) -> tuple[Runtime, ElasticsearchEngine]:
    rt = Runtime.start(Settings(evidence_data_dir=data, database_url=None))
    args = argparse.Namespace(
        paths=[str(CORPUS)], source_type=None, document_type=None, organisation=None, enqueue=False
    )
    await ingest(rt, args)
    es = ElasticsearchEngine(es_url, prefix=f"parity-{uuid.uuid4().hex[:8]}")
    await es.ensure_ready()
    await rebuild(rt.sessions, es)
    return rt, es


async def compare(rt: Runtime, es: ElasticsearchEngine) -> None:
    overlaps = []
    print(f"{'query':<36} {'fts':>5} {'es':>5}  top-10 overlap")
    for text in QUERIES:
        request = SearchRequest(prepare(text), limit=10, facets=False)
        fts, ela = await rt.search.search(request), await es.search(request)
        a = [h.passage_id for h in fts.hits]
        b = [h.passage_id for h in ela.hits]
        common = len(set(a) & set(b))
        denominator = max(1, min(len(a), len(b)))
        overlaps.append(common / denominator)
        print(
            f"{text:<36} {fts.total:>5} {ela.total:>5}  {common}/{denominator}"
            f"  same #1: {'yes' if a[:1] == b[:1] else 'no'}"
        )
        if fts.total != ela.total:
            only = set(a) ^ set(b)
            print(f"{'':<36} differing ids in top 10: {sorted(only)}")
    print(f"\nmean top-10 overlap: {sum(overlaps) / len(overlaps):.2f}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--es-url", default="http://127.0.0.1:9200")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rt, es = await build(Path(tmp) / "data", args.es_url)
        try:
            await compare(rt, es)
        finally:
            for index in await es._alias_targets():
                await es.client.indices.delete(index=index)
            await es.close()
            await rt.close()


if __name__ == "__main__":
    asyncio.run(main())
