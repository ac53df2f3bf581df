"""The web app's build served at / next to /api: deep links get index.html, unknown
API and asset paths keep their 404, assets are cached and sent gzipped, and API
JSON is compressed (event streams are not)."""

import gzip

import pytest

from tests.conftest import make_settings, signed_in


@pytest.fixture
def dist(tmp_path):
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><div id=root></div>")
    (folder / "assets" / "app-1234.js").write_text("console.log('app')" * 200)
    (folder / "assets" / "app-1234.js.gz").write_bytes(gzip.compress(b"console.log('app')" * 200))
    return folder


@pytest.fixture
async def web(tmp_path, database_url, dist):
    async with signed_in(make_settings(tmp_path / "data", database_url, web_dist=dist)) as c:
        yield c


async def test_deep_links_get_the_app_and_api_404s_stay(web):
    for path in ("/", "/read/12", "/theories/3/show"):
        r = await web.get(path)
        assert r.status_code == 200 and "root" in r.text
        assert r.headers["cache-control"] == "no-cache"
    r = await web.get("/api/nowhere")
    assert r.status_code == 404 and r.json()["detail"]
    assert (await web.get("/assets/missing.js")).status_code == 404


async def test_assets_are_immutable_and_gzipped(web):
    r = await web.get("/assets/app-1234.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert "immutable" in r.headers["cache-control"]
    assert r.text.startswith("console.log")  # httpx decoded it


async def test_api_json_is_compressed(web):
    r = await web.get("/api/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers.get("content-encoding") == "gzip"


async def test_without_a_build_a_placeholder_points_to_the_api(tmp_path, database_url):
    settings = make_settings(tmp_path / "data", database_url, web_dist=tmp_path / "none")
    async with signed_in(settings) as c:
        r = await c.get("/")
        assert r.status_code == 200 and "/api/docs" in r.text
