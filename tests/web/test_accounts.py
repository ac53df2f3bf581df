"""Sign-in in the browser with a second factor and with single sign-on (against the
real test OpenID provider), and the account screens: Chromium on the built app.

- a user enrols TOTP on "Your account", signs out, signs in with password + code;
- a deployment that requires TOTP makes a new user enrol at sign-in (QR code, code,
  recovery codes) before they get in;
- the sign-in page's SSO button: the provider's own sign-in page, back signed in;
- an administrator deactivates an account on "Accounts".
"""

from __future__ import annotations

import re
import time
from contextlib import AsyncExitStack

import pyotp
import pytest
import pytest_asyncio
from playwright.async_api import Page, expect
from pydantic import SecretStr

from tests.conftest import PASSWORD, add_member, make_settings, make_user, new_project
from tests.live_server import LiveServer
from tests.oidc.provider import USERS, issuer, register_client
from tests.web.helpers import CODER, OWNER, Site, shot

pytestmark = pytest.mark.asyncio(loop_scope="session")


def code(secret: str) -> str:
    if time.time() % 30 > 27:  # not at the end of a step: the server checks it just after
        time.sleep(30 - time.time() % 30 + 0.1)
    return pyotp.TOTP(secret).now()


@pytest_asyncio.fixture(loop_scope="session")
async def strict_site(tmp_path, database_url, browser, web_build):
    """A site that requires TOTP and offers single sign-on."""
    settings = make_settings(
        tmp_path / "data", database_url, web_dist=web_build, totp_required=True
    )
    async with AsyncExitStack() as stack:
        srv = await stack.enter_async_context(LiveServer(settings, graceful_seconds=1))
        # The redirect URI names the server's port, known only now.
        client_id, secret = register_client(f"{srv.url}/api/auth/oidc/callback")
        settings.oidc_issuer, settings.oidc_client_id = issuer(), client_id
        settings.oidc_client_secret, settings.oidc_link_by_email = SecretStr(secret), True
        settings.oidc_display_name = "NHS test identity"
        rt = srv.runtime
        users = {OWNER: await make_user(rt, OWNER, admin=True), CODER: await make_user(rt, CODER)}
        users["alice"] = await make_user(rt, USERS["alice"]["email"])
        pid = await new_project(rt, "ICS leadership study")
        for uid in users.values():
            await add_member(rt, pid, uid, "coder")
        owner = await stack.enter_async_context(srv.client())
        coder = await stack.enter_async_context(srv.client())
        site = Site(srv, browser, pid, owner, coder, users)
        try:
            yield site
        finally:
            for context in site.contexts:
                await context.close()
        assert site.csp_violations == [], site.csp_violations


async def password_step(page: Page, email: str, password: str = PASSWORD) -> None:
    await page.goto("/login")
    await page.get_by_test_id("login-email").fill(email)
    await page.get_by_test_id("login-password").fill(password)
    await page.get_by_test_id("login-submit").click()


async def signed_in(page: Page) -> None:
    await expect(page.get_by_role("search")).to_be_visible()
    await expect(page.get_by_test_id("live-status")).to_have_attribute("data-status", "live")


async def test_enrol_on_the_account_page_then_sign_in_with_a_code(site: Site):
    page = await site.page(CODER)
    await page.goto("/account")
    await page.get_by_test_id("totp-start").click()
    secret = await page.get_by_test_id("totp-secret").inner_text()
    await shot(page, "account-totp-enrol")
    await page.get_by_test_id("totp-enrol-code").fill(code(secret))
    await page.get_by_role("button", name="Turn on").click()
    await expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    await expect(page.get_by_test_id("totp-status")).to_contain_text("10 recovery codes left")

    fresh = await site.blank_page()
    await password_step(fresh, CODER)
    await expect(fresh.get_by_test_id("login-code")).to_be_visible()
    await fresh.get_by_test_id("login-code").fill("000000")
    await fresh.get_by_test_id("login-submit").click()
    await expect(fresh.get_by_test_id("login-error")).to_have_text("wrong code")
    await shot(fresh, "sign-in-code")
    await fresh.get_by_test_id("login-code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    await fresh.get_by_test_id("login-submit").click()
    await signed_in(fresh)


async def test_required_factor_is_enrolled_at_sign_in(strict_site: Site):
    page = await strict_site.blank_page()
    await password_step(page, CODER)
    secret_shown = page.get_by_test_id("totp-secret")
    await expect(secret_shown).to_be_visible()
    await expect(page.get_by_role("img", name="QR code for the authenticator app")).to_be_visible()
    await shot(page, "sign-in-enrol")
    await page.get_by_test_id("totp-enrol-code").fill(code(await secret_shown.inner_text()))
    await page.get_by_role("button", name="Turn on").click()
    await expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    await page.get_by_test_id("login-continue").click()
    await signed_in(page)


async def test_single_sign_on_through_the_providers_page(strict_site: Site):
    page = await strict_site.blank_page()
    await page.goto("/login")
    await page.get_by_test_id("login-sso").click()
    # The provider's own sign-in page, on its own port.
    await expect(page).to_have_url(re.compile("^" + re.escape(issuer()) + "/interaction/"))
    await page.locator("#username").fill("alice")
    await page.locator("#password").fill(USERS["alice"]["password"])
    await shot(page, "sso-provider-sign-in")
    await page.locator("#submit").click()
    await signed_in(page)  # no TOTP here: the provider's policy covers SSO sign-ins
    me = await page.request.get("/api/auth/me")
    assert (await me.json())["user"]["email"] == USERS["alice"]["email"]


async def test_sso_refusal_is_shown_on_the_sign_in_page(strict_site: Site):
    page = await strict_site.blank_page()
    await page.goto("/login")
    await page.get_by_test_id("login-sso").click()
    await page.locator("#username").fill("carol")  # no account, no account creation
    await page.locator("#password").fill(USERS["carol"]["password"])
    await page.locator("#submit").click()
    await expect(page.get_by_test_id("login-error")).to_contain_text("no account here")


async def test_an_admin_deactivates_an_account(site: Site):
    page = await site.page(OWNER)
    await page.goto("/accounts")
    row = page.locator(f'[data-testid="account-row"][data-email="{CODER}"]')
    await row.get_by_role("button", name="Deactivate").click()
    await expect(row.get_by_test_id("account-state")).to_have_text("deactivated")
    await shot(page, "accounts")
    r = await site.coder.post("/api/auth/login", json={"email": CODER, "password": PASSWORD})
    assert r.status_code == 401
