"""Coding rounds in the web app (issue 12 items 4 and 8), in Chromium against the real
backend: an admin opens a blind round and follows each coder's progress, the coder is
told plainly that the round is blind, the admin closes it; the agreement screen drills
down from each disagreement into the reader; the adjudicator decides every
disagreement from the keyboard. Each step is checked in the API's state afterwards."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.conftest import add_member, login, make_user
from tests.web.helpers import (
    CODER,
    OWNER,
    Site,
    annotate,
    document_text,
    new_code,
    shot,
    upload,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

CODER2 = "coder2@example.org"
AGREED = "Trust between the partners"
PANEL = "We have a single panel now"
ALONE = "Being transparent"
LEARN = "Only that learning"
TEXT = (
    "Interview with the partnership lead.\n\n"
    f"{AGREED} grew over the year. {PANEL}, and it meets monthly. "
    f"{ALONE} mattered more than the money. {LEARN} stayed with us.\n"
)


async def _second_coder(site: Site) -> httpx.AsyncClient:
    """A second coder (the site has one): an account, a membership, a signed-in client."""
    rt = site.srv.runtime
    site.user_ids[CODER2] = await make_user(rt, CODER2)
    await add_member(rt, site.pid, site.user_ids[CODER2], "coder")
    client = site.srv.client(timeout=30)
    await login(client, CODER2)
    return client


async def _interview(site: Site, tmp_path, text: str = TEXT) -> tuple[int, str]:
    path = tmp_path / "partnership-interview.txt"
    path.write_text(text, encoding="utf-8")
    doc = await upload(site, path)
    return doc, await document_text(site, doc)


async def _pick(page: Page, label: str, option: str) -> None:
    await page.get_by_role("combobox", name=label).click()
    await page.get_by_role("option", name=option, exact=True).click()
    await page.keyboard.press("Escape")


async def _rounds(site: Site) -> list[dict]:
    r = await site.owner.get(f"{site.base}/rounds")
    assert r.status_code == 200, r.text
    return r.json()


async def test_open_a_blind_round_follow_progress_and_close_it(site: Site, tmp_path):
    coder2 = await _second_coder(site)
    doc, text = await _interview(site, tmp_path)
    title = (await site.owner.get(f"{site.base}/documents/{doc}")).json()["title"]
    trust = await new_code(site.owner, site.base, "Trust", "context")

    owner = await site.page(OWNER)
    await owner.goto("/rounds")
    await owner.get_by_test_id("round-new").click()
    await owner.get_by_test_id("round-name").fill("Pilot")
    await _pick(owner, "Documents", title)
    await _pick(owner, "Coders (two or more)", "coder")
    await _pick(owner, "Coders (two or more)", "coder2")
    await owner.get_by_test_id("round-open").click()
    await expect(owner.get_by_test_id("round-row")).to_have_count(1)
    (made,) = await _rounds(site)
    assert (made["name"], made["status"], made["blind"]) == ("Pilot", "open", True)
    assert made["document_ids"] == [doc]
    assert made["coder_ids"] == sorted([site.user_ids[CODER], site.user_ids[CODER2]])

    # The coders code; the admin sees each one's progress (live, without reloading).
    await annotate(site.coder, site.base, doc, text, AGREED, trust)
    await annotate(site.coder, site.base, doc, text, LEARN, trust)
    await annotate(coder2, site.base, doc, text, ALONE, trust)
    progress = owner.get_by_test_id("round-progress")
    mine = progress.and_(owner.locator(f'[data-coder="{site.user_ids[CODER]}"]'))
    await expect(mine).to_contain_text("2 annotations, 1 of 1 document coded")
    theirs = progress.and_(owner.locator(f'[data-coder="{site.user_ids[CODER2]}"]'))
    await expect(theirs).to_contain_text("1 annotation, 1 of 1 document coded")
    await shot(owner, "rounds-progress")

    # The coder is told the round is blind, in the reader and in search, and sees
    # only their own progress.
    coder = await site.page(CODER)
    await coder.goto(f"/read/{doc}")
    banner = coder.get_by_test_id("blind-banner")
    await expect(banner).to_contain_text("Blind round Pilot: other coders' codes are hidden")
    await expect(coder.get_by_test_id("annotation-list-item")).to_have_count(2)  # only theirs
    await shot(coder, "rounds-blind-reader")
    await coder.goto("/search?q=partners")
    await expect(banner).to_contain_text("Blind round Pilot: other coders' codes are hidden")
    await coder.goto("/rounds")
    await expect(coder.get_by_test_id("round-progress")).to_have_count(1)
    await expect(coder.get_by_test_id("round-close")).to_have_count(0)  # admins close

    # The admin closes it (after confirming); the banner goes.
    await owner.get_by_test_id("round-close").click()
    await owner.get_by_role("button", name="Close round").click()
    await expect(owner.get_by_text("Round Pilot is closed")).to_be_visible()
    assert (await _rounds(site))[0]["status"] == "closed"
    await coder.goto(f"/read/{doc}")
    await expect(coder.get_by_test_id("annotation-list-item")).to_have_count(3)
    await expect(coder.get_by_test_id("blind-banner")).to_have_count(0)
    await coder2.aclose()


async def _closed_round(site: Site, tmp_path, text: str = TEXT) -> dict:
    """A closed round of CODER and CODER2 on the interview: one agreement and three
    disagreements (boundaries, one coder only, codes), in that text order."""
    coder2 = await _second_coder(site)
    doc, text = await _interview(site, tmp_path, text)
    trust = await new_code(site.owner, site.base, "Trust", "context")
    panel = await new_code(site.owner, site.base, "Single panel", "mechanism")
    coders = [site.user_ids[CODER], site.user_ids[CODER2]]
    body = {"name": "Pilot", "document_ids": [doc], "coder_ids": coders}
    r = await site.owner.post(f"{site.base}/rounds", json=body)
    assert r.status_code == 201, r.text
    rnd = r.json()
    await annotate(site.coder, site.base, doc, text, AGREED, trust)
    await annotate(coder2, site.base, doc, text, AGREED, trust)
    await annotate(site.coder, site.base, doc, text, PANEL, panel)
    await annotate(coder2, site.base, doc, text, "We have a single panel", panel)
    await annotate(coder2, site.base, doc, text, ALONE, trust)
    await annotate(site.coder, site.base, doc, text, LEARN, trust)
    await annotate(coder2, site.base, doc, text, LEARN, panel)
    await coder2.aclose()
    r = await site.owner.post(f"{site.base}/rounds/{rnd['id']}/close")
    assert r.status_code == 200, r.text
    return {"id": rnd["id"], "doc": doc, "text": text, "trust": trust, "panel": panel}


async def test_agreement_drilldown_opens_the_reader_at_each_disagreement(site: Site, tmp_path):
    rnd = await _closed_round(site, tmp_path)
    report = (await site.owner.get(f"{site.base}/rounds/{rnd['id']}/agreement")).json()
    assert [d["kind"] for d in report["disagreements"]] == ["boundaries", "unmatched", "codes"]

    page = await site.page(OWNER)
    await page.goto(f"/rounds/{rnd['id']}/agreement")
    await expect(page.get_by_test_id("unitizing-alpha")).to_contain_text(
        f"{report['unitizing_alpha']:.3f}"
    )
    summary = page.get_by_test_id("round-agreement-summary")
    await expect(summary).to_contain_text("not chance-corrected, not comparable with alpha")
    await expect(page.get_by_test_id("round-agreement-code")).to_have_count(2)
    items = page.get_by_test_id("disagreement")
    await expect(items).to_have_count(3)
    # Each coder's version with its boundaries: the boundaries disagreement shows both.
    first = items.nth(0)
    spans = first.get_by_test_id("coder-span")
    await expect(spans).to_have_count(2)
    start = rnd["text"].index(PANEL)
    await expect(spans.nth(0)).to_contain_text(f"characters {start}–{start + len(PANEL)}")
    await expect(spans.nth(1)).to_contain_text(f"characters {start}–{start + len(PANEL) - 4}")
    await expect(first.get_by_test_id("code-chip").first).to_contain_text("Single panel")
    # One coder only: the other coded nothing there.
    await expect(items.nth(1)).to_contain_text("coded nothing here")
    await shot(page, "rounds-agreement-drilldown")

    await items.nth(2).get_by_test_id("disagreement-open").click()
    await expect(page).to_have_url(re.compile(rf"/read/{rnd['doc']}\?at=\d+&to=\d+$"))
    assert page.url.endswith(report["disagreements"][2]["reader_url"])
    await expect(page.get_by_test_id("reader-text")).to_contain_text(LEARN)


async def _highlighted(page: Page) -> str:
    """The text the reader highlights as the link's target, pieces joined in order."""
    marks = page.get_by_test_id("reader-text").locator("[data-target]")
    await expect(marks.first).to_be_in_viewport()
    return "".join(await marks.all_text_contents())


