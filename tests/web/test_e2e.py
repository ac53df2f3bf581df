"""The web app end to end (issue 6): Chromium against the real backend and the built
app, on SQLite or PostgreSQL like the rest of the suite. Each test has its own app,
database, project and two members (OWNER an admin, CODER a coder); each screen it
passes is saved under test-artifacts/screenshots/.

- sign in, upload a PDF and follow its job, documents, search, open a hit at its page;
- code a mouse selection in the popover (code made on the codebook screen), a
  colleague's open reader shows it live (with no edit: not theirs), two memo edits
  of the author's in two tabs conflict and are resolved;
- a CMOC built from two annotations under an imported theory, the triangulation matrix
  and a cell's excerpts, inter-coder agreement, the XLSX export read back;
- coding with the keyboard only;
- a refused save (document metadata) keeps what was typed.
"""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.async_api import expect

from tests.conftest import INSULIN_PDF, PASSWORD, POLICY_PDF, SHARED
from tests.web.helpers import (
    CODER,
    OWNER,
    Site,
    annotate,
    annotations,
    document_text,
    drag_select,
    new_code,
    shot,
    upload,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_sign_in_upload_search_and_open_a_hit_at_its_page(site: Site):
    page = await site.blank_page()

    # 1. Sign in through the form; a wrong password is refused inline first.
    await page.goto("/")
    await expect(page).to_have_url(re.compile(r"/login$"))
    await page.get_by_test_id("login-email").fill(OWNER)
    await page.get_by_test_id("login-password").fill("not the password")
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("login-error")).to_be_visible()
    await shot(page, "sign-in")
    await page.get_by_test_id("login-password").fill(PASSWORD)
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("live-status")).to_have_attribute("data-status", "live")

    # 2. Upload a real PDF through the upload screen; the embedded worker ingests it.
    await page.get_by_role("menuitem", name="Upload").click()
    await page.get_by_test_id("upload-input").set_input_files(POLICY_PDF)
    row = page.get_by_test_id("upload-row")
    await expect(row).to_have_attribute("data-state", "done", timeout=60_000)
    await expect(row.get_by_role("link")).to_have_text("created — open")
    await shot(page, "upload")

    # The ingest jobs screen lists it as done; the documents screen shows the document.
    await page.get_by_role("menuitem", name="Ingest jobs").click()
    job = page.get_by_role("row").filter(has_text=POLICY_PDF.name)
    await expect(job.locator(".ew-chip")).to_have_text("done")
    await shot(page, "jobs")
    await page.get_by_role("menuitem", name="Documents").click()
    doc_row = page.get_by_role("row").filter(has_text=POLICY_PDF.name)
    await expect(doc_row).to_contain_text("Commissioning policy: individual funding requests")
    await expect(doc_row).to_contain_text("29")  # pages
    await expect(doc_row).to_contain_text("ready")
    await shot(page, "documents")

    # 3. Search for a phrase, open the hit: the reader opens at the hit's page, the
    # passage in view.
    await page.get_by_role("menuitem", name="Search").click()
    await page.get_by_test_id("search-box").fill('"undergoing clinical trials"')
    await page.get_by_test_id("search-submit").click()
    await expect(page.get_by_test_id("search-total")).to_have_text("1 passages · showing 1–1")
    hit = page.get_by_test_id("search-hit")
    await expect(hit.locator("mark")).to_have_text(["undergoing clinical trials"])
    await expect(hit.get_by_test_id("search-hit-page")).to_have_text("p. 16")
    await expect(hit.get_by_test_id("search-hit-heading")).to_contain_text(
        "What is an experimental treatment?"
    )
    await shot(page, "search")
    link = hit.get_by_test_id("search-hit-link")
    href = await link.get_attribute("href")
    found = re.fullmatch(r"/read/(\d+)\?passage=(\d+)", href or "")
    assert found, href
    await link.click()
    await expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    await expect(page.get_by_test_id("reader-title")).to_have_text(
        "Commissioning policy: individual funding requests"
    )
    passage = page.locator(f'[data-passage="{found[2]}"]').first
    await expect(passage).to_contain_text("undergoing clinical trials")
    await expect(passage).to_be_in_viewport()
    await expect(page.get_by_test_id("reader-position")).to_have_text(
        re.compile(r"^p\. 16 · .* › Experimental and unproven treatments")
    )
    await shot(page, "reader-hit")


NEEDLES = "All needles are for single use only"


