"""The evaluation benchmark: nDCG@10 and recall@20 per search mode on the hand-judged
queries (queries.json, README.md here), plus embedding throughput and peak memory.

    .venv/bin/python benchmarks/eval/run.py [--data DIR] [--engine sqlite|elasticsearch]

It ingests the evaluation corpus (judged.corpus_files) into DIR once, through the app's
own ingest (which embeds), then asks every query through the app's search use case
(backend.searching.service.run_search) in each mode, as the API does, 20 hits deep.
The embedding measurement runs in a fresh process (`--embed-only`), so its peak RSS is
the model's and the texts', not the ingest's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from judged import Judged, corpus_files, judge, ndcg, recall  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from backend.core.config import Settings  # noqa: E402
from backend.core.runtime import Runtime  # noqa: E402
from backend.documents.models import Document, Passage  # noqa: E402
from backend.searching.modes import SearchMode  # noqa: E402
from backend.searching.service import SearchInput, run_search  # noqa: E402
from backend.visibility import operator  # noqa: E402
from search.base import Filters  # noqa: E402
from search.errors import SearchError  # noqa: E402

DEPTH = 20


def settings_for(data: Path, engine: str) -> Settings:
    return Settings(
        evidence_data_dir=data,
        database_url=None,
        search_engine=engine,  # type: ignore[arg-type]
        elasticsearch_index_prefix=f"eval-{data.name}",
    )


async def ensure_ingested(rt: Runtime) -> int:
    from backend.indexing import service as indexing
    from backend.ingest_jobs import service as jobs
    from backend.ingest_jobs import worker
    from backend.ingest_jobs.models import IngestOptions
    from backend.projects.models import Project

    await indexing.prepare_index(rt.sessions, rt.search)
    async with rt.sessions() as session:
        project = (await session.exec(select(Project))).first()
        if project is not None:
            return project.id
        project = Project(name="Evaluation")
        session.add(project)
        await session.commit()
    for path in corpus_files():
        kind = "observation" if "observation" in path.name else None
        if "transcripts" in path.parts or "interview" in path.name:
            kind = "interview"
        options = IngestOptions(source_type=kind)
        stored = jobs.store_file(path, rt.settings)
        async with rt.sessions() as session:
            job = await jobs.enqueue(session, project.id, stored, path.name, options)
            await session.commit()
        done = await worker.run_job(rt, job.id)
        print(f"  ingested {path.name}: {done.state if done else '?'}", file=sys.stderr)
    return project.id


async def passages(rt: Runtime) -> list[tuple[int, str, str]]:
    async with rt.sessions() as session:
        stmt = (
            select(Passage.id, Document.original_filename, Passage.text)
            .join(Document, col(Document.id) == Passage.document_id)
            .where(Passage.version_id == Document.current_version_id)
            .order_by(Passage.id)
        )
        return [tuple(r) for r in (await session.exec(stmt)).all()]  # type: ignore[misc]


async def ranked(rt: Runtime, project_id: int, query: str, mode: SearchMode) -> list[int]:
    given = SearchInput(query, Filters(project_ids=(project_id,)), 0, DEPTH, None, False, mode)
    async with rt.sessions() as session:
        try:
            result = await run_search(session, rt.search, operator(project_id), given, rt.settings)
        except SearchError:  # e.g. only stop words: no ranking at all
            return []
    return [h.passage.id for h in result.hits]


async def evaluate(rt: Runtime, project_id: int, judged: list[Judged]) -> None:
    print(
        f"{len(judged)} queries, judged passages per query: "
        f"{statistics.mean(len(j.grades) for j in judged):.1f} on average"
    )
    print(f"{'mode':<9} {'nDCG@10':>8} {'recall@20':>10} {'no hit':>7} {'median ms':>10}")
    for mode in SearchMode:
        nd, rc, empty, times = [], [], 0, []
        for j in judged:
            t0 = time.perf_counter()
            ids = await ranked(rt, project_id, j.query, mode)
            times.append((time.perf_counter() - t0) * 1000)
            nd.append(ndcg(ids, j.grades))
            rc.append(recall(ids, j.grades))
            empty += not ids
        print(
            f"{mode.value:<9} {statistics.mean(nd):>8.3f} {statistics.mean(rc):>10.3f} "
            f"{empty:>7} {statistics.median(times):>10.0f}"
        )


def embed_only(dump: Path) -> None:
    """Passages/s and peak RSS of embedding the corpus in this (fresh) process."""
    from search.vectors.embedder import load_embedder

    texts = [r[2] for r in json.loads(dump.read_text())]
    t0 = time.perf_counter()
    model = load_embedder()
    model.embed(["warm up"])
    loaded = time.perf_counter() - t0
    c0, t1 = time.process_time(), time.perf_counter()
    model.embed(texts)
    wall, cpu = time.perf_counter() - t1, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    chars = statistics.mean(len(t) for t in texts)
    print(
        f"embedding ({model.identity.key}): {len(texts)} passages (mean {chars:.0f} chars) in "
        f"{wall:.1f} s = {len(texts) / wall:.0f} passages/s, CPU {cpu:.1f} s; model load "
        f"{loaded:.1f} s; peak RSS {peak:.0f} MB"
    )


async def main(args: argparse.Namespace) -> None:
    rt = Runtime.start(settings_for(args.data, args.engine))
    try:
        project_id = await ensure_ingested(rt)
        rows = await passages(rt)
        print(
            f"corpus: {len(rows)} passages from {len(corpus_files())} files, "
            f"engine {rt.search.name}"
        )
        await evaluate(rt, project_id, judge(rows))
    finally:
        await rt.close()
    dump = args.data / "eval-passages.json"
    dump.write_text(json.dumps(rows))
    subprocess.run([sys.executable, __file__, "--embed-only", str(dump)], check=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path(tempfile.mkdtemp()) / "eval")
    parser.add_argument("--engine", choices=["sqlite", "elasticsearch"], default="sqlite")
    parser.add_argument("--embed-only", type=Path)
    parsed = parser.parse_args()
    if parsed.embed_only:
        embed_only(parsed.embed_only)
    else:
        parsed.data = parsed.data.resolve()
        asyncio.run(main(parsed))
