"""Undo and history in the web app (issue 12 item 7): each change to an annotation, a
code or a CMO configuration offers "Undo" in its notice and on Ctrl+Z (not while
typing), and the undo restores exactly, as a new version the history shows; the
reader lists an annotation's history and reverts to any earlier version; an admin
deletes another coder's annotation with a reason, and deleting a configuration's
evidence needs the configuration confirmed."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.web.helpers import CODER, OWNER, Site, annotate, document_text, new_code, upload

pytestmark = pytest.mark.asyncio(loop_scope="session")

QUOTE = "Board members agreed to pool the discharge budget"
TEXT = f"Minutes of the system board.\n\n{QUOTE} across the three places.\n"
SAME = ("start", "end", "exact", "memo", "code_ids", "deleted_at")


async def coded(site: Site, tmp_path) -> tuple[int, dict]:
    path = tmp_path / "board-minutes.txt"
    path.write_text(TEXT)
    doc = await upload(site, path)
    code = await new_code(site.owner, site.base, "Pooled budgets", "mechanism")
    a = await annotate(site.coder, site.base, doc, await document_text(site, doc), QUOTE, code)
    return doc, a


async def details(page: Page, annotation_id: int):
    await page.locator(f'[data-testid="annotation-mark"][data-ids="{annotation_id}"]').click()
    box = page.get_by_test_id("annotation-details")
    await expect(box).to_be_visible()
    return box


async def state(site: Site, annotation_id: int) -> dict:
    return (await site.coder.get(f"{site.base}/annotations/{annotation_id}")).json()


async def test_undo_an_edit_from_the_notice_and_a_delete_with_ctrl_z(site: Site, tmp_path):
    doc, a = await coded(site, tmp_path)
    url = f"{site.base}/annotations/{a['id']}"
    page = await site.page(CODER)
    await page.goto(f"/read/{doc}")
    box = await details(page, a["id"])
    await box.get_by_test_id("annotation-edit").click()
    await page.get_by_test_id("code-popover-memo").fill("A memo to take back")
    await page.get_by_test_id("code-popover-save").click()
    notice = page.get_by_test_id("undo-notice")
    await expect(notice).to_contain_text("Annotation edited")  # shown once saved
    assert (await state(site, a["id"]))["memo"] == "A memo to take back"
    await notice.get_by_test_id("undo-button").click()
    await expect(page.get_by_text("Undone: Annotation edited")).to_be_visible()
    back = await state(site, a["id"])
    assert back["version"] == 3
    assert {k: back[k] for k in SAME} == {k: a[k] for k in SAME}
    history = (await site.coder.get(f"{url}/history")).json()
    assert [h["action"] for h in history] == ["create", "update", "update"]
    assert history[-1]["state"]["reverted_to"] == 1

    # Delete, then Ctrl+Z with the focus on the page (not in a text field).
    box = await details(page, a["id"])
    await box.get_by_test_id("annotation-delete").click()
    await expect(notice).to_contain_text("Annotation deleted")
    mark = page.locator(f'[data-testid="annotation-mark"][data-ids="{a["id"]}"]')
    await expect(mark).to_have_count(0)
    assert (await state(site, a["id"]))["deleted_at"] is not None
    await page.get_by_test_id("reader-title").click()
    await page.keyboard.press("Control+z")
    await expect(mark).to_have_text(QUOTE)
    back = await state(site, a["id"])
    assert {k: back[k] for k in SAME} == {k: a[k] for k in SAME}
    history = (await site.coder.get(f"{url}/history")).json()
    assert [h["action"] for h in history][-2:] == ["delete", "restore"]


async def test_ctrl_z_in_a_text_field_is_the_fields_own(site: Site, tmp_path):
    doc, a = await coded(site, tmp_path)
    page = await site.page(CODER)
    await page.goto(f"/read/{doc}")
    box = await details(page, a["id"])
    await box.get_by_test_id("annotation-delete").click()
    await expect(page.get_by_test_id("undo-notice")).to_contain_text("Annotation deleted")
    await page.get_by_label("Show only codes").fill("typing")
    await page.keyboard.press("Control+z")
    # The key went to the field: the delete is still the one to undo, from its notice
    # (had Ctrl+Z taken it, the notice would be gone and the history show two restores).
    await page.get_by_test_id("undo-notice").get_by_test_id("undo-button").click()
    await expect(page.get_by_text("Undone: Annotation deleted")).to_be_visible()
    history = (await site.coder.get(f"{site.base}/annotations/{a['id']}/history")).json()
    assert [h["action"] for h in history] == ["create", "delete", "restore"]


async def test_history_in_the_reader_reverts_to_any_earlier_version(site: Site, tmp_path):
    doc, a = await coded(site, tmp_path)
    url = f"{site.base}/annotations/{a['id']}"
    for version, memo in ((1, "second thoughts"), (2, "third thoughts")):
        r = await site.coder.patch(url, json={"memo": memo}, headers={"If-Match": str(version)})
        assert r.status_code == 200, r.text
    page = await site.page(CODER)
    await page.goto(f"/read/{doc}")
    box = await details(page, a["id"])
    await box.get_by_test_id("annotation-history").click()
    dialog = page.get_by_test_id("history-dialog")
    entries = dialog.get_by_test_id("history-entry")
    await expect(entries).to_have_count(3)
    await expect(entries.first).to_contain_text("third thoughts")
    await expect(entries.first).to_contain_text("current")
    await dialog.locator('[data-version="1"]').get_by_test_id("history-revert").click()
    await expect(entries).to_have_count(4)
    await expect(entries.first).to_contain_text("reverted to v1")
    back = await state(site, a["id"])
    assert back["version"] == 4
    assert {k: back[k] for k in SAME} == {k: a[k] for k in SAME}
    # Someone else's annotation: its history shows, with no revert.
    other = await site.page(OWNER)
    await other.goto(f"/read/{doc}")
    box = await details(other, a["id"])
    await expect(box.get_by_test_id("annotation-edit")).to_have_count(0)
    await box.get_by_test_id("annotation-history").click()
    await expect(other.get_by_test_id("history-entry")).to_have_count(4)
    await expect(other.get_by_test_id("history-revert")).to_have_count(0)


async def test_an_admin_deletes_a_coders_evidence_with_a_reason_and_confirmation(
    site: Site, tmp_path
):
    doc, a = await coded(site, tmp_path)
    body = {
        "title": "Pooling builds trust",
        "evidence": [{"annotation_id": a["id"], "part": "context"}],
    }
    r = await site.coder.post(f"{site.base}/cmocs", json=body)
    assert r.status_code == 201, r.text
    cmoc = r.json()["id"]
    page = await site.page(OWNER)
    await page.goto(f"/read/{doc}")
    box = await details(page, a["id"])
    await box.get_by_test_id("annotation-delete").click()
    dialog = page.get_by_test_id("delete-dialog")
    await expect(dialog).to_contain_text("coder")  # whose coding it is
    await expect(dialog.get_by_test_id("delete-confirm")).to_be_disabled()
    await dialog.get_by_test_id("delete-reason").fill("Duplicate of the adjudicated coding")
    await dialog.get_by_test_id("delete-confirm").click()
    evidence = dialog.get_by_test_id("delete-evidence")
    await expect(evidence).to_contain_text(f"CMOC #{cmoc} Pooling builds trust")
    assert (await state(site, a["id"]))["deleted_at"] is None  # nothing yet
    await dialog.get_by_test_id("delete-confirm").click()
    await expect(dialog).to_be_hidden()
    gone = await state(site, a["id"])
    assert gone["deleted_at"] is not None
    log = (await site.owner.get(f"{site.base}/audit")).json()
    (row,) = [e for e in log if e["action"] == "annotation.delete"]
    assert row["detail"] == {
        "author_id": site.user_ids[CODER],
        "reason": "Duplicate of the adjudicated coding",
        "evidence_for": [cmoc],
    }
    # Undo puts it back, in the configuration too.
    await page.get_by_test_id("undo-notice").get_by_test_id("undo-button").click()
    mark = page.locator(f'[data-testid="annotation-mark"][data-ids="{a["id"]}"]')
    await expect(mark).to_have_text(QUOTE)
    evidence_ids = [
        e["annotation_id"]
        for e in (await site.owner.get(f"{site.base}/cmocs/{cmoc}")).json()["evidence"]
    ]
    assert evidence_ids == [a["id"]]


async def test_codebook_and_cmoc_changes_undo(site: Site):
    page = await site.page(OWNER)
    await new_code(site.owner, site.base, "Trust", "mechanism")
    await page.get_by_role("menuitem", name="Codebook").click()
    row = page.get_by_test_id("code-row").filter(has_text="Trust")
    await expect(row).to_be_visible()
    await page.get_by_test_id("code-new").click()
    await page.get_by_test_id("code-name").fill("Shared ledgers")
    await page.get_by_label("Kind").click()
    await page.get_by_role("option", name="Context").click()
    await page.get_by_role("button", name="Save").click()
    notice = page.get_by_test_id("undo-notice")
    await expect(notice).to_contain_text("Code “Shared ledgers” created")
    made = page.get_by_test_id("code-row").filter(has_text="Shared ledgers")
    await expect(made).to_have_count(1)
    await page.keyboard.press("Control+z")
    await expect(page.get_by_text("Undone: Code “Shared ledgers” created")).to_be_visible()
    await expect(made).to_have_count(0)
    codes = (await site.owner.get(f"{site.base}/codes")).json()
    assert [c["name"] for c in codes] == ["Trust"]
    gone = (await site.owner.get(f"{site.base}/codes", params={"deleted": "true"})).json()
    assert [c["name"] for c in gone] == ["Shared ledgers"]
    versions = (await site.owner.get(f"{site.base}/codes/versions")).json()
    assert [v["action"] for v in versions][-2:] == ["created", "deleted"]

    # A CMOC saved on its screen, then undone: its text as before, as a new version.
    r = await site.owner.post(f"{site.base}/cmocs", json={"title": "Trust first"})
    cmoc = r.json()
    await page.goto(f"/cmocs/{cmoc['id']}")
    title = page.get_by_label("Title")
    await expect(title).to_have_value("Trust first")
    await title.fill("Trust second")
    await page.get_by_role("button", name="Save").click()
    await expect(notice).to_contain_text("CMOC saved")
    await notice.get_by_test_id("undo-button").click()
    await expect(title).to_have_value("Trust first")
    now = (await site.owner.get(f"{site.base}/cmocs/{cmoc['id']}")).json()
    assert (now["title"], now["version"]) == ("Trust first", 3)
    history = (await site.owner.get(f"{site.base}/cmocs/{cmoc['id']}/history")).json()
    assert len(history) == 3


async def test_a_codebook_import_undoes(site: Site, tmp_path):
    # Undo after an import deletes the codes the import made (restorable), not those there.
    await new_code(site.owner, site.base, "Trust", "mechanism")
    page = await site.page(OWNER)
    await page.get_by_role("menuitem", name="Codebook").click()
    await expect(page.get_by_test_id("code-row").filter(has_text="Trust")).to_be_visible()
    path = tmp_path / "codebook.csv"
    path.write_text("name,kind,parent\nTrust,M,\nFunding,c,\nPooled budgets,c,Funding\n")
    await page.get_by_label("Codebook file to import").set_input_files(path)
    notice = page.get_by_test_id("undo-notice")
    await expect(notice).to_contain_text("Imported 2 codes (1 already there)")
    await expect(page.get_by_test_id("code-row").filter(has_text="Pooled budgets")).to_be_visible()
    await notice.get_by_test_id("undo-button").click()
    await expect(page.get_by_text("Undone: Imported 2 codes")).to_be_visible()
    await expect(page.get_by_test_id("code-row").filter(has_text="Funding")).to_have_count(0)
    codes = (await site.owner.get(f"{site.base}/codes")).json()
    assert [c["name"] for c in codes] == ["Trust"]
    gone = (await site.owner.get(f"{site.base}/codes", params={"deleted": "true"})).json()
    assert sorted(c["name"] for c in gone) == ["Funding", "Pooled budgets"]
