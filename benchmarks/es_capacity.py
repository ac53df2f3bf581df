"""Elasticsearch index size per passage, measured, for the capacity plan (README).

    .venv/bin/python benchmarks/es_capacity.py [--passages 100000] [--es-url URL]

Indexes N generated passages (make_corpus.py's chain: lengths and words of the
real corpus, metadata spread as in the benchmarks) through the engine's own
`rebuild` (the mapping, analysis and markers production uses), then reads the
index's `_stats` store size before and after a force merge to one segment
(steady state after merges lies between the two), and prints bytes per passage,
per million and the linear extrapolation to 10M. The index is deleted afterwards
unless --keep. No dense vectors: they are reported separately (see README).
"""

from __future__ import annotations

import argparse
import asyncio
import time

from make_corpus import DEFAULT_CORPUS, batches, train

from search.elastic.engine import ElasticsearchEngine

PREFIX = "capacity"


async def _store(engine: ElasticsearchEngine, index: str) -> tuple[int, int]:
    stats = await engine.client.indices.stats(index=index, metric="store,docs")
    primaries = stats["_all"]["primaries"]
    return primaries["store"]["size_in_bytes"], primaries["docs"]["count"]


def _line(label: str, size: int, passages: int) -> str:
    per_million = size / passages * 1_000_000
    return (
        f"{label:<22} {size / 2**20:9.1f} MiB  {size / passages:7.0f} B/passage  "
        f"{per_million / 2**30:6.2f} GiB per 1M  {10 * per_million / 2**30:6.1f} GiB at 10M"
    )


async def run(a: argparse.Namespace) -> None:
    chain = train(DEFAULT_CORPUS)
    engine = ElasticsearchEngine(a.es_url, PREFIX)
    clock = {"generate": 0.0, "t0": time.perf_counter()}
    try:
        text_chars = 0

        async def counted():
            nonlocal text_chars
            async for batch in batches(chain, a.passages, a.documents, 1000, 11, clock):
                text_chars += sum(len(d.text) for d in batch)
                yield batch

        total = await engine.rebuild(counted())
        took = time.perf_counter() - clock["t0"]
        (index,) = await engine._alias_targets()
        size, docs = await _store(engine, index)
        print(f"{total:,} passages ({docs:,} Lucene docs incl. markers) in {took:.0f}s")
        print(f"raw passage text: {text_chars / 2**20:.1f} MiB ({text_chars / total:.0f} chars)")
        print(_line("as indexed", size, total))
        await engine.client.indices.forcemerge(index=index, max_num_segments=1)
        merged, _ = await _store(engine, index)
        print(_line("force-merged", merged, total))
    finally:
        if not a.keep:
            for index in await engine._alias_targets():
                await engine.client.indices.delete(index=index)
        await engine.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--passages", type=int, default=100_000)
    p.add_argument("--documents", type=int, default=5_000)
    p.add_argument("--es-url", default="http://127.0.0.1:9200")
    p.add_argument("--keep", action="store_true", help="leave the index in place")
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
