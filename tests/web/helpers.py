"""What the browser tests share: the places on disk, the two accounts, signing in
through the form, screenshots, setting up documents and coding through the API, and
selecting text in the reader with the real mouse."""

from __future__ import annotations

import asyncio
import mimetypes
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Frame, Page, expect

from tests.conftest import PASSWORD, ROOT
from tests.live_server import LiveServer

DIST = ROOT / "web" / "dist"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"
CHROMIUM = os.environ.get("EVIDENCE_TEST_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 20_000  # any one expectation on this 2-core machine, server work included
JOB_SECONDS = 60  # one upload through the embedded worker

OWNER = "owner@example.org"  # account admin, project admin
CODER = "coder@example.org"  # project coder


@dataclass
class Site:
    """One running app (own data folder and database) with a project and two members."""

    srv: LiveServer
    browser: Browser
    pid: int
    owner: httpx.AsyncClient  # the API, signed in as OWNER
    coder: httpx.AsyncClient  # the API, signed in as CODER
    user_ids: dict[str, int]
    contexts: list[BrowserContext] = field(default_factory=list)
    # What the browser refused under the Content-Security-Policy (must stay empty).
    csp_violations: list[str] = field(default_factory=list)
    # Every page's main-frame URLs in order (history navigations included), saved with the
    # failure pages: a race that ends on the wrong screen shows the way it went there.
    navigations: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"/api/projects/{self.pid}"

    async def blank_page(self) -> Page:
        """A page in a fresh browser context (own cookies and storage), not signed in."""
        context = await self.browser.new_context(
            base_url=self.srv.url, viewport=VIEWPORT, accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("console", self._watch_csp)
        self.contexts.append(context)
        page = await context.new_page()
        page.on("framenavigated", lambda frame: self._note_navigation(page, frame))
        return page

    def _note_navigation(self, page: Page, frame: Frame) -> None:
        if frame == page.main_frame:
            self.navigations.append(f"{time.monotonic():.3f} page {id(page):x}: {frame.url}")

    def _watch_csp(self, message: ConsoleMessage) -> None:
        # Our pages only (the test identity provider's sign-in page is its own business).
        page_url = message.page.url if message.page else ""
        if "Content Security Policy" in message.text and page_url.startswith(self.srv.url):
            self.csp_violations.append(f"{page_url}: {message.text}")

    async def page(self, email: str = OWNER) -> Page:
        """A page in a fresh browser context, signed in through the sign-in form."""
        page = await self.blank_page()
        await sign_in(page, email)
        return page


async def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    await page.goto("/login")
    await page.get_by_test_id("login-email").fill(email)
    await page.get_by_test_id("login-password").fill(password)
    await page.get_by_test_id("login-submit").click()
    # The shell is up and the project chosen (the project gate shows the home page).
    await expect(page.get_by_role("search")).to_be_visible()
    await expect(page.get_by_test_id("live-status")).to_have_attribute("data-status", "live")


async def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Transitions finished at once: a dialog is shot opaque, not half faded in.
    png = await page.screenshot(animations="disabled")
    # Both database runs shoot the same screens at the same time: write, then rename.
    partial = SCREENSHOTS / f".{name}.{os.getpid()}.png"
    partial.write_bytes(png)
    partial.replace(SCREENSHOTS / f"{name}.png")


async def upload(site: Site, path: Path) -> int:
    """Uploads a file through the API and waits for the embedded worker: the document id."""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    with path.open("rb") as f:
        r = await site.owner.post(f"{site.base}/ingest", files=[("files", (path.name, f, kind))])
    assert r.status_code == 202, r.text
    return await wait_for_job(site, r.json()[0]["id"])


async def wait_for_job(site: Site, job_id: int) -> int:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + JOB_SECONDS
    while True:
        job = (await site.owner.get(f"{site.base}/ingest/jobs/{job_id}")).json()
        if job["state"] in ("done", "failed"):
            assert job["state"] == "done" and job["document_id"], job
            await _wait_for_index(site, deadline)
            return job["document_id"]
        assert loop.time() < deadline, f"ingest job {job_id} still {job['state']}"
        await asyncio.sleep(0.2)


async def _wait_for_index(site: Site, deadline: float) -> None:
    """A job is done when its passages are stored; the worker indexes them a moment
    later (the outbox), so a search straight after could find nothing."""
    loop = asyncio.get_running_loop()
    while True:
        health = (await site.owner.get("/api/health")).json()
        if health["search"]["pending_index_jobs"] == 0:
            return
        assert loop.time() < deadline, f"index jobs still pending: {health}"
        await asyncio.sleep(0.1)


async def document_text(site: Site, document_id: int) -> str:
    doc = (await site.owner.get(f"{site.base}/documents/{document_id}")).json()
    version = f"{site.base}/documents/{document_id}/versions/{doc['current_version_id']}"
    return (await site.owner.get(version)).json()["text"]


async def new_code(client: httpx.AsyncClient, base: str, name: str, kind: str) -> int:
    r = await client.post(f"{base}/codes", json={"name": name, "kind": kind})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def annotate(
    client: httpx.AsyncClient, base: str, document_id: int, text: str, quote: str, code_id: int
) -> dict:
    """Codes the first occurrence of `quote` (offsets in code points, the API's unit)."""
    start = text.index(quote)
    body = {
        "document_id": document_id,
        "start": start,
        "end": start + len(quote),
        "code_ids": [code_id],
    }
    r = await client.post(f"{base}/annotations", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["exact"] == quote
    return r.json()


async def annotations(site: Site, document_id: int) -> list[dict]:
    params = {"filter": f'{{"document_id": {document_id}}}', "range": "[0, 99]"}
    return (await site.owner.get(f"{site.base}/annotations", params=params)).json()


# Scrolls the reader so that `phrase` (inside one rendered text segment) sits in the
# upper third of the pane, waits until the lazily mounted blocks stop moving it, and
# returns the viewport points just inside its first and last characters.
_PHRASE_POINTS = """
async ([phrase, passageId]) => {
  const root = document.querySelector('[data-testid="reader-text"]');
  const scroller = document.querySelector('[data-testid="reader-scroller"]');
  const scope = passageId ? root.querySelector(`[data-passage="${passageId}"]`) : root;
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  const find = () => {
    for (const seg of (scope ? scope.querySelectorAll('[data-s]') : [])) {
      const node = seg.firstChild;
      const at = node ? node.data.indexOf(phrase) : -1;
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + 1);
      const a = range.getBoundingClientRect();
      range.setStart(node, at + phrase.length - 1);
      range.setEnd(node, at + phrase.length);
      const b = range.getBoundingClientRect();
      return { a, b };
    }
    return null;
  };
  let last = null;
  for (let i = 0; i < 120; i++) {
    const found = find();
    if (!found) return null;
    const box = scroller.getBoundingClientRect();
    const off = found.a.top - (box.top + box.height / 3);
    if (Math.abs(off) > 40) scroller.scrollTop += off;
    else if (last && last.a.top === found.a.top && last.b.top === found.b.top) {
      return {
        x1: found.a.left + 1, y1: found.a.top + found.a.height / 2,
        x2: found.b.right - 1, y2: found.b.top + found.b.height / 2,
      };
    }
    last = found;
    await frame();
    await frame();
  }
  return null;
}
"""


async def drag_select(page: Page, phrase: str, passage_id: int | None = None) -> None:
    """Selects `phrase` in the reader with the mouse: press before its first character,
    drag to its last, release (the reader then opens the coding popover)."""
    await expect(page.get_by_test_id("reader-text")).to_contain_text(phrase)
    points = await page.evaluate(_PHRASE_POINTS, [phrase, passage_id])
    assert points, f"{phrase!r} is not rendered in the reader"
    await page.mouse.move(points["x1"], points["y1"])
    await page.mouse.down()
    await page.mouse.move(points["x2"], points["y2"], steps=8)
    await page.mouse.up()


# axe-core (web/package.json's devDependency) is loaded from web/node_modules by
# evaluating its source in the page: the app's Content-Security-Policy refuses an
# injected <script>, and the check must run under the policy the app ships with.
AXE_JS = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_AXE_RUN = """
async (tags) => {
  const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
  }));
}
"""


async def axe_violations(page: Page) -> list[dict]:
    """What axe-core finds against WCAG 2.1 A and AA on the page as it is now."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return await page.evaluate(_AXE_RUN, AXE_TAGS)


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    - {node['target']}: {summary}")
    return "\n".join(lines)


async def assert_accessible(page: Page, screen: str) -> None:
    """No WCAG 2.1 A/AA violation on the page; the message names each rule, its impact
    and the elements it failed on."""
    violations = await axe_violations(page)
    assert not violations, f"axe on {screen} ({page.url}):\n{describe_violations(violations)}"
