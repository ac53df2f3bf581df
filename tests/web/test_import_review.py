"""The QDPX import review screen (principle 1: an uncertain position is shown, not
guessed): a selection whose offsets read differently as UTF-16 and as code points is
listed with both quotes; an admin accepts the reading the coder meant, and the
annotation is stored with it."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.backend.refi import builders as b
from tests.web.helpers import CODER, OWNER, Site, shot

pytestmark = pytest.mark.asyncio(loop_scope="session")

TEXT = "R: They wrote to us 😊😊 and the café manager said it was fair.\n"
CODE = b.Code(b.gid("code"), "Trust")


async def test_admin_accepts_the_reading_the_coder_meant(site: Site):
    src = b.Src("Interview 3", TEXT)
    stored = b.source_text(b.NVIVO_MAC, src)
    # NVivo's file, but this selection's offsets are code points: read as UTF-16 (NVivo's
    # unit) it cuts into words, so the import holds it for a person to decide.
    odd = b.Sel(0, 0, codes=[CODE.guid], raw=b.span(stored, "the café manager"))
    src.selections.append(odd)
    files = {"file": ("project.qdpx", b.qdpx(b.NVIVO_MAC, [src], [CODE]), "application/zip")}
    r = await site.owner.post(f"{site.base}/qdpx", files=files)
    assert r.status_code == 200, r.text
    assert r.json()["offsets"]["selections_needing_review"] == 1

    page = await site.page(OWNER)
    await page.get_by_role("menuitem", name="Import review").click()
    item = page.get_by_test_id("review-item")
    await expect(item).to_have_count(1)
    await expect(item).to_contain_text("Interview 3")
    meant = item.get_by_test_id("review-candidate").filter(has_text="the café manager")
    await expect(meant).to_contain_text("Read as characters (code points)")
    await expect(meant).to_contain_text("on word boundaries")
    await shot(page, "import-review")
    await meant.get_by_role("button", name="Use this reading").click()
    await expect(page.get_by_text("Accepted: the annotation is stored")).to_be_visible()
    await expect(page.get_by_text("Nothing is waiting for review.")).to_be_visible()

    params = {"range": "[0, 99]"}
    stored_quotes = [
        a["exact"] for a in (await site.owner.get(f"{site.base}/annotations", params=params)).json()
    ]
    assert stored_quotes == ["the café manager"]


async def test_admin_links_an_imported_coder_to_a_member(site: Site):
    text = "The panel explained the rules to the families.\n"
    guid = b.gid("user")
    src = b.Src("Notes", text)
    src.selections.append(b.Sel(*b.span(text, "the families"), user=guid))
    data = b.qdpx(b.QUALCODER, [src], users=[(guid, "Someone New", "new@nhs.net")])
    files = {"file": ("project.qdpx", data, "application/zip")}
    assert (await site.owner.post(f"{site.base}/qdpx", files=files)).status_code == 200

    page = await site.page(OWNER)
    await page.goto("/import-review")
    row = page.get_by_test_id("coder-row").filter(has_text="Someone New")
    await expect(row).to_contain_text("new@nhs.net")
    await row.get_by_role("combobox", name="Member for Someone New").click()
    await page.get_by_role("option", name=f"coder ({CODER})").click()
    await expect(row.get_by_role("combobox")).to_contain_text(CODER)
    (coder,) = (await site.owner.get(f"{site.base}/coders")).json()
    assert coder["user_id"] == site.user_ids[CODER]
