"""Codes by kind and theories that can be read (issue 13 item 10), in Chromium against the
real backend: the codebook and the code pickers group codes as Context, Mechanism,
Outcome, Other, a sub-code left without a kind follows its parent's; theories can be
imported before there are any, and importing the same file again adds nothing; the
theory picker shows whole statements. Each failed before: one flat tree, a new child
was "other", the empty theory list had no import, the picker cut statements at 120
characters in a box too narrow to read."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.async_api import expect

from tests.conftest import INSULIN_PDF, SHARED
from tests.web.helpers import OWNER, Site, shot, upload

pytestmark = pytest.mark.asyncio(loop_scope="session")

THEORIES = SHARED / "initial-theories.csv"


async def _code(site: Site, name: str, **fields) -> dict:
    r = await site.owner.post(f"{site.base}/codes", json={"name": name, **fields})
    assert r.status_code == 201, r.text
    return r.json()


async def test_codes_are_grouped_by_kind_and_a_child_follows_its_parent(site: Site):
    doc = await upload(site, INSULIN_PDF)
    trust = await _code(site, "Trust", kind="mechanism")
    await _code(site, "Reciprocity", parent_id=trust["id"])
    funding = await _code(site, "Funding rules", kind="context")
    await _code(site, "Less waste", kind="outcome")
    await _code(site, "Aside")
    page = await site.page(OWNER)
    await page.goto("/codes")
    groups = page.get_by_test_id("code-kind-group")
    await expect(groups).to_have_text(
        [re.compile(r"^Context \(1\)"), re.compile(r"^Mechanism \(2\)"), "Outcome (1)", "Other (1)"]
    )
    # Reciprocity sits with its parent under Mechanism, its badge saying where it comes from.
    rows = page.get_by_test_id("codebook-tree").locator("tbody tr")
    names = [" ".join(t.split()) for t in await rows.all_inner_texts()]
    mechanism = next(i for i, t in enumerate(names) if t.startswith("Mechanism"))
    assert names[mechanism + 1].startswith("▾") and "Trust" in names[mechanism + 1]
    assert "Reciprocity" in names[mechanism + 2]
    await expect(page.get_by_label("Mechanism (from its parent)")).to_have_count(1)

    # A child added under a Context code, kind left as it is, is a context.
    funding_row = page.get_by_test_id("code-row").filter(has_text="Funding rules")
    await funding_row.get_by_role("button", name="Add child").click()
    await page.get_by_test_id("code-name").fill("Ring-fenced budgets")
    await expect(page.get_by_role("combobox", name="Kind")).to_have_text("Same as parent (Context)")
    await page.get_by_role("button", name="Save").click()
    await expect(groups.first).to_have_text(re.compile(r"^Context \(2\)"))
    saved = {c["name"]: c for c in (await site.owner.get(f"{site.base}/codes")).json()}
    child = saved["Ring-fenced budgets"]
    assert (child["parent_id"], child["kind"], child["effective_kind"]) == (
        funding["id"],
        None,
        "context",
    )
    await shot(page, "codebook-by-kind")

    # The reader's code picker groups the same way.
    await page.goto(f"/read/{doc}?page=1")
    text = page.get_by_test_id("reader-text")
    await text.focus()
    await page.keyboard.press("Control+Shift+ArrowRight")
    await page.keyboard.press("c")
    popover = page.get_by_test_id("code-popover")
    await expect(popover.get_by_test_id("code-option-group")).to_have_count(4)
    labels = [
        t.split("\n")[0].strip()
        for t in await popover.get_by_test_id("code-option-group").all_inner_texts()
    ]
    assert labels == ["Context", "Mechanism", "Outcome", "Other"]
    mechanism_group = popover.get_by_role("group", name="Mechanism")
    await expect(mechanism_group.get_by_role("option")).to_have_count(2)


async def test_theories_import_before_there_are_any_and_again_without_duplicates(site: Site):
    page = await site.page(OWNER)
    await page.goto("/theories")
    empty = page.get_by_test_id("theories-empty")
    await expect(empty).to_be_visible()
    await page.get_by_label("Theories file to import").set_input_files(THEORIES)
    first = page.get_by_text("Theories imported: 4 new, 0 updated, 0 unchanged")
    await expect(first).to_be_visible()
    await expect(page.locator(".RaDatagrid-table tbody tr")).to_have_count(4)

    await page.get_by_label("Theories file to import").set_input_files(THEORIES)
    again = page.get_by_text("Theories imported: 0 new, 0 updated, 4 unchanged")
    await expect(again).to_be_visible()
    theories = (await site.owner.get(f"{site.base}/theories")).json()
    assert len(theories) == 4


async def test_the_theory_picker_shows_whole_statements(site: Site):
    r = await site.owner.post(
        f"{site.base}/theories/import",
        files={"file": (THEORIES.name, THEORIES.read_bytes(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    with THEORIES.open(encoding="utf-8-sig") as f:
        longest = max((row["theory_statement"] for row in csv.DictReader(f)), key=len)
    assert len(longest) > 120
    page = await site.page(OWNER)
    await page.goto("/cmocs/create")
    picker = page.get_by_label("Programme theories")
    await expect(picker).to_be_visible()
    box = await page.locator(".MuiAutocomplete-root").filter(has=picker).bounding_box()
    assert box and box["width"] >= 500, box
    await picker.click()
    option = page.get_by_role("option").filter(has_text=longest[:60])
    await expect(option).to_have_count(1)
    shown = " ".join((await option.inner_text()).split())
    assert shown.endswith(" ".join(longest.split())), shown
    await shot(page, "cmoc-theory-picker")
