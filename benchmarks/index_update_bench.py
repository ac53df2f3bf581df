"""Incremental index updates (issue 18 item 3): what one annotation edit costs the index,
by document length, in both engines, against writing the document whole (as every
edit did before).

    .venv/bin/python benchmarks/index_update_bench.py [--lengths 100 1000 10000]
        [--repeat 15] [--es-url http://127.0.0.1:9200]

Builds a SQLite app database in benchmarks/out/index_update/ with one document per
length (passages of ~600 characters), indexes it into FTS5 and Elasticsearch, then for
each document `--repeat` times: adds an annotation over one passage in the middle,
queues it as the service does (`mark_span_for_index`) and times the drain (reading
the passage's state from SQL and writing the engine); then the same edit queued as a
whole-document job (`mark_for_index`), the old path. Prints p50/p95 in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import time
from pathlib import Path

from sqlalchemy import insert

from backend.accounts.models import UserCreate
from backend.accounts.service import create_user
from backend.annotations.models import Annotation, AnnotationCode
from backend.codes.models import Code
from backend.core.config import Settings
from backend.core.runtime import Runtime
from backend.documents.models import Document, DocumentVersion, Passage
from backend.indexing import service as indexing
from backend.projects.models import ProjectCreate
from backend.projects.service import create_project
from search.base import SearchEngine
from search.elastic.engine import ElasticsearchEngine

HERE = Path(__file__).resolve().parent
SENTENCE = "The board reviewed the system plan and asked partners for evidence. "
PASSAGE_CHARS = 600


async def fill(rt: Runtime, lengths: list[int]) -> tuple[int, int, int]:
    """One document per length; returns (project, user, code) ids."""
    async with rt.sessions() as s:
        user = await create_user(
            s, UserCreate(email="bench@example.org", name="bench", password="benchmark password")
        )
        project = await create_project(s, ProjectCreate(name="Benchmark"), user)
        code = Code(project_id=project.id, name="Trust", guid="0" * 36)
        s.add(code)
        await s.commit()
        ids = (project.id, user.id, code.id)
    next_passage = 1
    for doc_id, length in enumerate(lengths, start=1):
        async with rt.sessions() as s:
            await _document(s, ids[0], doc_id, length, next_passage)
            await s.commit()
        next_passage += length
    return ids


async def _document(s, project_id: int, doc_id: int, length: int, first: int) -> None:
    text = (SENTENCE * (PASSAGE_CHARS // len(SENTENCE) + 1))[:PASSAGE_CHARS]
    common = {"sha256": f"{doc_id:064d}"}
    await s.exec(
        insert(Document),
        params=[
            {
                "id": doc_id,
                "project_id": project_id,
                "title": f"{length} passages",
                "original_filename": f"doc{doc_id}.pdf",
                "current_version_id": doc_id,
                "source_type": "document",
                "document_type": "other",
                **common,
            }
        ],
    )
    version = {"id": doc_id, "document_id": doc_id, "number": 1, "size_bytes": 0, **common}
    version |= {"format": "pdf", "stored_path": "-", "text": "", "page_offsets": []}
    await s.exec(insert(DocumentVersion), params=[version])
    await s.exec(
        insert(Passage),
        params=[
            {
                "id": first + i,
                "document_id": doc_id,
                "version_id": doc_id,
                "ordinal": i,
                "heading_path": [],
                "start": i * (PASSAGE_CHARS + 2),
                "end": i * (PASSAGE_CHARS + 2) + PASSAGE_CHARS,
                "text": text,
            }
            for i in range(length)
        ],
    )


async def one_edit(rt: Runtime, ids: tuple[int, int, int], doc_id: int, length: int, whole: bool):
    """Adds an annotation over the middle passage, queues it; returns the drain's seconds."""
    project_id, user_id, code_id = ids
    middle = (length // 2) * (PASSAGE_CHARS + 2)
    async with rt.sessions() as s:
        a = Annotation(
            project_id=project_id,
            document_id=doc_id,
            version_id=doc_id,
            start=middle + 10,
            end=middle + 40,
            exact="x" * 30,
            author_id=user_id,
        )
        s.add(a)
        await s.flush()
        s.add(AnnotationCode(annotation_id=a.id, code_id=code_id))
        if whole:
            await indexing.mark_for_index(s, doc_id)
        else:
            await indexing.mark_span_for_index(s, doc_id, a.start, a.end)
        await s.commit()
    t0 = time.perf_counter()
    await indexing.drain(rt.sessions, rt.search)
    return time.perf_counter() - t0


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:8.1f} {p95 * 1000:8.1f}"


async def run(args: argparse.Namespace) -> None:
    data = HERE / "out" / "index_update"
    shutil.rmtree(data, ignore_errors=True)
    settings = Settings(evidence_data_dir=data, database_url=None)
    rt = Runtime.start(settings)
    engines: list[SearchEngine] = [rt.search]
    if args.es_url:
        engines.append(ElasticsearchEngine(args.es_url, "bench-update"))
    ids = await fill(rt, args.lengths)
    print("engine         passages  incremental p50/p95 ms   whole document p50/p95 ms")
    for engine in engines:
        rt.search = engine
        await engine.ensure_ready()
        await indexing.rebuild(rt.sessions, engine)
        for doc_id, length in enumerate(args.lengths, start=1):
            cost = {False: [], True: []}
            for whole in (False, True):
                await one_edit(rt, ids, doc_id, length, whole)  # warm-up
                for _ in range(args.repeat):
                    cost[whole].append(await one_edit(rt, ids, doc_id, length, whole))
            print(f"{engine.name:14} {length:8}  {_ms(cost[False])}          {_ms(cost[True])}")
    for engine in engines:
        await engine.close()
    await rt.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--es-url", default="http://127.0.0.1:9200", help="'' to skip")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()}")
    asyncio.run(run(args))
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
