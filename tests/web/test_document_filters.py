"""The documents list's date filters (web/src/common/FilterDateInput.tsx), in Chromium
against the real backend: a date typed in full narrows the list and goes into its URL,
clearing it widens the list again."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import pytest
from playwright.async_api import expect

from tests.conftest import INSULIN_PDF
from tests.web.helpers import OWNER, Site, upload

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _filter_in(url: str) -> dict:
    found = re.search(r"[?&]filter=([^&]*)", url)
    return json.loads(unquote(found.group(1))) if found else {}


async def test_dates_narrow_the_documents_list(site: Site):
    await upload(site, INSULIN_PDF)  # dated 1 December 2024
    page = await site.page(OWNER)
    await page.goto("/documents")
    row = page.get_by_role("row").filter(has_text="Prescribing of Insulin")
    await expect(row).to_contain_text("ready")

    dated_from = page.get_by_label("Dated from")
    await dated_from.fill("2024-12-02")
    await expect(row).to_have_count(0)
    assert _filter_in(page.url) == {"date_gte": "2024-12-02"}

    await dated_from.fill("2024-12-01")
    await expect(row).to_have_count(1)
    await page.get_by_label("Dated to").fill("2024-11-30")
    await expect(row).to_have_count(0)
    assert _filter_in(page.url) == {"date_gte": "2024-12-01", "date_lte": "2024-11-30"}

    await page.get_by_label("Dated to").fill("")
    await dated_from.fill("")
    await expect(row).to_have_count(1)
    await expect(page).to_have_url(re.compile(r"[?&]filter=%7B%7D(&|$)"))
