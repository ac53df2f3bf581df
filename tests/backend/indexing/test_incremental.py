"""Incremental index updates (issue 18 item 3): an annotation edit rewrites the index
entries of the passages its span covers (before and after the edit) and nothing else;
a metadata edit rewrites its document's entries without writing them whole. The
engine is the real one, wrapped to record what it was asked to write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import select

from backend.documents.models import Passage
from backend.indexing import service as indexing
from backend.ingest_jobs.worker import run_job
from search.base import PassageDoc, SearchEngine
from tests.conftest import runtime_of

PARAGRAPHS = 40
# Each paragraph long enough (~1,000 characters) to be a passage of its own.
FILLER = "The board reviewed the plan and asked for evidence of progress. " * 15
TEXT = "\n\n".join(
    f"Paragraph {i} on budgets and trust, word{i}. {FILLER}" for i in range(PARAGRAPHS)
)


class Recorder:
    """The real engine, with a log of the writes it was asked for (the app's sync loop
    may drain too, so a passage can be written twice: compare sets)."""

    def __init__(self, inner: SearchEngine) -> None:
        self.inner = inner
        self.whole: list[int] = []  # documents written whole
        self.passages: list[int] = []  # passages rewritten alone

    async def replace_documents(self, document_ids: Sequence[int], docs: Any, seq: int = 0) -> None:
        self.whole += document_ids
        await self.inner.replace_documents(document_ids, docs, seq)

    async def update_passages(self, docs: Sequence[PassageDoc], seq: int = 0) -> None:
        self.passages += [d.passage_id for d in docs]
        await self.inner.update_passages(docs, seq)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def _setup(client) -> tuple[Recorder, int, list[Passage], int]:
    r = await client.post(
        f"{client.base}/ingest", files=[("files", ("p.txt", TEXT.encode(), "text/plain"))]
    )
    assert r.status_code == 202, r.text
    rt = runtime_of(client)
    job = await run_job(rt, r.json()[0]["id"])
    async with rt.sessions() as session:
        stmt = select(Passage).where(Passage.document_id == job.document_id).order_by(Passage.start)
        passages = list((await session.exec(stmt)).all())
    assert len(passages) == PARAGRAPHS
    code = (await client.post(f"{client.base}/codes", json={"name": "Trust"})).json()["id"]
    recorder = Recorder(rt.search)
    rt.search = recorder  # the app reads it at every drain
    return recorder, job.document_id, passages, code


async def _drain(client) -> None:
    rt = runtime_of(client)
    await indexing.drain(rt.sessions, rt.search)


async def _coded(client, code: int) -> set[int]:
    params = {"q": "budgets", "code_id": code, "limit": 100}
    r = await client.get(f"{client.base}/search", params=params)
    assert r.status_code == 200, r.text
    return {h["passage"]["id"] for h in r.json()["hits"]}


async def test_an_annotation_edit_touches_only_its_passages(client):
    recorder, document_id, passages, code = await _setup(client)
    p5, p6, p20 = passages[5], passages[6], passages[20]
    body = {"document_id": document_id, "start": p5.start + 2, "end": p6.start + 4}
    r = await client.post(f"{client.base}/annotations", json={**body, "code_ids": [code]})
    assert r.status_code == 201, r.text
    annotation = r.json()
    await _drain(client)
    assert recorder.whole == [] and set(recorder.passages) == {p5.id, p6.id}
    assert await _coded(client, code) == {p5.id, p6.id}

    recorder.passages.clear()
    move = {"start": p20.start, "end": p20.start + 5, "version": annotation["version"]}
    r = await client.patch(f"{client.base}/annotations/{annotation['id']}", json=move)
    assert r.status_code == 200, r.text
    await _drain(client)
    # The passages it left and the one it reached; no document written whole.
    assert recorder.whole == [] and set(recorder.passages) == {p5.id, p6.id, p20.id}
    assert await _coded(client, code) == {p20.id}


async def test_a_metadata_edit_rewrites_fields_not_text(client):
    recorder, document_id, passages, _ = await _setup(client)
    r = await client.patch(
        f"{client.base}/documents/{document_id}", json={"organisation": "ICB East"}
    )
    assert r.status_code == 200, r.text
    await _drain(client)
    assert recorder.whole == [] and set(recorder.passages) == {p.id for p in passages}
    r = await client.get(f"{client.base}/search", params={"q": "word7", "organisation": "ICB East"})
    assert [h["passage"]["id"] for h in r.json()["hits"]] == [passages[7].id]
