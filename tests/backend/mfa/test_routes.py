"""TOTP as users meet it: enrol, sign in with a code or a recovery code, the rate
limit, a deployment that requires it, an administrator's reset."""

import asyncio
import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import update
from sqlmodel import select

from backend.core.time import utcnow
from backend.mfa.models import UserTotp
from tests.conftest import (
    PASSWORD,
    app_client,
    login,
    make_settings,
    make_user,
    runtime_of,
    signed_in,
)

EMAIL = "coder@example.org"
CREDENTIALS = {"email": EMAIL, "password": PASSWORD}


def steady() -> None:
    """Waits out the last seconds of a 30 s step, so codes made for the steps around
    now are still around now when the server checks them."""
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.1)


def code(secret: str, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


async def enrol(client) -> tuple[str, list[str]]:
    """Turns TOTP on for the signed-in client: (secret, recovery codes)."""
    steady()
    r = await client.post("/api/auth/totp/enrol")
    assert r.status_code == 200, r.text
    secret = r.json()["secret"]
    assert r.json()["otpauth_uri"].startswith("otpauth://totp/")
    r = await client.post("/api/auth/totp/confirm", json={"code": code(secret, -1)})
    assert r.status_code == 200, r.text
    return secret, r.json()["codes"]


@pytest.fixture
async def admin(settings):
    async with signed_in(settings) as c:
        yield c


@pytest.fixture
async def coder(admin):
    await make_user(runtime_of(admin), EMAIL)
    async with app_client(runtime_of(admin).settings) as c:
        await login(c, EMAIL)
        yield c


async def _audit(admin, user_id: int) -> list[str]:
    r = await admin.get(f"/api/users/{user_id}/audit", params={"range": "[0,99]"})
    return [e["action"] for e in r.json()]


async def test_enrol_then_sign_in_with_a_code(admin, coder):
    secret, codes = await enrol(coder)
    assert len(codes) == 10
    status = (await coder.get("/api/auth/totp")).json()
    assert status == {"enabled": True, "required": False, "recovery_codes_left": 10}
    coder.cookies.clear()
    r = await coder.post("/api/auth/login", json=CREDENTIALS)
    assert r.status_code == 200 and r.json()["next"] == "totp" and r.json()["user"] is None
    assert "ew_session" not in coder.cookies
    assert (await coder.get("/api/auth/me")).status_code == 401
    r = await coder.post("/api/auth/login/totp", json={"code": "000000"})
    assert r.status_code == 401 and r.json()["detail"] == "wrong code"
    right = code(secret)
    r = await coder.post("/api/auth/login/totp", json={"code": right})
    assert r.status_code == 200 and r.json()["user"]["email"] == EMAIL
    assert (await coder.get("/api/auth/me")).status_code == 200
    # The same code cannot sign in a second time (replay).
    async with app_client(runtime_of(admin).settings) as thief:
        await thief.post("/api/auth/login", json=CREDENTIALS)
        r = await thief.post("/api/auth/login/totp", json={"code": right})
        assert r.status_code == 401
    uid = (await coder.get("/api/auth/me")).json()["user"]["id"]
    assert "enable_totp" in await _audit(admin, uid)
    users = {u["email"]: u for u in (await admin.get("/api/users")).json()}
    assert users[EMAIL]["totp_enabled"] is True


async def test_the_secret_is_encrypted_at_rest(coder):
    secret, _ = await enrol(coder)
    async with runtime_of(coder).sessions() as session:
        stored = (await session.exec(select(UserTotp))).one().secret
    assert secret not in stored and len(stored) > 60


async def test_a_recovery_code_signs_in_once(coder):
    _, codes = await enrol(coder)
    coder.cookies.clear()
    for expected in (200, 401):
        await coder.post("/api/auth/login", json=CREDENTIALS)
        r = await coder.post("/api/auth/login/totp", json={"code": codes[0].upper()})
        assert r.status_code == expected, r.text
    await coder.post("/api/auth/login", json=CREDENTIALS)
    r = await coder.post("/api/auth/login/totp", json={"code": codes[1]})
    coder.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    assert (await coder.get("/api/auth/totp")).json()["recovery_codes_left"] == 8


async def test_parallel_guesses_are_counted_before_they_are_checked(admin, coder):
    secret, _ = await enrol(coder)
    settings = runtime_of(admin).settings
    guessers = [app_client(settings) for _ in range(4)]
    clients = [await g.__aenter__() for g in guessers]
    try:
        for c in clients:
            assert (await c.post("/api/auth/login", json=CREDENTIALS)).json()["next"] == "totp"
        guesses = [
            c.post("/api/auth/login/totp", json={"code": f"{n:06d}"})
            for n, c in enumerate(clients * 3)
        ]
        answers = [r.status_code for r in await asyncio.gather(*guesses)]
        assert answers.count(401) == 5 and set(answers) <= {401, 429}
        # The owner, with the right code, waits out the window too ...
        await coder.post("/api/auth/login", json=CREDENTIALS)
        r = await coder.post("/api/auth/login/totp", json={"code": code(secret)})
        assert r.status_code == 429 and "wait 15 minutes" in r.json()["detail"]
        # ... and gets in once it has passed.
        async with runtime_of(admin).sessions() as session:
            await session.exec(
                update(UserTotp).values(window_start=utcnow() - timedelta(minutes=16))
            )
            await session.commit()
        r = await coder.post("/api/auth/login/totp", json={"code": code(secret)})
        assert r.status_code == 200, r.text
    finally:
        for g in guessers:
            await g.__aexit__(None, None, None)


async def test_three_wrong_codes_end_the_sign_in(coder):
    await enrol(coder)
    coder.cookies.clear()
    await coder.post("/api/auth/login", json=CREDENTIALS)
    for _ in range(3):
        r = await coder.post("/api/auth/login/totp", json={"code": "123456"})
    r = await coder.post("/api/auth/login/totp", json={"code": "123456"})
    assert r.status_code == 401 and "sign in again" in r.json()["detail"]


async def test_turn_off_with_the_password_and_an_admin_reset(admin, coder):
    await enrol(coder)
    r = await coder.post("/api/auth/totp/disable", json={"password": "not mine"})
    assert r.status_code == 403
    assert (
        await coder.post("/api/auth/totp/disable", json={"password": PASSWORD})
    ).status_code == 204
    assert (await coder.get("/api/auth/totp")).json()["enabled"] is False
    await enrol(coder)
    uid = (await coder.get("/api/auth/me")).json()["user"]["id"]
    assert (await admin.delete(f"/api/users/{uid}/totp")).status_code == 204
    assert (await admin.delete(f"/api/users/{uid}/totp")).status_code == 404
    coder.cookies.clear()
    r = await coder.post("/api/auth/login", json=CREDENTIALS)
    assert r.json()["user"]["email"] == EMAIL  # password alone again
    assert {"enable_totp", "disable_totp", "reset_totp"} <= set(await _audit(admin, uid))


async def test_a_required_factor_is_enrolled_at_the_next_sign_in(tmp_path, database_url):
    settings = make_settings(tmp_path / "data", database_url, totp_required=True)
    async with app_client(settings) as anon:
        await make_user(runtime_of(anon), EMAIL)
        r = await anon.post("/api/auth/login", json=CREDENTIALS)
        assert r.json()["next"] == "enrol_totp"
        # No skipping to another step, and no way around it.
        assert (await anon.post("/api/auth/login/totp", json={"code": "123456"})).status_code == 409
        assert (await anon.get("/api/auth/me")).status_code == 401
        steady()
        secret = (await anon.post("/api/auth/login/totp/enrol")).json()["secret"]
        r = await anon.post("/api/auth/login/totp/confirm", json={"code": code(secret, -1)})
        assert r.status_code == 200 and r.json()["user"]["email"] == EMAIL
        assert len(r.json()["recovery_codes"]) == 10
        anon.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        status = (await anon.get("/api/auth/totp")).json()
        assert status["enabled"] and status["required"]
        r = await anon.post("/api/auth/totp/disable", json={"password": PASSWORD})
        assert r.status_code == 409
        # Next time: the code.
        anon.cookies.clear()
        assert (await anon.post("/api/auth/login", json=CREDENTIALS)).json()["next"] == "totp"
        r = await anon.post("/api/auth/login/totp", json={"code": code(secret)})
        assert r.status_code == 200


async def test_code_then_new_password_after_a_reset(admin, coder):
    secret, _ = await enrol(coder)
    uid = (await coder.get("/api/auth/me")).json()["user"]["id"]
    temporary = (await admin.post(f"/api/users/{uid}/password", json={})).json()
    body = {"email": EMAIL, "password": temporary["temporary_password"]}
    assert (await coder.post("/api/auth/login", json=body)).json()["next"] == "totp"
    r = await coder.post("/api/auth/login/password", json={"new_password": "x" * 12})
    assert r.status_code == 409  # the code comes first
    r = await coder.post("/api/auth/login/totp", json={"code": code(secret)})
    assert r.json()["next"] == "change_password"
    r = await coder.post("/api/auth/login/password", json={"new_password": "x" * 12})
    assert r.status_code == 200 and r.json()["user"]["email"] == EMAIL


async def test_a_changed_secret_key_is_a_message_not_a_500(tmp_path, database_url):
    first = make_settings(tmp_path / "data", database_url, secret_key="the first key")
    async with app_client(first) as c:
        await make_user(runtime_of(c), EMAIL)
        await login(c, EMAIL)
        await enrol(c)
    second = make_settings(tmp_path / "data", database_url, secret_key="another key")
    async with app_client(second) as c:
        await c.post("/api/auth/login", json=CREDENTIALS)
        r = await c.post("/api/auth/login/totp", json={"code": "123456"})
    assert r.status_code == 409 and "secret key changed" in r.json()["detail"]
