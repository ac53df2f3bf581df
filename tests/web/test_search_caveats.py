"""An engine's caveat on a query (a proximity it may answer otherwise than the query
language means) shows beside the hits, as the API gives it; a query without one shows
none."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.async_api import expect

from tests.web.helpers import OWNER, Site, shot, wait_for_job

pytestmark = pytest.mark.asyncio(loop_scope="session")

TEXT = b"The board agreed pooled budgets for the place partnership.\n"
NEAR = '"board pooled budgets"~5'


async def test_a_proximity_caveat_shows_beside_the_hits(site: Site):
    files = [("files", ("caveats.txt", TEXT, "text/plain"))]
    r = await site.owner.post(f"{site.base}/ingest", files=files)
    assert r.status_code == 202, r.text
    await wait_for_job(site, r.json()[0]["id"])
    answer = (await site.owner.get(f"{site.base}/search", params={"q": NEAR})).json()
    assert answer["total"] >= 1
    # FTS5 answers proximity as the language means it; tantivy, the default, may miss
    # some of three words and says so.
    assert bool(answer["caveats"]) == (answer["engine"] != "sqlite"), answer
    page = await site.page(OWNER)

    await page.goto(f"/search?q={quote(NEAR)}")

    await expect(page.get_by_text("pooled budgets").first).to_be_visible()
    caveats = page.get_by_test_id("search-caveats")
    if answer["caveats"]:
        for caveat in answer["caveats"]:
            await expect(caveats).to_contain_text(caveat)
        await shot(page, "search-caveat")
    else:
        await expect(caveats).to_have_count(0)
    await page.goto(f"/search?q={quote('pooled budgets')}")
    await expect(page.get_by_text("pooled budgets").first).to_be_visible()
    await expect(page.get_by_test_id("search-caveats")).to_have_count(0)
