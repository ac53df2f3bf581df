"""The backend on the tantivy engine: ingest, the outbox, and the API's search."""

from backend.ingest_jobs import worker
from tests.conftest import INSULIN_PDF, make_settings, signed_in


async def test_api_search_on_tantivy(tmp_path, database_url):
    settings = make_settings(tmp_path / "data", database_url, search_engine="tantivy")
    async with signed_in(settings) as api:
        r = await api.post(
            f"{api.base}/ingest", files=[("files", (INSULIN_PDF.name, INSULIN_PDF.read_bytes()))]
        )
        rt = api._transport.app.state.runtime
        await worker.run_job(rt, r.json()[0]["id"])
        r = await api.get(f"{api.base}/search", params={"q": "needle*", "limit": 3})
        body = r.json()
        assert r.status_code == 200 and body["engine"] == "tantivy"
        assert body["total"] > 3 and len(body["hits"]) == 3
        assert "<mark>" in " ".join(body["hits"][0]["highlights"])
        assert body["facets"]["document_type"][0]["count"] == body["total"]
        r = await api.get(
            f"{api.base}/search", params={"q": "needle*", "cursor": body["next_cursor"]}
        )
        assert r.status_code == 200 and r.json()["hits"][0]["passage"]["id"] not in {
            h["passage"]["id"] for h in body["hits"]
        }
        r = await api.get(f"{api.base}/search", params={"q": '"needle'})
        assert r.status_code == 400 and r.json()["position"] == 0
        r = await api.get(f"{api.base}/search", params={"q": "needel~1"})
        assert r.status_code == 400 and "fuzzy" in r.json()["detail"]
