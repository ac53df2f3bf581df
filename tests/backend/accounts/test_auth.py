"""Authentication and authorisation: sessions, CSRF, tokens, roles, project isolation."""

import pytest

from tests.conftest import (
    PASSWORD,
    add_member,
    app_client,
    login,
    make_user,
    runtime_of,
    signed_in,
)


@pytest.fixture
async def owner(settings):
    async with signed_in(settings) as c:
        yield c


async def test_no_session_is_401_everywhere_but_health_and_login(settings):
    async with app_client(settings) as anon:
        for path in (
            "/api/projects",
            "/api/auth/me",
            "/api/projects/1/documents",
            "/api/projects/1/search?q=a",
            "/api/users",
        ):
            r = await anon.get(path)
            assert r.status_code == 401, path
            assert r.json()["detail"] == "sign in first"
        assert (await anon.get("/api/health")).status_code == 200


async def test_wrong_password_and_unknown_account_look_the_same(settings):
    async with app_client(settings) as anon:
        await make_user(runtime_of(anon), "a@example.org")
        r1 = await anon.post("/api/auth/login", json={"email": "a@example.org", "password": "no"})
        r2 = await anon.post("/api/auth/login", json={"email": "b@example.org", "password": "no"})
    assert r1.status_code == r2.status_code == 401
    assert r1.json() == r2.json() == {"detail": "wrong email or password"}


async def test_session_cookie_is_httponly_and_samesite(settings):
    async with app_client(settings) as anon:
        await make_user(runtime_of(anon), "a@example.org")
        r = await anon.post(
            "/api/auth/login", json={"email": "A@Example.org ", "password": PASSWORD}
        )
    cookie = r.headers.get_list("set-cookie")
    session = next(c for c in cookie if c.startswith("ew_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session
    assert PASSWORD not in r.text and "password" not in r.json()["user"]


async def test_unsafe_request_without_csrf_header_is_refused(owner):
    token = owner.headers.pop("X-CSRF-Token")
    r = await owner.post("/api/projects", json={"name": "forged"})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = await owner.post(
        "/api/projects", json={"name": "forged"}, headers={"X-CSRF-Token": "guess"}
    )
    assert r.status_code == 403
    owner.headers["X-CSRF-Token"] = token
    assert (await owner.post("/api/projects", json={"name": "real"})).status_code == 201
    names = [p["name"] for p in (await owner.get("/api/projects")).json()]
    assert "forged" not in names


async def test_logout_ends_the_session(owner):
    assert (await owner.post("/api/auth/logout")).status_code == 204
    assert (await owner.get("/api/auth/me")).status_code == 401


async def test_api_tokens_work_without_csrf_and_can_be_revoked(owner):
    r = await owner.post("/api/auth/tokens", json={"name": "script"})
    assert r.status_code == 201
    token, token_id = r.json()["token"], r.json()["info"]["id"]
    listed = (await owner.get("/api/auth/tokens")).json()
    assert token not in str(listed) and listed[0]["prefix"] == token[:10]
    async with app_client(owner._transport.app.state.runtime.settings) as script:
        script.headers["Authorization"] = f"Bearer {token}"
        assert (await script.post("/api/projects", json={"name": "by script"})).status_code == 201
        await owner.delete(f"/api/auth/tokens/{token_id}")
        r = await script.get("/api/projects")
        assert r.status_code == 401 and "token" in r.json()["detail"]


async def test_login_is_rate_limited(settings):
    async with app_client(settings) as anon:
        await make_user(runtime_of(anon), "a@example.org")
        for _ in range(5):
            r = await anon.post(
                "/api/auth/login", json={"email": "a@example.org", "password": "wrong"}
            )
            assert r.status_code == 401
        r = await anon.post(
            "/api/auth/login", json={"email": "a@example.org", "password": PASSWORD}
        )
        assert r.status_code == 429 and r.headers["retry-after"]


async def test_viewer_cannot_write_and_outsider_sees_404(owner):
    rt = runtime_of(owner)
    viewer_id = await make_user(rt, "viewer@example.org")
    await make_user(rt, "outsider@example.org")
    await add_member(rt, owner.pid, viewer_id, "viewer")
    async with app_client(rt.settings) as viewer, app_client(rt.settings) as outsider:
        await login(viewer, "viewer@example.org")
        await login(outsider, "outsider@example.org")
        assert (await viewer.get(f"{owner.base}/documents")).status_code == 200
        files = [("files", ("a.txt", b"some text here", "text/plain"))]
        r = await viewer.post(f"{owner.base}/ingest", files=files)
        assert r.status_code == 403 and "coder" in r.json()["detail"]
        for path in ("", "/documents", "/documents/1", "/search?q=a", "/ingest/jobs"):
            r = await outsider.get(f"{owner.base}{path}")
            assert r.status_code == 404, path


async def test_members_and_roles(owner):
    rt = runtime_of(owner)
    await make_user(rt, "coder@example.org")
    r = await owner.post(
        f"{owner.base}/members", json={"email": "coder@example.org", "role": "coder"}
    )
    assert r.status_code == 201
    member_id = r.json()["id"]
    r = await owner.post(
        f"{owner.base}/members", json={"email": "coder@example.org", "role": "viewer"}
    )
    assert r.status_code == 409
    r = await owner.post(
        f"{owner.base}/members", json={"email": "ghost@example.org", "role": "viewer"}
    )
    assert r.status_code == 422
    r = await owner.patch(f"{owner.base}/members/{member_id}", json={"role": "viewer"})
    assert r.json()["role"] == "viewer"
    me = next(
        m
        for m in (await owner.get(f"{owner.base}/members")).json()
        if m["email"] == "owner@example.org"
    )
    r = await owner.patch(f"{owner.base}/members/{me['id']}", json={"role": "coder"})
    assert r.status_code == 409 and "at least one admin" in r.json()["detail"]
    assert (await owner.delete(f"{owner.base}/members/{member_id}")).status_code == 204
    actions = [e["action"] for e in (await owner.get(f"{owner.base}/audit")).json()]
    assert {"add_member", "change_role", "remove_member"} <= set(actions)


async def test_only_account_admins_create_accounts(owner):
    rt = runtime_of(owner)
    body = {"email": "new@example.org", "name": "New", "password": "long enough pw"}
    assert (await owner.post("/api/users", json=body)).status_code == 201
    await make_user(rt, "plain@example.org")
    async with app_client(rt.settings) as plain:
        await login(plain, "plain@example.org")
        body["email"] = "other@example.org"
        assert (await plain.post("/api/users", json=body)).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "name": "x", "password": "long enough pw"},
        {"email": "a@b.org", "name": "x", "password": "short"},
        {"email": "a@b.org", "name": "", "password": "long enough pw"},
        {"email": "a@b.org", "name": "x", "password": "long enough pw", "role": "god"},
    ],
)
async def test_bad_accounts_are_422(owner, body):
    assert (await owner.post("/api/users", json=body)).status_code == 422
