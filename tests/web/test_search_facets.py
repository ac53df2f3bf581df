"""Long facet labels (issue 13 item 10) stay inside the filter column, cut with an
ellipsis, the full text as a tooltip, instead of running over the results."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.web.helpers import OWNER, Site, shot, wait_for_job

pytestmark = pytest.mark.asyncio(loop_scope="session")

LONG = (
    "NHS Cheshire and Merseyside Integrated Care Board, Population Health and "
    "Place-Based Partnerships Directorate"
)


async def test_a_long_facet_label_is_truncated_with_its_full_text_as_tooltip(site: Site):
    files = [("files", ("minutes.txt", b"Board minutes on pooled budgets.\n", "text/plain"))]
    r = await site.owner.post(f"{site.base}/ingest", files=files, data={"organisation": LONG})
    assert r.status_code == 202, r.text
    await wait_for_job(site, r.json()[0]["id"])
    page = await site.page(OWNER)
    await page.goto("/search?q=budgets")
    label = page.get_by_test_id("facet-organisation").locator(".ew-facet-label")
    await expect(label).to_have_attribute("title", LONG)
    await shot(page, "search-long-facet")
    facets = await page.get_by_role("complementary", name="Filters").bounding_box()
    results = await page.get_by_role("region", name="Query and results").bounding_box()
    row = await page.get_by_test_id("facet-organisation").bounding_box()
    assert row["x"] + row["width"] <= results["x"], (row, results)
    assert facets["x"] + facets["width"] <= results["x"], (facets, results)
    assert await label.evaluate("e => e.scrollWidth > e.clientWidth")  # cut, not wrapped
