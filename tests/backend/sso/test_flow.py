"""Single sign-on against a real OpenID provider (tests/oidc: panva's oidc-provider
on 127.0.0.1): authorization code with PKCE, discovery, ID token, userinfo, and how
a provider's person becomes (or does not become) a local account."""

from urllib.parse import parse_qs, urlparse

import pytest

from backend.accounts.models import User
from tests.conftest import app_client, login, make_settings, make_user, runtime_of
from tests.oidc.provider import USERS, issuer, register_client, sign_in_at_provider

CALLBACK = "http://testserver/api/auth/oidc/callback"


def sso_settings(tmp_path, database_url, **overrides):
    client_id, secret = register_client(CALLBACK)
    return make_settings(
        tmp_path / "data",
        database_url,
        oidc_issuer=issuer(),
        oidc_client_id=client_id,
        oidc_client_secret=secret,
        **overrides,
    )


async def sso(client, who: str, *, link: bool = False):
    """The browser's whole trip: start, the provider's page, back to the callback."""
    r = await client.get("/api/auth/oidc/start", params={"link": "true"} if link else None)
    assert r.status_code == 302, r.text
    authorize = r.headers["location"]
    query = parse_qs(urlparse(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    back = await sign_in_at_provider(authorize, who, USERS[who]["password"])
    assert back.startswith(CALLBACK), back
    return await client.get(back.removeprefix("http://testserver"))


def refused(r) -> str:
    assert r.status_code == 302 and r.headers["location"].startswith("/login?"), r.headers
    return parse_qs(urlparse(r.headers["location"]).query)["sso_error"][0]


async def _audit(rt) -> list[tuple[str, dict]]:
    from sqlmodel import select

    from backend.projects.models import AuditEvent

    async with rt.sessions() as session:
        rows = (await session.exec(select(AuditEvent).order_by(AuditEvent.id))).all()
    return [(e.action, e.detail) for e in rows]


async def test_first_sign_in_creates_an_account_then_the_subject_signs_in(tmp_path, database_url):
    settings = sso_settings(
        tmp_path, database_url, oidc_create_accounts=True, oidc_allowed_domains="nhs.test"
    )
    async with app_client(settings) as browser:
        assert (await browser.get("/api/auth/oidc")).json()["enabled"] is True
        r = await sso(browser, "alice")
        assert r.status_code == 302 and r.headers["location"] == "/"
        me = (await browser.get("/api/auth/me")).json()["user"]
        assert me["email"] == "alice@nhs.test" and me["name"] == "Alice Example"
        assert me["role"] == "user"  # no rights beyond signing in; no project
        browser.cookies.clear()
        assert (await sso(browser, "alice")).headers["location"] == "/"
        assert (await browser.get("/api/auth/me")).json()["user"]["id"] == me["id"]
        identities = (await browser.get("/api/auth/identities")).json()
        assert [i["issuer"] for i in identities] == [issuer()]
        actions = await _audit(runtime_of(browser))
    assert ("link_identity", {"issuer": issuer(), "how": "new_account"}) in actions
    assert [a for a, d in actions if a == "sign_in" and d == {"method": "oidc"}] == [
        "sign_in",
        "sign_in",
    ]


async def test_never_linked_silently_by_email(tmp_path, database_url):
    settings = sso_settings(tmp_path, database_url)
    async with app_client(settings) as browser:
        await make_user(runtime_of(browser), "alice@nhs.test")
        message = refused(await sso(browser, "alice"))
        assert "not linked to this sign-in" in message
        assert (await browser.get("/api/auth/me")).status_code == 401


async def test_link_by_email_when_configured(tmp_path, database_url):
    settings = sso_settings(tmp_path, database_url, oidc_link_by_email=True)
    async with app_client(settings) as browser:
        uid = await make_user(runtime_of(browser), "alice@nhs.test")
        assert (await sso(browser, "alice")).headers["location"] == "/"
        assert (await browser.get("/api/auth/me")).json()["user"]["id"] == uid
        # An unverified address is no proof, even then.
        await make_user(runtime_of(browser), "bob@nhs.test")
        browser.cookies.clear()
        assert "not linked" in refused(await sso(browser, "bob"))


async def test_a_signed_in_user_links_their_provider_account(tmp_path, database_url):
    settings = sso_settings(tmp_path, database_url)
    async with app_client(settings) as browser:
        uid = await make_user(runtime_of(browser), "a.local@example.org")
        await login(browser, "a.local@example.org")
        r = await sso(browser, "alice", link=True)
        assert r.headers["location"] == "/account?linked=1"
        browser.cookies.clear()
        assert (await sso(browser, "alice")).headers["location"] == "/"
        assert (await browser.get("/api/auth/me")).json()["user"]["id"] == uid
        # That provider account cannot be linked to a second local one.
        await make_user(runtime_of(browser), "other@example.org")
        browser.cookies.clear()
        await login(browser, "other@example.org")
        assert "already linked" in refused(await sso(browser, "alice", link=True))
        # Unlinking needs a way in left: this account has a password.
        browser.cookies.clear()
        await login(browser, "a.local@example.org")
        [identity] = (await browser.get("/api/auth/identities")).json()
        assert (await browser.delete(f"/api/auth/identities/{identity['id']}")).status_code == 204
        actions = [a for a, _ in await _audit(runtime_of(browser))]
        assert {"link_identity", "unlink_identity"} <= set(actions)


async def test_domains_and_unverified_addresses_are_refused(tmp_path, database_url):
    settings = sso_settings(
        tmp_path, database_url, oidc_create_accounts=True, oidc_allowed_domains="nhs.test"
    )
    async with app_client(settings) as browser:
        assert "elsewhere.test may not sign in" in refused(await sso(browser, "carol"))
        assert "vouched for no email" in refused(await sso(browser, "bob"))
        async with runtime_of(browser).sessions() as session:
            from sqlmodel import select

            assert (await session.exec(select(User))).all() == []


async def test_a_deactivated_account_cannot_sign_in_through_the_provider(tmp_path, database_url):
    settings = sso_settings(
        tmp_path, database_url, oidc_create_accounts=True, oidc_allowed_domains="nhs.test"
    )
    async with app_client(settings) as browser:
        await sso(browser, "alice")
        await make_user(runtime_of(browser), "admin@example.org", admin=True)
        async with app_client(settings) as admin:
            await login(admin, "admin@example.org")
            uid = (await browser.get("/api/auth/me")).json()["user"]["id"]
            await admin.patch(f"/api/users/{uid}", json={"is_active": False})
        browser.cookies.clear()
        assert "deactivated" in refused(await sso(browser, "alice"))


async def test_the_answer_must_come_back_to_the_browser_that_left(tmp_path, database_url):
    settings = sso_settings(
        tmp_path, database_url, oidc_create_accounts=True, oidc_allowed_domains="nhs.test"
    )
    async with app_client(settings) as victim, app_client(settings) as attacker:
        r = await attacker.get("/api/auth/oidc/start")
        back = await sign_in_at_provider(r.headers["location"], "alice", "alice-at-the-idp")
        path = back.removeprefix("http://testserver")
        # The attacker's code in the victim's browser (login CSRF): no trip cookie.
        assert "another browser" in refused(await victim.get(path))
        # The victim's own trip, with the attacker's state: refused too.
        await victim.get("/api/auth/oidc/start")
        assert "(state)" in refused(await victim.get(path))
        assert (await victim.get("/api/auth/me")).status_code == 401
        # The attacker's trip is single-use: its code works once.
        assert (await attacker.get(path)).headers["location"] == "/"
        assert refused(await attacker.get(path))


async def test_without_configuration_there_is_no_sso(settings):
    async with app_client(settings) as browser:
        assert (await browser.get("/api/auth/oidc")).json() == {
            "enabled": False,
            "display_name": "single sign-on",
        }
        assert "not set up" in refused(await browser.get("/api/auth/oidc/start"))


async def test_an_unreachable_provider_is_a_message_not_a_500(tmp_path, database_url):
    settings = make_settings(
        tmp_path / "data",
        database_url,
        oidc_issuer="http://127.0.0.1:9",
        oidc_client_id="x",
    )
    async with app_client(settings) as browser:
        assert "did not answer" in refused(await browser.get("/api/auth/oidc/start"))


def test_account_creation_needs_allowed_domains(tmp_path):
    with pytest.raises(ValueError, match="OIDC_ALLOWED_DOMAINS"):
        make_settings(tmp_path, None, oidc_create_accounts=True)
