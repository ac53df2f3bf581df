"""One live event stream per browser, however many tabs (issue 14 item 2). Before, each
tab held its own stream: the sixth tab took the browser's last HTTP/1.1 connection to
the host, and from then on tabs hung. Eight tabs here all go live, stay responsive,
and show a colleague's change, over one stream; closing the tab that reads it hands the
stream to another tab, which resumes without losing an event."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, Request, expect

from tests.web.helpers import OWNER, Site, new_code

pytestmark = pytest.mark.asyncio(loop_scope="session")
TABS = 8


async def test_eight_tabs_share_one_live_stream_and_stay_responsive(site: Site):
    first = await site.page(OWNER)
    context = first.context
    streams: list[Request] = []  # every stream request since here
    open_now: set[Request] = set()
    most_open = [0]

    def is_stream(request: Request) -> bool:
        return request.url.endswith("/events") or "/events?" in request.url

    def opened(request: Request) -> None:
        if is_stream(request):
            streams.append(request)
            open_now.add(request)
            most_open[0] = max(most_open[0], len(open_now))

    def ended(request: Request) -> None:
        open_now.discard(request)

    context.on("request", opened)
    context.on("requestfinished", ended)
    context.on("requestfailed", ended)
    tabs = [first]
    for _ in range(TABS - 1):
        tab = await context.new_page()
        await tab.goto("/codes")
        tabs.append(tab)
    await first.goto("/codes")
    for tab in tabs:
        await expect(tab.get_by_test_id("live-status")).to_have_attribute("data-status", "live")
        # Responsive: a screen that needs the API loads in every tab.
        await tab.get_by_role("menuitem", name="Members").click()
        await expect(tab.locator("tbody tr")).to_have_count(2)
        await tab.get_by_role("menuitem", name="Codebook").click()
    assert most_open[0] == 1 and len(open_now) == 1, [r.url for r in streams]

    await new_code(site.owner, site.base, "Distributed leadership", "mechanism")
    for tab in tabs:
        await expect(code_row(tab, "Distributed leadership")).to_be_visible()

    # The reading tab closes: another takes over, after the last event seen.
    reading = leader(tabs, streams)
    await reading.close()
    # A closed page's requests end with it (Playwright reports no failure for them).
    open_now.difference_update(r for r in streams if r.frame.page == reading)
    rest = [t for t in tabs if not t.is_closed()]
    await new_code(site.owner, site.base, "Boundary spanning", "context")
    for tab in rest:
        await expect(code_row(tab, "Boundary spanning")).to_be_visible()
        await expect(tab.get_by_test_id("live-status")).to_have_attribute("data-status", "live")
    assert "after=" in streams[-1].url, streams[-1].url
    assert len(open_now) == 1, [r.url for r in streams]


def code_row(tab: Page, name: str):
    return tab.get_by_test_id("code-row").filter(has_text=name)


def leader(tabs: list[Page], streams: list[Request]) -> Page:
    (page,) = [t for t in tabs if streams and streams[-1].frame.page == t]
    return page
