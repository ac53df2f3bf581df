"""Scans in the web app (issue 16, item 3): pages OCR read with low confidence are named in
the reader and flagged on search hits ("OCR, low confidence"), the documents list shows
where each document's text came from and filters by it; guessed metadata says so on the
metadata screen until a person saves it (item 6)."""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import quote

import pytest
from playwright.async_api import expect

from tests.conftest import INSULIN_PDF, POLICY_PDF
from tests.ingest.scans import make_scan
from tests.web.helpers import Site, document_text, shot, upload

pytestmark = pytest.mark.asyncio(loop_scope="session")

OCR_SECONDS = 300  # two scanned pages through Tesseract on a loaded 2-core machine


async def _upload_scan(site: Site, path) -> int:
    with path.open("rb") as f:
        files = [("files", (path.name, f, "application/pdf"))]
        r = await site.owner.post(f"{site.base}/ingest", files=files)
    assert r.status_code == 202, r.text
    job_id = r.json()[0]["id"]
    for _ in range(OCR_SECONDS * 5):
        job = (await site.owner.get(f"{site.base}/ingest/jobs/{job_id}")).json()
        if job["state"] in ("done", "failed"):
            assert job["state"] == "done", job
            return job["document_id"]
        await asyncio.sleep(0.2)
    raise AssertionError(f"OCR job {job_id} did not finish")


def _word_only_on(text: str, offsets: list[int], page: int) -> str:
    """A word of OCR's reading of `page` whose first five letters stand on no other page."""
    start, end = offsets[page - 1], offsets[page] if page < len(offsets) else len(text)
    others = (text[:start] + text[end:]).lower()
    words = re.findall(r"\b[a-z]{6,}\b", text[start:end].lower())
    return next(w for w in words if w[:5] not in others)


async def test_low_confidence_ocr_pages_are_flagged_everywhere(site: Site, tmp_path):
    # Page 13 of the policy scanned cleanly, page 14 as a poor fax (OCR reads under 50%).
    scan = make_scan(POLICY_PDF, tmp_path / "policy-fax.pdf", [13, 14], blur={14: 6})
    doc = await _upload_scan(site, scan)
    await upload(site, INSULIN_PDF)
    record = (await site.owner.get(f"{site.base}/documents/{doc}")).json()
    assert (record["text_source"], record["ocr_low_pages"]) == ("ocr", 1)
    page = await site.page()

    # The documents list: where the text came from, and a filter for low-confidence OCR.
    await page.goto("/documents?filter=" + quote(json.dumps({"ocr_low_confidence": "true"})))
    rows = page.get_by_test_id("documents-table").locator("tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.get_by_test_id("document-ocr")).to_have_text(
        "OCR OCR, low confidence (1 page)"
    )
    await shot(page, "documents-ocr-filter")
    await page.goto("/documents?filter=" + quote(json.dumps({"text_source": "text_layer"})))
    await expect(rows).to_have_count(1)
    await expect(rows).to_contain_text(INSULIN_PDF.name)

    # The reader names the page and goes to it.
    await page.goto(f"/read/{doc}")
    notice = page.get_by_test_id("reader-ocr-low")
    await expect(notice).to_contain_text("OCR read page 2 of this scan with low confidence")
    await notice.get_by_role("button", name="Go to page 2").click()
    await expect(page.get_by_test_id("reader-position")).to_contain_text("OCR, low confidence")
    await shot(page, "reader-ocr-low")

    # Search hits: the clean page's hit says OCR, the fax page's hit says low confidence.
    text = await document_text(site, doc)
    version = f"{site.base}/documents/{doc}/versions/{record['current_version_id']}"
    offsets = (await site.owner.get(version)).json()["page_offsets"]
    await page.goto("/search")
    box, hits = page.get_by_test_id("search-box"), page.get_by_test_id("search-hit")
    await box.fill('"dealing in a fair manner in comparable cases"')
    await page.get_by_test_id("search-submit").click()
    await expect(hits).to_have_count(1)
    await expect(hits.get_by_test_id("search-hit-ocr")).to_have_text("OCR")
    await box.fill(_word_only_on(text, offsets, 2))
    await page.get_by_test_id("search-submit").click()
    await expect(hits.first.get_by_test_id("search-hit-ocr")).to_have_text("OCR, low confidence")
    await shot(page, "search-ocr-low")


async def test_guessed_metadata_says_so_until_saved(site: Site):
    doc = await upload(site, INSULIN_PDF)
    page = await site.page()
    await page.goto(f"/documents/{doc}")
    await expect(page.get_by_test_id("guessed-date")).to_have_text(
        'Guessed from its "ratified" date: check it; saving makes it yours'
    )
    await expect(page.get_by_test_id("guessed-title")).to_contain_text("the file's own title")
    await shot(page, "document-guessed")
    await page.get_by_label("Organisation").fill("Cambridgeshire and Peterborough ICB")
    await page.get_by_role("button", name="Save").click()
    await page.goto(f"/documents/{doc}")
    await expect(page.get_by_test_id("guessed-date")).to_be_visible()
    await expect(page.get_by_test_id("guessed-organisation")).to_have_count(0)
    saved = (await site.owner.get(f"{site.base}/documents/{doc}")).json()
    assert saved["metadata_sources"]["organisation"] == "user"