async def test_coding_shows_live_to_a_colleague_and_a_memo_conflict_resolves(site: Site):
    doc = await upload(site, INSULIN_PDF)
    owner = await site.page(OWNER)
    coder = await site.page(CODER)

    # The code, made on the codebook screen.
    await owner.get_by_role("menuitem", name="Codebook").click()
    await owner.get_by_test_id("code-new").click()
    await owner.get_by_test_id("code-name").fill("Single-use needles")
    await owner.get_by_label("Kind").click()
    await owner.get_by_role("option", name="Context").click()
    await owner.get_by_role("button", name="Save").click()
    row = owner.get_by_test_id("code-row").filter(has_text="Single-use needles")
    await expect(row).to_be_visible()
    await expect(row.get_by_test_id("code-usage")).to_have_text("0")

    # The coder has the document open already.
    await coder.goto(f"/read/{doc}")
    await expect(coder.get_by_test_id("reader-text")).to_contain_text(NEEDLES)
    await expect(coder.get_by_test_id("annotation-mark")).to_have_count(0)
    await coder.evaluate("window.stillTheSamePage = true")

    # 4. The owner selects a passage with the mouse and codes it in the popover.
    await owner.goto(f"/read/{doc}")
    await drag_select(owner, NEEDLES)
    popover = owner.get_by_test_id("code-popover")
    await expect(popover.get_by_test_id("code-popover-quote")).to_have_text(NEEDLES)
    await popover.get_by_test_id("code-search").fill("single-use")
    await popover.get_by_test_id("code-option").filter(has_text="Single-use needles").click()
    await popover.get_by_test_id("code-popover-memo").fill("Waste starts here")
    await popover.get_by_test_id("code-popover-save").click()
    await expect(popover).to_be_hidden()
    (created,) = await annotations(site, doc)
    assert created["exact"] == NEEDLES and created["memo"] == "Waste starts here"
    assert created["author_id"] == site.user_ids[OWNER]
    mark = owner.locator(f'[data-testid="annotation-mark"][data-ids="{created["id"]}"]')
    await expect(mark).to_have_text(NEEDLES)

    # 5. The coder sees it arrive live: marked in the text and listed, without a reload.
    live = coder.locator(f'[data-testid="annotation-mark"][data-ids="{created["id"]}"]')
    await expect(live).to_have_text(NEEDLES)
    item = coder.get_by_test_id("annotation-list-item")
    await expect(item).to_contain_text(NEEDLES)
    await expect(item).to_contain_text("Single-use needles")
    assert await coder.evaluate("window.stillTheSamePage") is True
    await shot(owner, "reader-annotations")

    # 6. The owner opens the annotation to edit its memo in two tabs (only its author
    # may edit it: the coder's details offer no edit); the first tab saves first.
    await live.click()
    details = coder.get_by_test_id("annotation-details")
    await expect(details).to_contain_text("Waste starts here")
    await expect(details.get_by_test_id("annotation-edit")).to_have_count(0)
    await coder.keyboard.press("Escape")
    tab2 = await site.page(OWNER)  # the owner's second tab
    await tab2.goto(f"/read/{doc}")
    for page in (owner, tab2):
        await page.locator(f'[data-testid="annotation-mark"][data-ids="{created["id"]}"]').click()
        await page.get_by_test_id("annotation-details").get_by_test_id("annotation-edit").click()
        await expect(page.get_by_test_id("code-popover-memo")).to_have_value("Waste starts here")
    await owner.get_by_test_id("code-popover-memo").fill("Tab 1: single use is the rule")
    await owner.get_by_test_id("code-popover-save").click()
    await expect(owner.get_by_test_id("code-popover")).to_be_hidden()
    await tab2.get_by_test_id("code-popover-memo").fill("Tab 2: counselling matters")
    await tab2.get_by_test_id("code-popover-save").click()
    dialog = tab2.get_by_test_id("conflict-dialog")
    await expect(dialog.get_by_role("region", name="Theirs (saved)")).to_contain_text(
        "Tab 1: single use is the rule"
    )
    await expect(dialog.get_by_role("region", name="Yours (not saved)")).to_contain_text(
        "Tab 2: counselling matters"
    )
    await shot(tab2, "reader-conflict")
    await dialog.get_by_test_id("conflict-apply-mine").click()
    await expect(dialog).to_be_hidden()
    (saved,) = await annotations(site, doc)
    assert saved["memo"] == "Tab 2: counselling matters" and saved["version"] == 3
    assert saved["code_ids"] == created["code_ids"]
    # The first tab follows (live) and shows the second tab's memo.
    await mark.click()
    await expect(owner.get_by_test_id("annotation-details")).to_contain_text(
        "Tab 2: counselling matters"
    )

    # The codebook counts the code's use.
    await owner.keyboard.press("Escape")
    await owner.get_by_role("menuitem", name="Codebook").click()
    await expect(row.get_by_test_id("code-usage")).to_have_text("1")
    await shot(owner, "codebook")


