"""Account administration: token expiry, deactivation, password reset and change,
revoking every session and token, and the audit entries each leaves."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from backend.accounts.models import ApiToken
from backend.core.time import utcnow
from tests.conftest import (
    PASSWORD,
    app_client,
    login,
    make_settings,
    make_user,
    runtime_of,
    signed_in,
)

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
async def admin(settings):
    async with signed_in(settings) as c:
        yield c


async def _account(admin, email="coder@example.org") -> int:
    return await make_user(runtime_of(admin), email)


async def _audit(admin, user_id: int) -> list[str]:
    r = await admin.get(f"/api/users/{user_id}/audit", params={"range": "[0,99]"})
    assert r.status_code == 200, r.text
    return [e["action"] for e in r.json()]


async def _token(client, **body) -> tuple[str, dict]:
    r = await client.post("/api/auth/tokens", json={"name": "script", **body})
    assert r.status_code == 201, r.text
    return r.json()["token"], r.json()["info"]


async def test_tokens_expire_after_the_default_or_asked_days(admin):
    _, info = await _token(admin)
    days = (utcnow() - timedelta(seconds=5)).date()
    assert info["expires_at"][:10] == str(days + timedelta(days=90))
    _, info = await _token(admin, expires_in_days=7)
    assert info["expires_at"][:10] == str(days + timedelta(days=7))
    r = await admin.post("/api/auth/tokens", json={"name": "long", "expires_in_days": 366})
    assert r.status_code == 422 and "at most 365 days" in r.json()["detail"]


async def test_an_expired_token_is_refused(admin):
    token, info = await _token(admin)
    rt = runtime_of(admin)
    async with app_client(rt.settings) as script:
        script.headers["Authorization"] = f"Bearer {token}"
        assert (await script.get("/api/projects")).status_code == 200
        async with rt.sessions() as session:
            await session.exec(
                update(ApiToken)
                .where(ApiToken.id == info["id"])
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
            await session.commit()
        r = await script.get("/api/projects")
    assert r.status_code == 401 and "expired" in r.json()["detail"]


async def test_token_lifetimes_are_settings(tmp_path, database_url):
    settings = make_settings(
        tmp_path / "data", database_url, api_token_default_days=5, api_token_max_days=10
    )
    async with signed_in(settings) as c:
        _, info = await _token(c)
        assert info["expires_at"][:10] == str((utcnow() + timedelta(days=5)).date())
        r = await c.post("/api/auth/tokens", json={"name": "x", "expires_in_days": 11})
        assert r.status_code == 422
    with pytest.raises(ValueError, match="longer than"):
        make_settings(tmp_path, None, api_token_default_days=20, api_token_max_days=10)


async def test_deactivation_ends_sessions_and_tokens_and_sign_in(admin):
    uid = await _account(admin)
    async with app_client(runtime_of(admin).settings) as coder:
        await login(coder, "coder@example.org")
        token, _ = await _token(coder)
        r = await admin.patch(f"/api/users/{uid}", json={"is_active": False})
        assert r.status_code == 200
        assert r.json()["is_active"] is False and r.json()["sessions"] == 0
        assert r.json()["tokens"] == 0
        assert (await coder.get("/api/auth/me")).status_code == 401
        bearer = {"Authorization": f"Bearer {token}"}
        assert (await coder.get("/api/projects", headers=bearer)).status_code == 401
        body = {"email": "coder@example.org", "password": PASSWORD}
        assert (await coder.post("/api/auth/login", json=body)).status_code == 401
        # Back on: signing in works again, the revoked token stays revoked.
        assert (await admin.patch(f"/api/users/{uid}", json={"is_active": True})).status_code == 200
        assert (await coder.post("/api/auth/login", json=body)).status_code == 200
        assert (await coder.get("/api/projects", headers=bearer)).status_code == 401
    assert {"deactivate", "activate"} <= set(await _audit(admin, uid))


async def test_an_admin_cannot_lock_everyone_out(admin):
    me = (await admin.get("/api/auth/me")).json()["user"]["id"]
    r = await admin.patch(f"/api/users/{me}", json={"is_active": False})
    assert r.status_code == 409 and "your own account" in r.json()["detail"]
    r = await admin.patch(f"/api/users/{me}", json={"role": "user"})
    assert r.status_code == 409 and "at least one active" in r.json()["detail"]
    other = await _account(admin, "second@example.org")
    assert (await admin.patch(f"/api/users/{other}", json={"role": "admin"})).status_code == 200
    r = await admin.patch(f"/api/users/{me}", json={"role": "user", "name": "Former"})
    assert r.status_code == 200 and r.json()["role"] == "user"
    async with app_client(runtime_of(admin).settings) as second:
        await login(second, "second@example.org")
        assert {"change_role", "rename"} <= set(await _audit(second, me))


async def test_reset_password_makes_the_user_choose_a_new_one(admin):
    uid = await _account(admin)
    async with app_client(runtime_of(admin).settings) as coder:
        await login(coder, "coder@example.org")
        r = await admin.post(f"/api/users/{uid}/password", json={})
        temporary = r.json()["temporary_password"]
        assert r.status_code == 200 and len(temporary) >= 12
        assert (await coder.get("/api/auth/me")).status_code == 401  # sessions ended
        body = {"email": "coder@example.org", "password": PASSWORD}
        assert (await coder.post("/api/auth/login", json=body)).status_code == 401
        r = await coder.post("/api/auth/login", json={**body, "password": temporary})
        assert r.status_code == 200 and r.json() == {
            "user": None,
            "csrf_token": None,
            "next": "change_password",
            "recovery_codes": None,
        }
        assert "ew_session" not in r.headers.get("set-cookie", "")
        assert (await coder.get("/api/auth/me")).status_code == 401
        r = await coder.post("/api/auth/login/password", json={"new_password": NEW_PASSWORD})
        assert r.status_code == 200 and r.json()["user"]["email"] == "coder@example.org"
        coder.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        assert (await coder.get("/api/auth/me")).status_code == 200
        # The challenge is spent; the new password signs in directly.
        again = await coder.post("/api/auth/login/password", json={"new_password": NEW_PASSWORD})
        assert again.status_code == 401
        await login(coder, "coder@example.org", NEW_PASSWORD)
    assert {"reset_password", "change_password"} <= set(await _audit(admin, uid))


async def test_admin_may_choose_the_temporary_password(admin):
    uid = await _account(admin)
    r = await admin.post(f"/api/users/{uid}/password", json={"password": "chosen by admin"})
    assert r.status_code == 200 and r.json() == {"temporary_password": None}
    r = await admin.post(f"/api/users/{uid}/password", json={"password": "short"})
    assert r.status_code == 422


async def test_revoke_ends_every_session_and_token(admin):
    uid = await _account(admin)
    settings = runtime_of(admin).settings
    async with app_client(settings) as laptop, app_client(settings) as desktop:
        await login(laptop, "coder@example.org")
        await login(desktop, "coder@example.org")
        token, _ = await _token(laptop)
        r = await admin.post(f"/api/users/{uid}/revoke")
        assert r.status_code == 200 and r.json() == {"sessions": 2, "tokens": 1}
        assert (await laptop.get("/api/auth/me")).status_code == 401
        assert (await desktop.get("/api/auth/me")).status_code == 401
        r = await desktop.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401
    assert "revoke_access" in await _audit(admin, uid)


async def test_own_password_change_ends_the_other_sessions(admin):
    await _account(admin)
    settings = runtime_of(admin).settings
    async with app_client(settings) as here, app_client(settings) as there:
        await login(here, "coder@example.org")
        await login(there, "coder@example.org")
        token, _ = await _token(here)
        body = {"current_password": "not it at all", "new_password": NEW_PASSWORD}
        r = await here.post("/api/auth/password", json=body)
        assert r.status_code == 403 and "current password" in r.json()["detail"]
        body["current_password"] = PASSWORD
        r = await here.post("/api/auth/password", json=body)
        assert r.status_code == 200 and r.json() == {"other_sessions_ended": 1}
        assert (await here.get("/api/auth/me")).status_code == 200
        assert (await there.get("/api/auth/me")).status_code == 401
        r = await there.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200  # tokens are revoked one by one, or by an admin
        await login(there, "coder@example.org", NEW_PASSWORD)


async def test_sign_in_replaces_the_session_the_browser_had(admin):
    await _account(admin)
    async with app_client(runtime_of(admin).settings) as coder:
        await login(coder, "coder@example.org")
        old = coder.cookies["ew_session"]
        await login(coder, "coder@example.org")
        assert coder.cookies["ew_session"] != old
        coder.cookies.set("ew_session", old)
        assert (await coder.get("/api/auth/me")).status_code == 401


async def test_account_administration_is_for_account_admins(admin):
    uid = await _account(admin)
    async with app_client(runtime_of(admin).settings) as coder:
        await login(coder, "coder@example.org")
        for method, path, body in (
            ("GET", "/api/users", None),
            ("GET", f"/api/users/{uid}", None),
            ("PATCH", f"/api/users/{uid}", {"role": "admin"}),
            ("POST", f"/api/users/{uid}/password", {}),
            ("POST", f"/api/users/{uid}/revoke", None),
            ("GET", f"/api/users/{uid}/audit", None),
        ):
            r = await coder.request(method, path, json=body)
            assert r.status_code == 403, (method, path)
    assert (await admin.get("/api/users/999999")).status_code == 404
    listed = (await admin.get("/api/users")).json()
    assert {"sessions", "tokens", "has_password", "must_change_password"} <= set(listed[0])
    assert "password_hash" not in listed[0]
