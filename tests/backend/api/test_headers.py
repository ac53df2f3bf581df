"""Security headers and cookies (issue 14 item 8): every response carries the CSP,
frame, sniffing and referrer headers; HSTS and `Secure` cookies whenever the request
came over HTTPS (here: a TLS proxy named in TRUSTED_PROXIES says so); the API docs
load nothing from elsewhere."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD, app_client, make_settings, make_user, runtime_of, signed_in

EMAIL = "owner@example.org"
HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}


def _assert_protected(r) -> None:
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp, csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


@pytest.fixture
def dist(tmp_path):
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><div id=root></div>")
    (folder / "assets" / "app-1.js").write_text("console.log('app')")
    return folder


async def test_every_kind_of_response_has_the_headers(tmp_path, database_url, dist):
    settings = make_settings(tmp_path / "data", database_url, web_dist=dist, max_upload_mb=1)
    async with signed_in(settings) as api:
        answers = {
            "web app": await api.get("/read/12"),
            "asset": await api.get("/assets/app-1.js"),
            "json": await api.get(f"{api.base}/documents"),
            "404": await api.get("/api/nowhere"),
            "422": await api.get(f"{api.base}/documents/0"),
            "docs": await api.get("/api/docs"),
            "openapi": await api.get("/api/openapi.json"),
            "early 413": await api.post(
                f"{api.base}/ingest", headers={"Content-Length": str(400 * 2**20)}
            ),
        }
        api.cookies.clear()
        answers["401"] = await api.get("/api/projects")
    for what, r in answers.items():
        assert r.status_code < 500, (what, r.status_code)
        _assert_protected(r)
        assert "strict-transport-security" not in r.headers, what  # plain HTTP here


async def test_over_https_cookies_are_secure_and_hsts_is_sent(tmp_path, database_url):
    settings = make_settings(tmp_path / "data", database_url, trusted_proxies="127.0.0.1")
    async with app_client(settings) as http:
        await make_user(runtime_of(http), EMAIL)
        r = await http.post(
            "/api/auth/login", json={"email": EMAIL, "password": PASSWORD}, headers=HTTPS
        )
        assert r.status_code == 200, r.text
        cookies = r.headers.get_list("set-cookie")
        assert len(cookies) >= 2 and all(re.search(r";\s*Secure", c) for c in cookies), cookies
        assert r.headers["strict-transport-security"].startswith("max-age=")
        _assert_protected(r)
        r = await http.get("/api/health", headers=HTTPS)
        assert "strict-transport-security" in r.headers


async def test_https_is_believed_only_from_a_trusted_proxy(settings):
    """No TRUSTED_PROXIES: a client's own X-Forwarded-Proto changes nothing."""
    async with app_client(settings) as http:
        await make_user(runtime_of(http), EMAIL)
        r = await http.post(
            "/api/auth/login", json={"email": EMAIL, "password": PASSWORD}, headers=HTTPS
        )
        assert "strict-transport-security" not in r.headers
        assert not any("Secure" in c for c in r.headers.get_list("set-cookie"))


async def test_secure_cookies_setting_marks_every_cookie(tmp_path, database_url):
    settings = make_settings(tmp_path / "data", database_url, secure_cookies=True)
    async with app_client(settings) as http:
        await make_user(runtime_of(http), EMAIL)
        r = await http.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
        cookies = r.headers.get_list("set-cookie")
        assert cookies and all(c.count("Secure") == 1 for c in cookies), cookies


async def test_api_docs_use_only_local_files(settings):
    async with app_client(settings) as http:
        assert (await http.get("/api/redoc")).status_code == 404
        for page in ("/api/docs",):
            r = await http.get(page)
            assert r.status_code == 200
            sources = re.findall(r'(?:src|href)=["\']([^"\']+)', r.text)
            assert sources and all(s.startswith("/api/docs/assets/") for s in sources), sources
            assert "<script>" not in r.text  # no inline script: CSP script-src 'self'
            for source in sources:
                asset = await http.get(source)
                assert asset.status_code == 200 and len(asset.content) > 0, source
        r = await http.get("/api/docs/assets/swagger-ui-bundle.js")
        assert r.headers["content-type"].startswith("text/javascript")
        assert len(r.content) > 500_000  # the real bundle, not a stub
        assert (await http.get("/api/docs/assets/..%2Fconsts.py")).status_code == 404
