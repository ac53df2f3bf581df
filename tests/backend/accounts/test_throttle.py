"""Sign-in abuse (issue 14 item 7): attempts are counted before the password is
checked, so parallel guesses get no more checks than allowed; a guesser is slowed
down per account *and* address, so the owner elsewhere still signs in; forwarded
addresses are believed only from configured proxies."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from backend.accounts import throttle
from backend.accounts.models import LoginAttempt
from backend.core.time import utcnow
from tests.conftest import PASSWORD, app_client, make_settings, make_user, runtime_of
from tests.live_server import LiveServer

EMAIL = "owner@example.org"


def _login(password: str, forwarded: str | None = None, email: str = EMAIL) -> dict:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return {"json": {"email": email, "password": password}, "headers": headers}


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, stopped, and moved by hand."""
    start, offset = utcnow(), [timedelta(0)]
    monkeypatch.setattr(throttle, "utcnow", lambda: start + offset[0])
    return offset


def test_the_delay_starts_at_30_s_and_doubles_up_to_15_minutes():
    free = throttle.FREE_PER_ACCOUNT_AND_ADDRESS
    delays = [throttle.delay_seconds(n, free) for n in range(1, free + 13)]
    assert delays[: free - 1] == [0.0] * (free - 1)
    assert delays[free - 1 : free + 4] == [30.0, 60.0, 120.0, 240.0, 480.0]
    assert delays[-1] == throttle.MAX_DELAY_SECONDS


async def test_30_parallel_wrong_passwords_get_only_the_free_checks(tmp_path, database_url):
    """Over real HTTP, all at once: 5 passwords are checked, 25 refused unchecked."""
    settings = make_settings(tmp_path / "data", database_url)
    async with LiveServer(settings) as srv:
        await make_user(srv.runtime, EMAIL)
        async with srv.client(timeout=60) as http:
            answers = await asyncio.gather(
                *(http.post("/api/auth/login", **_login(f"guess {i}")) for i in range(30))
            )
        codes = sorted(r.status_code for r in answers)
        assert codes == [401] * 5 + [429] * 25, codes
        refused = next(r for r in answers if r.status_code == 429)
        assert int(refused.headers["retry-after"]) >= 1
        async with srv.runtime.sessions() as session:
            checked = (await session.exec(select(func.count()).select_from(LoginAttempt))).one()
        assert checked == 5


async def test_the_owner_elsewhere_is_not_locked_out(tmp_path, database_url):
    settings = make_settings(tmp_path / "data", database_url, trusted_proxies="127.0.0.1")
    async with app_client(settings) as http:
        await make_user(runtime_of(http), EMAIL)
        attacker = "203.0.113.9"
        codes = [
            (await http.post("/api/auth/login", **_login("guess", attacker))).status_code
            for _ in range(8)
        ]
        assert codes == [401] * 5 + [429] * 3
        r = await http.post("/api/auth/login", **_login(PASSWORD, "198.51.100.7"))
        assert r.status_code == 200, r.text


async def test_the_delay_grows_and_a_right_password_resets_it(settings, clock):
    async with app_client(settings) as http:
        await make_user(runtime_of(http), EMAIL)
        for _ in range(5):
            assert (await http.post("/api/auth/login", **_login("guess"))).status_code == 401
        r = await http.post("/api/auth/login", **_login(PASSWORD))
        assert r.status_code == 429 and r.headers["retry-after"] == "30"
        clock[0] += timedelta(seconds=30)
        assert (await http.post("/api/auth/login", **_login("guess"))).status_code == 401
        r = await http.post("/api/auth/login", **_login("guess"))
        assert r.status_code == 429 and r.headers["retry-after"] == "60"
        clock[0] += timedelta(seconds=60)
        assert (await http.post("/api/auth/login", **_login(PASSWORD))).status_code == 200
        assert (await http.post("/api/auth/login", **_login("typo"))).status_code == 401


async def test_forwarded_for_from_an_unconfigured_peer_is_ignored(settings):
    """No TRUSTED_PROXIES, real HTTP from 127.0.0.1 as `evidence serve` runs it: a
    client cannot claim a new address per guess."""
    async with LiveServer(settings) as srv:
        await make_user(srv.runtime, EMAIL)
        async with srv.client() as http:
            codes = [
                (await http.post("/api/auth/login", **_login("guess", f"192.0.2.{i}"))).status_code
                for i in range(7)
            ]
        assert codes == [401] * 5 + [429] * 2
        async with srv.runtime.sessions() as session:
            ips = set((await session.exec(select(LoginAttempt.ip))).all())
        assert ips == {"127.0.0.1"}


async def test_forwarded_for_from_a_configured_proxy_names_the_client(tmp_path, database_url):
    settings = make_settings(tmp_path / "data", database_url, trusted_proxies="127.0.0.0/8")
    async with app_client(settings) as http:
        await make_user(runtime_of(http), EMAIL)
        # A client's own claim comes first; the proxy appends the address it saw.
        for i in range(6):
            forwarded = f"192.0.2.{i}, 203.0.113.9"
            r = await http.post("/api/auth/login", **_login("guess", forwarded))
        assert r.status_code == 429
        async with runtime_of(http).sessions() as session:
            ips = set((await session.exec(select(LoginAttempt.ip))).all())
        assert ips == {"203.0.113.9"}


async def test_one_address_spraying_many_accounts_is_slowed(settings):
    async with app_client(settings) as http:
        free = throttle.FREE_PER_ADDRESS
        codes = [
            (await http.post("/api/auth/login", **_login("guess", email=f"u{i}@x.org"))).status_code
            for i in range(free + 1)
        ]
        assert codes == [401] * free + [429]