DISPOSAL = "Ensure patients are educated about the safe disposal of needles and lancets"


async def test_cmoc_from_two_annotations_then_matrix_agreement_and_xlsx_export(
    site: Site, tmp_path
):
    doc = await upload(site, INSULIN_PDF)
    text = await document_text(site, doc)
    single_use = await new_code(site.owner, site.base, "Single use", "context")
    disposal = await new_code(site.owner, site.base, "Safe disposal", "outcome")
    first = await annotate(site.owner, site.base, doc, text, NEEDLES, single_use)
    second = await annotate(site.owner, site.base, doc, text, DISPOSAL, disposal)
    by_coder = await annotate(site.coder, site.base, doc, text, NEEDLES, single_use)
    csv = (SHARED / "initial-theories.csv").read_bytes()
    r = await site.owner.post(
        f"{site.base}/theories/import", files={"file": ("initial-theories.csv", csv, "text/csv")}
    )
    assert r.status_code == 201 and r.json()["created"] == 4, r.text
    theories = (await site.owner.get(f"{site.base}/theories")).json()
    being = next(t for t in theories if t["framework"] == "Being")

    page = await site.page(OWNER)
    await page.get_by_role("menuitem", name="Theories").click()
    await expect(page.get_by_role("row").filter(has_text="initial")).to_have_count(4)
    await shot(page, "theories")

    # 7. The CMOC builder: theory, context and outcome evidence picked from the coding.
    await page.get_by_role("menuitem", name="CMOCs").click()
    await page.get_by_role("link", name="Create", exact=True).click()  # none yet
    await page.get_by_label("Title").fill("Single use needles, safe disposal")
    await page.get_by_label("Context", exact=True).fill("Patients starting insulin")
    await page.get_by_label("Programme theories").click()
    await page.get_by_role("option", name=re.compile(r"^Being: ")).click()
    await page.keyboard.press("Escape")
    builder = page.get_by_test_id("cmoc-builder")
    for part, ann in (("context", first), ("outcome", second)):
        await builder.get_by_test_id(f"add-evidence-{part}").click()
        picker = page.get_by_test_id("annotation-picker")
        item = picker.get_by_test_id("picker-item").filter(has_text=ann["exact"])
        await item.filter(has_text="· owner").get_by_role("checkbox").check()
        await picker.get_by_test_id("picker-add").click()
        await expect(picker).to_be_hidden()
        section = builder.get_by_role("region", name=f"{part.capitalize()} evidence")
        await expect(section.get_by_test_id("evidence-item")).to_contain_text(ann["exact"])
    await page.get_by_role("button", name="Save").click()
    await expect(page).to_have_url(re.compile(r"/cmocs/\d+$"))
    cmoc_id = int(page.url.rsplit("/", 1)[1])
    await expect(page.get_by_role("heading", name="CMO configuration", exact=True)).to_be_visible()
    await expect(builder.get_by_test_id("evidence-item")).to_have_count(2)
    await shot(page, "cmoc-builder")
    cmoc = (await site.owner.get(f"{site.base}/cmocs/{cmoc_id}")).json()
    assert cmoc["theory_ids"] == [being["id"]]
    assert sorted((e["annotation_id"], e["part"], e["stance"]) for e in cmoc["evidence"]) == [
        (first["id"], "context", "supports"),
        (second["id"], "outcome", "supports"),
    ]

    # 8. The triangulation matrix: the theory's status, then a cell's excerpts.
    await page.get_by_role("menuitem", name="Triangulation").click()
    matrix = page.get_by_test_id("matrix")
    row = matrix.get_by_test_id("matrix-row").filter(has_text="Being: ")
    await expect(row.locator(".ew-chip")).to_have_text("single source")
    others = matrix.get_by_test_id("matrix-row").filter(has_not_text="Being: ")
    await expect(others.locator(".ew-chip")).to_have_text(["no evidence"] * 3)
    cell = row.get_by_role(
        "button", name=re.compile(r", Document: 1 sources, 2 excerpts, 2 supporting$")
    )
    await cell.click()
    drawer = page.get_by_test_id("excerpts-drawer")
    excerpts = drawer.get_by_test_id("excerpt")
    await expect(excerpts.locator("blockquote")).to_have_text([NEEDLES, DISPOSAL])
    await expect(excerpts.first).to_contain_text("Prescribing of Insulin Needles")
    await expect(excerpts.first).to_contain_text("p. 2")
    await shot(page, "triangulation")
    await drawer.get_by_role("button", name="Close").click()

    # Agreement between the two coders.
    await page.get_by_role("menuitem", name="Agreement").click()
    coders = page.get_by_label("Coders (two or more)")
    for name in ("owner", "coder"):
        await coders.click()
        await page.get_by_role("option", name=name, exact=True).click()
    await page.get_by_test_id("agreement-run").click()
    await expect(page.get_by_test_id("agreement-summary")).to_contain_text("1 documents")
    table = page.get_by_test_id("agreement-table")
    await expect(table.get_by_role("row").filter(has_text="Single use")).to_contain_text("100.0 %")
    await shot(page, "agreement")

    # 9. The XLSX export, downloaded from the exports screen.
    await page.get_by_role("menuitem", name="Exports").click()
    await shot(page, "exports")
    async with page.expect_download() as info:
        await page.get_by_test_id("export-link-xlsx").click()
    download = await info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    book = load_workbook(saved, read_only=True)
    header, *rows = list(book["evidence"].iter_rows(values_only=True))
    got = sorted(
        (r[header.index("annotation_id")], r[header.index("quote")], r[header.index("part")])
        for r in rows
    )
    assert got == sorted(
        [
            (first["id"], NEEDLES, "context"),
            (second["id"], DISPOSAL, "outcome"),
            (by_coder["id"], NEEDLES, None),
        ]
    )


