"""Memo fields keep every character typed at full speed (issue 13 item 12, that part):
Playwright types with no delay between keys into the coding popover's memo and the
CMOC form's memo, and the saved values are exactly what was typed."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.conftest import INSULIN_PDF
from tests.web.helpers import OWNER, Site, annotations, new_code, upload

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = (
    "Needle length matters: 4mm suits most adults; patients were told twice, "
    "and the pharmacist's leaflet (v2, 2024) repeats it — safe disposal too! "
) * 3


async def test_fast_typing_loses_nothing_in_memo_fields(site: Site):
    doc = await upload(site, INSULIN_PDF)
    await new_code(site.owner, site.base, "Pen compatibility", "mechanism")
    page = await site.page(OWNER)
    await page.goto(f"/read/{doc}?page=3")
    await page.get_by_test_id("reader-text").focus()
    await page.keyboard.press("Control+Shift+ArrowRight")
    await page.keyboard.press("c")
    popover = page.get_by_test_id("code-popover")
    await page.keyboard.type("pen comp")
    await page.keyboard.press("Enter")
    memo = popover.get_by_test_id("code-popover-memo")
    await memo.click()
    await page.keyboard.type(FAST, delay=0)
    await expect(memo).to_have_value(FAST)
    await page.keyboard.press("Control+Enter")
    await expect(popover).to_be_hidden()
    (saved,) = await annotations(site, doc)
    assert saved["memo"] == FAST.strip()

    await page.goto("/cmocs/create")
    await page.get_by_label("Title").fill("Needle guidance")
    cmoc_memo = page.get_by_label("Memo")
    await cmoc_memo.click()
    await page.keyboard.type(FAST, delay=0)
    await expect(cmoc_memo).to_have_value(FAST)
    await page.get_by_role("button", name="Save").click()
    await expect(page).to_have_url(re.compile(r"/cmocs/\d+"))
    cmocs = (await site.owner.get(f"{site.base}/cmocs")).json()
    assert [c["memo"].strip() for c in cmocs] == [FAST.strip()]
