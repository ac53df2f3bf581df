"""The test OpenID provider from Python: where it is, a client of one's own, and a
person signing in at its page (over real HTTP, as a browser would)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

ISSUER = os.environ.get("EVIDENCE_TEST_OIDC_URL", "http://127.0.0.1:9400")
USERS = json.loads((Path(__file__).parent / "users.json").read_text())


def issuer() -> str:
    """The running provider's issuer; never skipped: without it the tests fail."""
    try:
        httpx.get(f"{ISSUER}/.well-known/openid-configuration", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        pytest.fail(
            f"the test OIDC provider is not running at {ISSUER} ({exc}): start it with "
            "tests/oidc/start.sh (scripts/test.sh does)",
            pytrace=False,
        )
    return ISSUER


def register_client(redirect_uri: str) -> tuple[str, str]:
    """(client_id, client_secret) of a new confidential client (RFC 7591)."""
    r = httpx.post(
        f"{ISSUER}/reg",
        json={
            "redirect_uris": [redirect_uri],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "token_endpoint_auth_method": "client_secret_basic",
        },
        timeout=10,
    )
    assert r.status_code == 201, r.text
    return r.json()["client_id"], r.json()["client_secret"]


async def sign_in_at_provider(authorize_url: str, username: str, password: str) -> str:
    """Follows the authorization URL, fills in the provider's sign-in form, and
    answers where the provider sends the browser back (the app's callback URL)."""
    async with httpx.AsyncClient(timeout=10) as browser:
        r = await browser.get(authorize_url)
        while r.status_code in (302, 303) and r.headers["location"].startswith(("/", ISSUER)):
            r = await browser.get(urljoin(ISSUER, r.headers["location"]))
        assert r.status_code == 200 and 'id="username"' in r.text, r.text[:500]
        r = await browser.post(str(r.url), data={"username": username, "password": password})
        while r.status_code in (302, 303) and r.headers["location"].startswith(("/", ISSUER)):
            r = await browser.get(urljoin(ISSUER, r.headers["location"]))
        assert r.status_code in (302, 303), r.text[:500]
        return r.headers["location"]
