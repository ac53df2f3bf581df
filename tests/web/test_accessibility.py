"""Every screen of the web app passes axe-core's WCAG 2.1 A and AA rules (issue 13 item
12), checked in Chromium on a project with something on each screen (full_project.py):
the coding popover open on a selection, dialogs open where a screen is mostly a dialog.
A violation is fixed in web/src, never by turning a rule off. One app and one project
serve the whole module; each test reports every screen's violations at once (rule,
impact, elements), and one test shows the check fails on an unlabelled field and on
low-contrast text.
"""

from __future__ import annotations

import re

import pytest
import pytest_asyncio
from playwright.async_api import Locator, Page, expect

from tests.conftest import drop_database, new_database
from tests.web.conftest import running_site
from tests.web.full_project import CODER2, NEEDLES, FullProject, fill
from tests.web.helpers import (
    OWNER,
    Site,
    assert_accessible,
    axe_violations,
    describe_violations,
    drag_select,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def full(tmp_path_factory, browser, web_build):
    """One app for the module: its project filled, and one signed-in page of the owner."""
    url, name = new_database()
    try:
        data = tmp_path_factory.mktemp("a11y")
        async with running_site(data / "data", url, browser, web_build) as site:
            project = await fill(site, data)
            page = await site.page(OWNER)
            yield site, project, page
    finally:
        drop_database(name)


class Screens:
    """Visits screens on one page and gathers each one's violations, so that a failure
    lists every screen that needs a fix, not only the first."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []

    async def check(self, screen: str) -> None:
        await _settled(self.page)
        violations = await axe_violations(self.page)
        if violations:
            self.problems.append(f"{screen} ({self.page.url}):\n{describe_violations(violations)}")

    async def visit(self, screen: str, url: str, ready: Locator) -> None:
        await self.page.goto(url)
        await expect(ready.first).to_be_visible()
        await self.check(screen)

    def assert_none(self) -> None:
        assert not self.problems, "axe found violations:\n" + "\n".join(self.problems)


async def _settled(page: Page) -> None:
    """Every finite animation and transition has finished (a dialog fading in would be
    measured at a contrast it never has once shown); spinners run forever and count not."""
    await page.wait_for_function(
        """() => document.getAnimations().every((a) =>
             a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)"""
    )


async def test_sign_in_screen(full):
    site: Site = full[0]
    page = await site.blank_page()
    await page.goto("/login")
    await expect(page.get_by_test_id("login-email")).to_be_visible()
    await assert_accessible(page, "sign in")


async def test_documents_search_and_codebook_screens(full, tmp_path):
    _, project, page = full
    p: FullProject = project
    s = Screens(page)
    await s.visit("home", "/", page.get_by_role("heading", name="Recently changed documents"))
    await s.visit("documents", "/documents", page.get_by_role("row").filter(has_text="Prescribing"))
    await s.visit(
        "document metadata",
        f"/documents/{p.policy}",
        page.get_by_label("Title").and_(page.locator("[value]")),
    )
    await page.goto("/upload")
    note = tmp_path / "field-note.txt"
    note.write_text("Field note: the panel met in the library.\n")
    await page.get_by_test_id("upload-input").set_input_files(note)
    await expect(page.get_by_test_id("upload-row")).to_have_attribute("data-state", "done")
    await s.check("upload")
    await s.visit("ingest jobs", "/jobs", page.get_by_role("row").filter(has_text=".pdf"))
    await s.visit("search", "/search?q=needles", page.get_by_test_id("search-hit"))
    await expect(page.locator("[data-testid^=facet-]").first).to_be_visible()
    await s.check("search (hits and facets)")
    await s.visit("codebook", "/codes", page.get_by_test_id("code-row").filter(has_text="Brand"))
    await page.get_by_test_id("code-new").click()
    await expect(page.get_by_role("dialog")).to_be_visible()
    await s.check("codebook: new code dialog")
    await page.keyboard.press("Escape")
    s.assert_none()


async def test_reader_with_the_coding_popover(full):
    _, project, page = full
    p: FullProject = project
    s = Screens(page)
    await s.visit("reader", f"/read/{p.policy}", page.get_by_test_id("annotation-mark"))
    # The coding popover, open on a mouse selection, a code searched for.
    await drag_select(page, "4mm needles with the smallest diameter")
    popover = page.get_by_test_id("code-popover")
    await expect(popover).to_be_visible()
    await popover.get_by_test_id("code-search").fill("s")
    await expect(popover.get_by_test_id("code-option").first).to_be_visible()
    await s.check("reader: coding popover")
    await page.keyboard.press("Escape")
    await expect(popover).to_be_hidden()
    # An annotation's details (another coder's, with a memo).
    mark = page.get_by_test_id("annotation-mark").filter(has_text=NEEDLES)
    await mark.first.click()
    await expect(page.get_by_test_id("annotation-details")).to_be_visible()
    await s.check("reader: annotation details")
    await page.keyboard.press("Escape")
    # A transcript: speaker turns.
    await s.visit(
        "reader (transcript)",
        f"/read/{p.interview}",
        page.get_by_test_id("reader-text").get_by_text("Interviewee", exact=False),
    )
    s.assert_none()


async def test_analysis_screens(full):
    _, project, page = full
    p: FullProject = project
    s = Screens(page)
    await s.visit("theories", "/theories", page.get_by_role("row").filter(has_text="Being"))
    await s.visit("new theory", "/theories/create", page.get_by_role("button", name="Save"))
    await s.visit("theory", f"/theories/{p.theory}", page.get_by_role("heading", name="History"))
    await s.visit("CMOCs", "/cmocs", page.get_by_role("row").filter(has_text="Single use"))
    await s.visit("new CMOC", "/cmocs/create", page.get_by_role("button", name="Save"))
    await s.visit("CMOC", f"/cmocs/{p.cmoc}", page.get_by_test_id("evidence-item"))
    await expect(page.get_by_test_id("evidence-item")).to_have_count(2)
    await s.check("CMOC (evidence loaded)")
    await s.visit("triangulation", "/triangulation", page.get_by_test_id("matrix-row"))
    await (
        page.get_by_test_id("matrix-row")
        .filter(has_text="Being: ")
        .get_by_role("button", name=re.compile("excerpts"))
        .first.click()
    )
    await expect(page.get_by_test_id("excerpts-drawer")).to_be_visible()
    await s.check("triangulation: excerpts drawer")
    await page.keyboard.press("Escape")
    await page.goto("/agreement")
    coders = page.get_by_label("Coders (two or more)")
    for name in ("owner", "coder"):
        await coders.click()
        await page.get_by_role("option", name=name, exact=True).click()
    await page.keyboard.press("Escape")
    await page.get_by_test_id("agreement-run").click()
    await expect(page.get_by_test_id("agreement-table")).to_be_visible()
    await s.check("agreement")
    s.assert_none()


async def test_rounds_exports_and_project_screens(full):
    _, project, page = full
    p: FullProject = project
    s = Screens(page)
    await s.visit("rounds", "/rounds", page.get_by_test_id("round-row"))
    await s.visit(
        "round agreement", f"/rounds/{p.round}/agreement", page.get_by_test_id("disagreement")
    )
    await s.visit(
        "adjudication", f"/rounds/{p.round}/adjudication", page.get_by_test_id("adjudication-start")
    )
    await page.get_by_test_id("adjudication-start").click()
    await expect(page.get_by_test_id("adjudication-current")).to_be_visible()
    await s.check("adjudication (a disagreement in hand)")
    await s.visit("exports", "/exports", page.get_by_test_id("export-link-w3c"))
    await s.visit("import review", "/import-review", page.get_by_test_id("review-item"))
    await expect(page.get_by_test_id("coder-row").first).to_be_visible()
    await s.check("import review (with imported coders)")
    await s.visit("members", "/members", page.get_by_role("row").filter(has_text=CODER2))
    await s.visit("new project", "/projects/new", page.get_by_role("button", name="Create"))
    await s.visit("account", "/account", page.get_by_role("heading", name="API tokens"))
    await s.visit("accounts", "/accounts", page.get_by_test_id("account-row"))
    s.assert_none()


async def test_the_check_finds_an_unlabelled_field_and_low_contrast_text(full):
    page: Page = full[2]
    await page.goto("/exports")
    await expect(page.get_by_test_id("export-link-w3c")).to_be_visible()
    await page.evaluate(
        """() => {
          const main = document.querySelector('main') || document.body;
          const input = document.createElement('input');
          input.id = 'a11y-probe-input';
          main.appendChild(input);
          const faint = document.createElement('p');
          faint.id = 'a11y-probe-faint';
          faint.textContent = 'Barely readable';
          faint.style.color = '#d8d8d8';
          faint.style.background = '#ffffff';
          main.appendChild(faint);
        }"""
    )
    found = {v["id"]: [n["target"] for n in v["nodes"]] for v in await axe_violations(page)}
    assert "#a11y-probe-input" in found.get("label", []), found
    assert "#a11y-probe-faint" in found.get("color-contrast", []), found
    with pytest.raises(AssertionError, match=r"label \(critical\)[\s\S]*#a11y-probe-input"):
        await assert_accessible(page, "exports with an unlabelled field")