async def test_keyboard_only_coding(site: Site):
    doc = await upload(site, INSULIN_PDF)
    code = await new_code(site.owner, site.base, "Pen compatibility", "mechanism")
    page = await site.page(OWNER)
    await page.goto(f"/read/{doc}?page=3")
    await expect(page.get_by_test_id("reader-position")).to_have_text(re.compile(r"^p\. 3 "))

    # Tab to the text, select three words from the first one in view, press C.
    text = page.get_by_test_id("reader-text")
    for _ in range(60):
        await page.keyboard.press("Tab")
        if await text.evaluate("el => el === document.activeElement"):
            break
    await expect(text).to_be_focused()
    for _ in range(3):
        await page.keyboard.press("Control+Shift+ArrowRight")
    await page.keyboard.press("c")
    popover = page.get_by_test_id("code-popover")
    await expect(popover.get_by_test_id("code-popover-quote")).to_have_text("Insulin pen needles")

    # The code search has the focus: type, Enter chooses, Tab to the memo, Ctrl+Enter saves.
    await expect(popover.get_by_test_id("code-search")).to_be_focused()
    await page.keyboard.type("pen comp")
    await page.keyboard.press("Enter")
    await expect(popover.get_by_label("Chosen codes")).to_contain_text("Pen compatibility")
    memo = popover.get_by_test_id("code-popover-memo")
    for _ in range(5):
        await page.keyboard.press("Tab")
        if await memo.evaluate("el => el === document.activeElement"):
            break
    await expect(memo).to_be_focused()
    await page.keyboard.type("Every major pen brand")
    await page.keyboard.press("Control+Enter")
    await expect(popover).to_be_hidden()
    (saved,) = await annotations(site, doc)
    assert saved["exact"] == "Insulin pen needles" and saved["code_ids"] == [code]
    assert saved["memo"] == "Every major pen brand" and saved["page"] == 3
    mark = page.locator(f'[data-testid="annotation-mark"][data-ids="{saved["id"]}"]')
    await expect(mark).to_have_text("Insulin pen needles")
    await expect(text).to_be_focused()  # back in the text for the next selection


async def test_a_refused_metadata_save_keeps_what_was_typed(site: Site):
    doc = await upload(site, INSULIN_PDF)
    page = await site.page(OWNER)
    await page.goto(f"/documents/{doc}")
    title = page.get_by_label("Title")
    organisation = page.get_by_label("Organisation")
    await expect(title).to_have_value("Prescribing of Insulin Needles")
    await title.fill("Prescribing insulin pen needles")
    too_long = "Cambridgeshire and Peterborough " * 10  # 320 characters: the API allows 300
    await organisation.fill(too_long)
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("at most 300 characters").first).to_be_visible()
    await shot(page, "document-metadata-refused")
    await expect(title).to_have_value("Prescribing insulin pen needles")
    await expect(organisation).to_have_value(too_long)
    unchanged = (await site.owner.get(f"{site.base}/documents/{doc}")).json()
    assert unchanged["title"] == "Prescribing of Insulin Needles"

    await organisation.fill("NHS Cambridgeshire and Peterborough ICB")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("at most 300 characters")).to_have_count(0)
    await expect(page.get_by_text("Element updated")).to_be_visible()
    saved = (await site.owner.get(f"{site.base}/documents/{doc}")).json()
    assert saved["title"] == "Prescribing insulin pen needles"
    assert saved["organisation"] == "NHS Cambridgeshire and Peterborough ICB"
