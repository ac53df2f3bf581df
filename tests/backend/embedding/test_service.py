"""Embedding after ingest: every current passage gets a vector with its model's
identity, the index receives it through the outbox, and a model change re-embeds."""

from sqlmodel import select

from backend.embedding import service as embedding
from backend.embedding.models import PassageEmbedding
from backend.indexing import service as indexing
from backend.ingest_jobs import service as jobs
from backend.ingest_jobs import worker
from backend.ingest_jobs.models import IngestOptions
from search.base import Filters, NearestRequest
from search.vectors.embedder import DEFAULT_MODEL, MODELS, ModelIdentity, load_embedder
from tests.conftest import ROOT

INTERVIEW = ROOT / "tests" / "fixtures" / "interview-ics-leader-P3.txt"


async def _ingest(runtime, project_id: int, progress=None) -> int:
    stored = jobs.store_file(INTERVIEW, runtime.settings)
    async with runtime.sessions() as session:
        job = await jobs.enqueue(session, project_id, stored, INTERVIEW.name, IngestOptions())
        await session.commit()
    done = await worker.run_job(runtime, job.id, progress)
    return done.document_id


async def _vectors(runtime) -> list[PassageEmbedding]:
    async with runtime.sessions() as session:
        return list((await session.exec(select(PassageEmbedding))).all())


async def test_ingest_embeds_every_passage_with_the_models_identity(runtime, project_id):
    seen: list[tuple[int, int]] = []
    await _ingest(runtime, project_id, lambda done, total: seen.append((done, total)))
    stored = await _vectors(runtime)
    model = await embedding.embedder(runtime.settings)
    assert stored and {e.model for e in stored} == {model.identity.key}
    assert model.identity.key.startswith("all-MiniLM-L6-v2-int8@1.0.0#")
    assert all(len(e.vector) == 4 * model.dims for e in stored)
    assert seen[-1] == (len(stored), len(stored))
    async with runtime.sessions() as session:
        vector, key = await embedding.query_vector(
            session, runtime.settings, "leaders sharing a vision"
        )
    found = await runtime.search.nearest(
        NearestRequest(vector, key, Filters(project_ids=(project_id,)), k=100)
    )
    assert {pid for pid, _ in found} == {e.passage_id for e in stored}


class Renamed:
    """The shipped model under another identity: a second installed model, so a change
    from one to the other can be watched (their vectors differ only by their key)."""

    def __init__(self, real) -> None:
        self.real, self.dims = real, real.dims
        self.identity = ModelIdentity("older-model", "0", "0" * 64)

    def embed(self, texts):
        return self.real.embed(texts)

    def embed_query(self, text):
        return self.real.embed_query(text)


async def _found(runtime, project_id: int) -> tuple[str, set[int]]:
    """The model a query uses, and the passages its kNN finds."""
    await indexing.drain(runtime.sessions, runtime.search)
    async with runtime.sessions() as session:
        vector, key = await embedding.query_vector(session, runtime.settings, "a vision")
    request = NearestRequest(vector, key, Filters(project_ids=(project_id,)), k=100)
    return key, {pid for pid, _ in await runtime.search.nearest(request)}


async def test_a_model_change_re_embeds_while_the_old_vectors_serve(
    runtime, project_id, monkeypatch
):
    monkeypatch.setitem(MODELS, "older", lambda: Renamed(load_embedder(DEFAULT_MODEL)))
    configured = runtime.settings
    runtime.settings = configured.model_copy(update={"embedding_model": "older"})
    await _ingest(runtime, project_id)
    passages = {e.passage_id for e in await _vectors(runtime)}
    old_key = load_embedder("older").identity.key
    assert await _found(runtime, project_id) == (old_key, passages)

    runtime.settings = configured  # the change: the shipped model is configured again
    new_key = load_embedder(DEFAULT_MODEL).identity.key
    assert await embedding.embed_pending(runtime, limit=5) == 5
    # Half done: the old model still answers, over every passage.
    assert await _found(runtime, project_id) == (old_key, passages)
    models = [e.model for e in await _vectors(runtime)]
    assert models.count(new_key) == 5 and models.count(old_key) == len(passages)

    assert await embedding.embed_pending(runtime) == len(passages) - 5
    # Complete: the new model serves, and the old vectors are gone from both stores.
    assert await _found(runtime, project_id) == (new_key, passages)
    assert {e.model for e in await _vectors(runtime)} == {new_key}
    old_query = NearestRequest(b"\0" * 4 * 384, old_key, Filters(project_ids=(project_id,)))
    assert await runtime.search.nearest(old_query) == ()
    async with runtime.sessions() as session:
        assert await embedding.serving_key(session) == new_key


async def test_embedding_off_leaves_passages_lexical_only(settings, tmp_path):
    from backend.core.runtime import Runtime
    from tests.conftest import new_project

    rt = Runtime.start(settings.model_copy(update={"embedding_model": "off"}))
    try:
        await rt.search.ensure_ready()
        await _ingest(rt, await new_project(rt))
        assert await _vectors(rt) == []
    finally:
        await rt.close()
