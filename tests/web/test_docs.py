"""The API docs in Chromium under the Content-Security-Policy: Swagger UI renders the
schema from the app's own files (no CDN, no inline script), and the browser refuses
nothing (the site fixture checks the console for CSP reports)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.web.helpers import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_swagger_ui_renders_offline(site: Site):
    page = await site.blank_page()
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((site.srv.url, "data:", "blob:"))
            else elsewhere.append(request.url)
        ),
    )
    await page.goto("/api/docs")
    await expect(page.locator(".swagger-ui .info .title")).to_contain_text("Evidence Workbench")
    await expect(page.locator(".opblock").first).to_be_visible()
    await page.locator(".opblock-summary").first.click()  # one operation opens
    await expect(page.locator(".opblock-body").first).to_be_visible()
    assert elsewhere == []
