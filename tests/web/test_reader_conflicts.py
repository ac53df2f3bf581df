"""The reader's conflict paths keep the user's content (issue 14 item 3). Before, an edit
of an annotation someone had deleted could not be applied (the memo typed was lost),
and "apply mine" after deleting an annotation someone had changed saved it with no
codes and no memo. The path where both edit is in test_e2e.py."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.conftest import PASSWORD
from tests.web.helpers import (
    CODER,
    Site,
    annotate,
    document_text,
    new_code,
    upload,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

QUOTE = "Board members agreed to pool the discharge budget"
TEXT = f"Minutes of the system board.\n\n{QUOTE} across the three places.\n"


async def coded(site: Site, tmp_path) -> tuple[int, dict]:
    """A document with one annotation by CODER (code and memo): its id and the annotation."""
    path = tmp_path / "board-minutes.txt"
    path.write_text(TEXT)
    doc = await upload(site, path)
    code = await new_code(site.owner, site.base, "Pooled budgets", "mechanism")
    text = await document_text(site, doc)
    a = await annotate(site.coder, site.base, doc, text, QUOTE, code)
    r = await site.coder.patch(
        f"{site.base}/annotations/{a['id']}",
        json={"memo": "First reading"},
        headers={"If-Match": "1"},
    )
    assert r.status_code == 200, r.text
    return doc, r.json()


async def open_details(page: Page, doc: int, annotation_id: int) -> None:
    await page.goto(f"/read/{doc}")
    await page.locator(f'[data-testid="annotation-mark"][data-ids="{annotation_id}"]').click()
    await expect(page.get_by_test_id("annotation-details")).to_be_visible()


async def test_an_edit_of_an_annotation_deleted_meanwhile_restores_it_with_mine(
    site: Site, tmp_path
):
    doc, a = await coded(site, tmp_path)
    page = await site.page(CODER)
    await open_details(page, doc, a["id"])
    await page.get_by_test_id("annotation-details").get_by_test_id("annotation-edit").click()
    await page.get_by_test_id("code-popover-memo").fill("Pooling needs a shared ledger")

    # The project admin removes it meanwhile (another coder's: with a reason).
    r = await site.owner.delete(
        f"{site.base}/annotations/{a['id']}", params={"reason": "coded in the wrong document"}
    )
    assert r.status_code == 204, r.text
    await page.get_by_test_id("code-popover-save").click()

    dialog = page.get_by_test_id("conflict-dialog")
    await expect(dialog).to_contain_text("They deleted it")
    await expect(dialog.get_by_role("region", name="Yours (not saved)")).to_contain_text(
        "Pooling needs a shared ledger"
    )
    await dialog.get_by_role("button", name="Restore it with mine").click()
    await expect(dialog).to_be_hidden()
    saved = (await site.owner.get(f"{site.base}/annotations/{a['id']}")).json()
    assert saved["deleted_at"] is None
    assert saved["memo"] == "Pooling needs a shared ledger"
    assert saved["code_ids"] == a["code_ids"]
    mark = page.locator(f'[data-testid="annotation-mark"][data-ids="{a["id"]}"]')
    await expect(mark).to_have_text(QUOTE)


async def test_deleting_an_annotation_changed_meanwhile_keeps_their_content(site: Site, tmp_path):
    doc, a = await coded(site, tmp_path)
    # This reader misses the live event of their change (as in the moment before it
    # arrives): its event stream is refused, so it deletes the version it read.
    page = await site.blank_page()
    await page.route("**/events*", lambda route: route.abort())
    await page.goto("/login")
    await sign_in_form(page)
    await open_details(page, doc, a["id"])

    # Only its author may edit it: the coder, in another tab or a script.
    r = await site.coder.patch(
        f"{site.base}/annotations/{a['id']}",
        json={"memo": "Their note: only two places pooled"},
        headers={"If-Match": str(a["version"])},
    )
    assert r.status_code == 200, r.text
    await page.get_by_test_id("annotation-details").get_by_test_id("annotation-delete").click()

    dialog = page.get_by_test_id("conflict-dialog")
    await expect(dialog.get_by_role("region", name="Theirs (saved)")).to_contain_text(
        "Their note: only two places pooled"
    )
    await dialog.get_by_role("button", name="Keep theirs").click()
    await expect(dialog).to_be_hidden()
    kept = (await site.owner.get(f"{site.base}/annotations/{a['id']}")).json()
    assert kept["deleted_at"] is None and kept["memo"] == "Their note: only two places pooled"
    assert kept["code_ids"] == a["code_ids"]

    # Deleting again, and "delete it anyway" after a second change: deleted as it stood,
    # codes and memo kept in the record (restorable), never saved empty.
    r = await site.coder.patch(
        f"{site.base}/annotations/{a['id']}",
        json={"memo": "Their second note"},
        headers={"If-Match": str(kept["version"])},
    )
    assert r.status_code == 200, r.text
    await page.locator(f'[data-testid="annotation-mark"][data-ids="{a["id"]}"]').click()
    await page.get_by_test_id("annotation-details").get_by_test_id("annotation-delete").click()
    await expect(dialog).to_contain_text("Their second note")
    await dialog.get_by_role("button", name="Delete it anyway").click()
    await expect(dialog).to_be_hidden()
    gone = (await site.owner.get(f"{site.base}/annotations/{a['id']}")).json()
    assert gone["deleted_at"] is not None
    assert gone["memo"] == "Their second note" and gone["code_ids"] == a["code_ids"]
    await expect(
        page.locator(f'[data-testid="annotation-mark"][data-ids="{a["id"]}"]')
    ).to_have_count(0)


async def sign_in_form(page: Page) -> None:
    """sign_in without waiting for the live stream (refused on purpose here)."""
    await page.get_by_test_id("login-email").fill(CODER)
    await page.get_by_test_id("login-password").fill(PASSWORD)
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_role("search")).to_be_visible()
