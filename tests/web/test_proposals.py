"""Proposals in the CMOC builder (issue 13 items 1 and 11), in Chromium against the real
backend: each proposal says why it was proposed, its snippet keeps words apart where
the original has an element boundary, Accept links the passage as evidence and Dismiss
removes it for good (both failed before: the web sent a payload the API refused)."""

from __future__ import annotations

import html
import re

import pytest
from playwright.async_api import expect

from tests.conftest import INSULIN_PDF
from tests.web.helpers import OWNER, Site, shot, upload

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_accept_and_dismiss_proposals_in_the_cmoc_builder(site: Site):
    doc = await upload(site, INSULIN_PDF)
    body = {
        "title": "Single-use insulin pen needles",
        "context": "Patients injecting insulin with pen needles",
        "mechanism_resource": "Prescribing guidance on needle length and single use",
        "mechanism_reasoning": "Patients trust the guidance and dispose of needles safely",
        "outcome": "Less needle waste and fewer injection problems",
    }
    r = await site.owner.post(f"{site.base}/cmocs", json=body)
    assert r.status_code == 201, r.text
    cmoc = r.json()

    page = await site.page(OWNER)
    await page.goto(f"/cmocs/{cmoc['id']}")
    panel = page.get_by_test_id("proposals")
    proposals = panel.get_by_test_id("proposal")
    await expect(proposals.first).to_be_visible()
    count = await proposals.count()
    assert count >= 2, count
    first, second = proposals.nth(0), proposals.nth(1)
    assert f"/read/{doc}?passage=" in (await first.get_by_role("link").get_attribute("href"))
    accepted_text = await first.get_by_test_id("proposal-snippet").inner_text()
    dismissed_href = await second.get_by_role("link").get_attribute("href")
    await shot(page, "cmoc-proposals")
    await snippets_keep_fragments_apart(site, cmoc["id"], proposals)

    # Accept the first as context evidence: linked to the CMOC, listed in the builder.
    await panel.get_by_label("Accept as").click()
    await page.get_by_role("option", name="Context").click()
    await first.get_by_test_id("proposal-accept").click()
    await expect(page.get_by_text("Accepted: the passage is now evidence")).to_be_visible()
    section = page.get_by_test_id("cmoc-builder").get_by_role("region", name="Context evidence")
    await expect(section.get_by_test_id("evidence-item")).to_have_count(1)
    saved = (await site.owner.get(f"{site.base}/cmocs/{cmoc['id']}")).json()
    assert [(e["part"], e["stance"]) for e in saved["evidence"]] == [("context", "supports")]
    # The snippet is the passage's highlighted fragment, not its opening: its first words
    # must be words of the saved quote, in order.
    snippet_words = " ".join(re.findall(r"\w+", accepted_text)[:4])
    saved_words = " ".join(re.findall(r"\w+", saved["evidence"][0]["exact"]))
    assert snippet_words and snippet_words in saved_words

    # Dismiss the next one: gone from the list, remembered by the API.
    dismissed = panel.locator(f'[data-testid="proposal"]:has(a[href="{dismissed_href}"])')
    await dismissed.get_by_test_id("proposal-dismiss").click()
    await expect(page.get_by_text("Dismissed", exact=True)).to_be_visible()
    await expect(dismissed).to_have_count(0)
    decisions = (
        await site.owner.get(
            f"{site.base}/proposals/decisions", params={"origin": "cmoc", "origin_id": cmoc["id"]}
        )
    ).json()
    assert sorted(d["decision"] for d in decisions) == ["accept", "dismiss"]
    passage = int(re.search(r"passage=(\d+)", dismissed_href)[1])
    assert any(d["passage_id"] == passage and d["decision"] == "dismiss" for d in decisions)


def plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"</?mark>", "", fragment)).split())


async def snippets_keep_fragments_apart(site: Site, cmoc_id: int, proposals) -> None:
    """A snippet of several highlighted fragments shows them apart (an ellipsis between),
    as the API gives them: before, the last word of one fragment ran into the first word
    of the next ("economic" + "care": "economiccare")."""
    shown = await proposals.get_by_test_id("proposal-snippet").all_inner_texts()
    given = (
        await site.owner.get(
            f"{site.base}/proposals", params={"origin": "cmoc", "origin_id": cmoc_id}
        )
    ).json()
    by_text = {" ".join(s.split()) for s in shown}
    several = [p for p in given if len(p["highlights"]) > 1]
    assert several, "no proposal with several fragments: the check below would prove nothing"
    for proposal in several:
        expected = " … ".join(plain(h) for h in proposal["highlights"])
        assert expected in by_text, (expected, by_text)
