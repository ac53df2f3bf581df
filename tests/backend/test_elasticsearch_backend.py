"""The backend on Elasticsearch: CLI and API through a real node, and an outage."""

import uuid

import pytest
from sqlmodel import func, select

from backend.cli import main
from backend.core.config import get_settings
from backend.indexing import service as indexing
from backend.indexing.models import IndexJob
from backend.ingest_jobs import service as jobs
from backend.ingest_jobs import worker
from backend.ingest_jobs.models import IngestOptions, JobState
from tests.conftest import INSULIN_PDF, POLICY_PDF, make_settings, signed_in
from tests.elasticsearch import node


@pytest.fixture
def prefix():
    return f"test-{uuid.uuid4().hex[:10]}"


def test_cli_ingests_and_searches_through_elasticsearch(
    tmp_path, monkeypatch, capsys, es_url, prefix, database_url
):
    monkeypatch.setenv("EVIDENCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SEARCH_ENGINE", "elasticsearch")
    monkeypatch.setenv("ELASTICSEARCH_URL", es_url)
    monkeypatch.setenv("ELASTICSEARCH_INDEX_PREFIX", prefix)
    if database_url:
        monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert main(["ingest", str(POLICY_PDF)]) == 0
        capsys.readouterr()
        assert main(["search", '"individual funding"', "--limit", "2"]) == 0
        out = capsys.readouterr().out
        assert "Commissioning policy" in out and "**individual funding**" in out.lower()
        # Fuzzy works here; lexical, since the CLI's default (auto) is hybrid with a model.
        assert main(["search", "fundng~1", "--mode", "lexical", "--limit", "1"]) == 0
        assert "passage(s) match" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()


async def test_api_search_on_elasticsearch(tmp_path, es_url, prefix, database_url):
    settings = make_settings(
        tmp_path / "data",
        database_url,
        search_engine="elasticsearch",
        elasticsearch_url=es_url,
        elasticsearch_index_prefix=prefix,
    )
    async with signed_in(settings) as api:
        r = await api.post(
            f"{api.base}/ingest", files=[("files", (INSULIN_PDF.name, INSULIN_PDF.read_bytes()))]
        )
        rt = api._transport.app.state.runtime
        await worker.run_job(rt, r.json()[0]["id"])
        r = await api.get(f"{api.base}/search", params={"q": "needle*", "limit": 3})
        body = r.json()
        assert r.status_code == 200 and body["engine"] == "elasticsearch"
        assert body["total"] > 3 and len(body["hits"]) == 3
        assert "<mark>" in " ".join(body["hits"][0]["highlights"])
        assert body["facets"]["document_type"][0]["count"] == body["total"]
        r = await api.get(f"{api.base}/search", params={"q": '"needle'})
        assert r.status_code == 400 and r.json()["position"] == 0
        # Lucene's slop is not the language's NEAR (a swap costs two moves): said so.
        q = '"insulin needles"~3'
        body = (await api.get(f"{api.base}/search", params={"q": q, "mode": "lexical"})).json()
        assert body["total"] > 0
        (caveat,) = body["caveats"]
        assert caveat.startswith(f"{q}: Elasticsearch counts a swap of two words as two moves")


async def _pending(rt) -> int:
    async with rt.sessions() as session:
        return (await session.exec(select(func.count()).select_from(IndexJob))).one()


async def _pending_documents(rt) -> set[tuple[str, int]]:
    async with rt.sessions() as session:
        return set((await session.exec(select(IndexJob.entity, IndexJob.entity_id))).all())


async def _ingest(rt, path, project_id):
    stored = jobs.store_file(path, rt.settings)
    async with rt.sessions() as session:
        job = await jobs.enqueue(session, project_id, stored, path.name, IngestOptions())
        await session.commit()
    return await worker.run_job(rt, job.id)


async def test_outage_loses_nothing_and_catches_up(tmp_path, prefix, database_url):
    """Stops and restarts a real node (its own, so other tests keep theirs)."""
    port, es_dir = node.free_port(), tmp_path / "es"
    url = node.start(port, es_dir)
    settings = make_settings(
        tmp_path / "data",
        database_url,
        search_engine="elasticsearch",
        elasticsearch_url=url,
        elasticsearch_index_prefix=prefix,
    )
    try:
        async with signed_in(settings) as api:
            rt = api._transport.app.state.runtime
            assert (await _ingest(rt, INSULIN_PDF, api.pid)).state == JobState.done

            node.stop(port, es_dir)
            job = await _ingest(rt, POLICY_PDF, api.pid)  # the write succeeds without the engine
            assert job.state == JobState.done
            # Its passages, then their vectors, wait in the outbox for the same document.
            assert await _pending_documents(rt) == {("document", job.document_id)}
            r = await api.get(f"{api.base}/search", params={"q": "needles"})
            assert r.status_code == 503 and "cannot be reached" in r.json()["detail"]
            assert (await api.get("/api/health")).status_code == 503
            docs = (await api.get(f"{api.base}/documents")).json()
            assert len(docs) == 2  # reading from the database still works

            node.start(port, es_dir)
            await indexing.drain(rt.sessions, rt.search)
            assert await _pending(rt) == 0
            r = await api.get(f"{api.base}/search", params={"q": '"individual funding"'})
            assert r.status_code == 200 and r.json()["total"] > 0
            r = await api.get(f"{api.base}/search", params={"q": "needles"})
            assert r.json()["total"] > 0  # indexed before the outage, still there
    finally:
        node.stop(port, es_dir)


async def test_proposals_on_elasticsearch(corpus_settings, es_url, prefix):
    """The analysis flow's similarity proposals through a real node (more_like_this)."""
    from tests import study

    settings = corpus_settings.model_copy(
        update={
            "search_engine": "elasticsearch",
            "elasticsearch_url": es_url,
            "elasticsearch_index_prefix": prefix,
        }
    )
    async with signed_in(settings) as api:
        built = await study.build(api)  # the index is built from SQL at start, then synced
        excerpt = built.annotations["interview slower"]
        r = await api.get(f"{api.base}/proposals", params={"annotation_id": excerpt["id"]})
        assert r.status_code == 200, r.text
        proposals = r.json()
        assert proposals and {p["source_type"] for p in proposals} == {"document"}
        assert any("<mark>" in h for p in proposals for h in p["highlights"])
        start = built.annotations["policy ifr"]
        r = await api.get(f"{api.base}/proposals", params={"annotation_id": start["id"]})
        assert {p["source_type"] for p in r.json()} == {"interview"}