async def test_drilldown_highlights_exactly_the_disputed_span(site: Site, tmp_path):
    # An emoji (two UTF-16 units, one code point) before the spans: the link's bounds
    # must be in the reader's units, or the highlight slips by one character.
    rnd = await _closed_round(site, tmp_path, TEXT.replace("partnership", "partnership \U0001f91d"))
    report = (await site.owner.get(f"{site.base}/rounds/{rnd['id']}/agreement")).json()
    disputed = [rnd["text"][d["start"] : d["end"]] for d in report["disagreements"]]
    # The boundaries one spans both coders' marks and a stretch only one coded.
    assert disputed == [PANEL, ALONE, LEARN], disputed

    page = await site.page(OWNER)
    for i, span in enumerate(disputed):
        await page.goto(f"/rounds/{rnd['id']}/agreement")
        await page.get_by_test_id("disagreement").nth(i).get_by_test_id("disagreement-open").click()
        await expect(page).to_have_url(re.compile(rf"/read/{rnd['doc']}\?at=\d+&to=\d+$"))
        assert await _highlighted(page) == span
        # Said in words too, for screen readers: each piece is described by the note.
        note = page.get_by_test_id("reader-target-note")
        await expect(note).to_contain_text("Highlighted: the span this link points at")
        first = page.locator("[data-target]").first
        await expect(first).to_have_attribute("aria-describedby", "reader-target-note")
    await shot(page, "rounds-drilldown-highlight")

    # A link with bad bounds opens the reader without a highlight (and without failing).
    for query in ("at=9&to=3", "at=x&to=5", "at=0&to=999999"):
        await page.goto(f"/read/{rnd['doc']}?{query}")
        await expect(page.get_by_test_id("reader-text")).to_contain_text(LEARN)
        await expect(page.locator("[data-target]")).to_have_count(0)


