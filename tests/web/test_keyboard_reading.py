"""Reading and coding from the keyboard (issue 13 item 9), in Chromium against the real
backend: a caret moved with the arrows starts a selection anywhere inside a paragraph
(before, Shift+arrows always began at the first word in view); a document's title in
the documents list is a link reached with Tab and opened with Enter (before, only a
mouse click on the row opened it); a search hit opens the reader scrolled to its
passage with the passage highlighted (before, scrolled but not marked)."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.async_api import Page, Route, expect

from tests.conftest import INSULIN_PDF
from tests.web.helpers import OWNER, Site, annotations, document_text, new_code, shot, upload

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def tab_to(page: Page, locator, presses: int = 80) -> None:
    for _ in range(presses):
        await page.keyboard.press("Tab")
        if await locator.evaluate("el => el === document.activeElement"):
            return
    await expect(locator).to_be_focused()


async def test_keyboard_coding_starts_where_the_caret_stands(site: Site):
    doc = await upload(site, INSULIN_PDF)
    code = await new_code(site.owner, site.base, "Pen compatibility", "mechanism")
    page = await site.page(OWNER)
    await page.goto(f"/read/{doc}?page=3")
    await expect(page.get_by_test_id("reader-position")).to_have_text(re.compile(r"^p\. 3 "))
    text = page.get_by_test_id("reader-text")
    await tab_to(page, text)

    # The first arrow shows the caret at the first word in view; three more walk it past
    # three words; then Shift+Ctrl+Right twice selects the next two words.
    await page.keyboard.press("ArrowRight")
    await expect(page.get_by_test_id("reader-caret")).to_be_visible()
    for _ in range(3):
        await page.keyboard.press("Control+ArrowRight")
    for _ in range(2):
        await page.keyboard.press("Control+Shift+ArrowRight")
    await page.keyboard.press("c")
    popover = page.get_by_test_id("code-popover")
    quote = (await popover.get_by_test_id("code-popover-quote").inner_text()).strip()
    await page.keyboard.type("pen comp")
    await page.keyboard.press("Enter")
    await page.keyboard.press("Control+Enter")
    await expect(popover).to_be_hidden()

    (saved,) = await annotations(site, doc)
    full = await document_text(site, doc)
    page3 = full.index("Insulin pen needles")  # the first words in view on page 3
    assert saved["code_ids"] == [code]
    assert saved["start"] > page3, "the selection began at the first word in view"
    # Two whole words, the fourth and fifth from the first word in view.
    words = re.findall(r"\S+", full[page3:])
    assert saved["exact"].split() == words[3:5] and quote.split() == words[3:5]
    assert full[saved["start"] : saved["end"]] == saved["exact"]
    await shot(page, "reader-keyboard-caret")


async def test_document_titles_open_from_the_keyboard(site: Site):
    doc = await upload(site, INSULIN_PDF)
    page = await site.page(OWNER)
    await page.goto("/documents")
    title = page.get_by_test_id("document-title-link").filter(has_text="Prescribing of Insulin")
    await expect(title).to_be_visible()
    # The list settles first: a live refresh re-renders the rows and takes the focus with it.
    row = page.get_by_role("row").filter(has_text="Prescribing of Insulin")
    await expect(row).to_contain_text("ready")
    await tab_to(page, title)
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(rf"/read/{doc}$"))
    await expect(page.get_by_test_id("reader-title")).to_have_text("Prescribing of Insulin Needles")


async def test_tabbing_through_the_filters_changes_nothing(site: Site):
    """Tabbing through the empty date filters on the way to a title used to count as a
    filter change: a second later the list navigated to itself, and a document opened
    in that second could be taken back to the list (a CI run failed on it)."""
    doc = await upload(site, INSULIN_PDF)
    page = await site.page(OWNER)
    await page.goto("/documents")
    row = page.get_by_role("row").filter(has_text="Prescribing of Insulin")
    await expect(row).to_contain_text("ready")
    before = len(site.navigations)
    title = page.get_by_test_id("document-title-link").filter(has_text="Prescribing of Insulin")
    await tab_to(page, title)
    # Both of the list's debounces (half a second each) have long run out by then.
    await asyncio.sleep(2.5)
    assert site.navigations[before:] == [], "the list navigated although no filter changed"
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("reader-title")).to_have_text("Prescribing of Insulin Needles")
    await asyncio.sleep(2.5)
    assert re.search(rf"/read/{doc}$", page.url), site.navigations[before:]


async def test_a_document_opened_while_a_filter_is_pending_stays_open(site: Site):
    """The list applies a typed filter half a second later; opening a document in that half
    second used to navigate back to the list when the reader's code was still loading (the
    list stayed mounted under the new URL). The reader's code is held back here, as on a
    slow connection, so the race is certain rather than a matter of timing."""
    doc = await upload(site, INSULIN_PDF)
    page = await site.page(OWNER)
    await page.goto("/documents")
    row = page.get_by_role("row").filter(has_text="Prescribing of Insulin")
    await expect(row).to_contain_text("ready")

    async def slow_reader_code(route: Route) -> None:
        await asyncio.sleep(2)
        await route.continue_()

    await page.route(re.compile(r"/assets/ReaderPage-[^/]*\.js$"), slow_reader_code)
    await page.get_by_label("Filter by title or file name").fill("Prescribing")
    title = page.get_by_test_id("document-title-link").filter(has_text="Prescribing of Insulin")
    await title.click()
    await expect(page.get_by_test_id("reader-title")).to_have_text("Prescribing of Insulin Needles")
    assert re.search(rf"/read/{doc}$", page.url), page.url


async def test_a_search_hit_opens_the_reader_at_its_passage_highlighted(site: Site):
    doc = await upload(site, INSULIN_PDF)
    found = (await site.owner.get(f"{site.base}/search", params={"q": "disposal"})).json()
    hits = found["hits"]
    assert hits, found
    # A hit well into the document, so reaching it needs a scroll.
    deep = max(hits, key=lambda h: h["passage"]["start"])
    assert deep["passage"]["page_start"] > 1, deep["passage"]
    passage = deep["passage"]["id"]

    page = await site.page(OWNER)
    await page.goto("/search?q=disposal&mode=lexical")  # the API call above is lexical
    link = page.locator(f'[data-testid="search-hit-link"][href$="/read/{doc}?passage={passage}"]')
    await link.click()
    await expect(page).to_have_url(re.compile(rf"/read/{doc}\?passage={passage}$"))
    target = page.get_by_test_id("reader-target").first
    await expect(target).to_have_attribute("data-passage", str(passage))
    await expect(target).to_be_in_viewport()
    await expect(page.get_by_test_id("reader-target")).to_have_count(
        await page.locator(f'[data-passage="{passage}"]').count()
    )
    await shot(page, "reader-opened-at-hit")