async def _decided(page: Page, n: int) -> None:
    await expect(page.get_by_test_id("adjudication-progress")).to_contain_text(
        f"{n} of 3 disagreements decided"
    )


async def _in_hand(page: Page, key: str) -> None:
    await expect(page.get_by_test_id("adjudication-current")).to_have_attribute("data-key", key)


async def test_adjudicate_every_disagreement_from_the_keyboard(site: Site, tmp_path):
    rnd = await _closed_round(site, tmp_path)
    url = f"{site.base}/rounds/{rnd['id']}/adjudication"
    page = await site.page(OWNER)
    await page.goto(f"/rounds/{rnd['id']}/adjudication")
    await page.get_by_test_id("adjudication-start").click()
    await _decided(page, 0)
    keys = [i["key"] for i in (await site.owner.get(url)).json()["items"]]
    await page.locator("body").click(position={"x": 5, "y": 5})  # focus off the button

    # Boundaries: a memo (e, type, Enter), then take coder B's tighter span (b).
    await _in_hand(page, keys[0])
    await page.keyboard.press("e")
    await page.keyboard.type("tighter span")
    await page.keyboard.press("Enter")
    await page.keyboard.press("b")
    await _decided(page, 1)
    await _in_hand(page, keys[1])  # moved on by itself
    # One coder only: A coded nothing here (refused), so reject (r); then go back (k),
    # undo (u) and draw the adjudicator's own boundaries (d): the first word only.
    await page.keyboard.press("a")
    await expect(page.get_by_text("That coder coded nothing here")).to_be_visible()
    await page.keyboard.press("r")
    await _decided(page, 2)
    await _in_hand(page, keys[2])
    await page.keyboard.press("k")
    await _in_hand(page, keys[1])
    await page.keyboard.press("u")
    await _decided(page, 1)
    await page.keyboard.press("d")
    start = rnd["text"].index(ALONE)
    await page.get_by_test_id("edit-end").fill(str(start + len("Being")))
    await expect(page.get_by_test_id("edit-preview")).to_have_text("Being")
    await page.keyboard.press("Enter")
    await _decided(page, 2)
    # Codes: merge (m); the arrows walk back and forth.
    await page.keyboard.press("ArrowUp")
    await _in_hand(page, keys[1])
    await page.keyboard.press("ArrowDown")
    await _in_hand(page, keys[2])
    await page.keyboard.press("m")
    await _decided(page, 3)
    consensus = page.get_by_test_id("consensus").get_by_test_id("consensus-item")
    await expect(consensus).to_have_count(4)  # the agreement and three decisions
    await shot(page, "rounds-adjudication")

    queue = (await site.owner.get(url)).json()
    coder2 = site.user_ids[CODER2]
    decisions = [
        (i["decision"]["action"], i["decision"]["coder_id"], i["decision"]["memo"])
        for i in queue["items"]
    ]
    assert decisions == [
        ("take", coder2, "tighter span"),
        ("edit", None, None),
        ("merge", None, None),
    ]
    r = await site.owner.get(
        f"{site.base}/annotations", params={"filter": f'{{"document_id": {rnd["doc"]}}}'}
    )
    made = sorted((a["exact"], tuple(a["code_ids"])) for a in r.json() if a["layer"] == "consensus")
    trust, panel = rnd["trust"], rnd["panel"]
    assert made == sorted(
        [
            (AGREED, (trust,)),
            ("We have a single panel", (panel,)),
            ("Being", (trust,)),
            (LEARN, tuple(sorted((trust, panel)))),
        ]
    )
