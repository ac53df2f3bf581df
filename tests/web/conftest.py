"""Browser end-to-end fixtures: the built web app served by the real backend (uvicorn on
127.0.0.1 in the test's event loop, ingest worker embedded), Debian's Chromium driven
by Playwright.

One Chromium for the session; each test gets its own app: data folder, database
(SQLite or PostgreSQL, as the rest of the suite), project and accounts. Everything
runs in the session's event loop, which the browser lives in (see pytestmark in the
test modules). When a test fails, each of its open pages is saved under
test-artifacts/failures/, with the URLs its pages went through.

A browser test that fails runs once more (pytest-rerunfailures), from a new app and a new
browser context. Under CI's load (two database runs, two Chromiums, 2 cores) a real
browser shows timing races no quiet run reproduces, and two full CI runs were lost to
one such failure each. The rerun never hides one: its first failure is printed whole
after the tests, it is listed as RERUN in the summary and counted there ("1 rerun");
a test failing both times fails the run.
"""

from __future__ import annotations

import contextlib
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import async_playwright, expect

from tests.conftest import TEST_DB, add_member, login, make_settings, make_user, new_project
from tests.live_server import LiveServer
from tests.web.helpers import CHROMIUM, CODER, DIST, FAILURES, OWNER, TIMEOUT_MS, Site

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def web_build():
    """The built web app. Never skipped: without a build the browser tests fail."""
    if not (DIST / "index.html").is_file():
        pytest.fail(
            f"the web app is not built ({DIST / 'index.html'} is missing): run "
            "`cd web && npm ci && npm run build` first (scripts/test.sh builds it)",
            pytrace=False,
        )
    return DIST


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser(web_build):
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        await chromium.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.flaky(reruns=1))


_first_failures: list[tuple[str, str]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.outcome == "rerun":
        extra = [f"-- {title} --\n{body}" for title, body in report.sections if "browser" in title]
        _first_failures.append((report.nodeid, "\n".join([report.longreprtext, *extra])))


def pytest_terminal_summary(terminalreporter) -> None:
    # The first failure of a test that ran again, whole, as a failure is shown.
    for nodeid, text in _first_failures:
        terminalreporter.write_sep("_", f"RERUN {nodeid}: its first failure")
        terminalreporter.write_line(text)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
        site = item.funcargs.get("site") if hasattr(item, "funcargs") else None
        if report.failed and isinstance(site, Site):
            # Shown under the failure: where each page was, in order, when it failed.
            report.sections.append(("browser navigations", "\n".join(site.navigations)))
    return report


@contextlib.asynccontextmanager
async def running_site(data_dir, database_url, browser, web_build, on_failure=None):
    """One app (data folder, database, embedded worker) with a project and two members;
    `on_failure(site)` is awaited before the pages close, if given and the body failed."""
    settings = make_settings(data_dir, database_url, web_dist=web_build)
    async with AsyncExitStack() as stack:
        srv = await stack.enter_async_context(
            LiveServer(settings, embedded_worker=True, graceful_seconds=1)
        )
        rt = srv.runtime
        users = {OWNER: await make_user(rt, OWNER, admin=True), CODER: await make_user(rt, CODER)}
        pid = await new_project(rt, "ICS leadership study")
        await add_member(rt, pid, users[OWNER], "admin")
        await add_member(rt, pid, users[CODER], "coder")
        clients = {}
        for email in users:
            clients[email] = await stack.enter_async_context(srv.client(timeout=30))
            await login(clients[email], email)
        site = Site(srv, browser, pid, clients[OWNER], clients[CODER], users)
        try:
            yield site
        finally:
            # Pages go before the server: their event streams would hold its shutdown.
            if on_failure is not None:
                await on_failure(site)
            for context in site.contexts:
                await context.close()
        # The app works under the CSP only if the browser refused nothing.
        assert site.csp_violations == [], site.csp_violations


@pytest_asyncio.fixture(loop_scope="session")
async def site(request, tmp_path, database_url, browser, web_build):
    async def on_failure(site: Site) -> None:
        if getattr(request.node, "call_failed", False):
            await _save_failure_pages(site, request.node.name)

    async with running_site(tmp_path / "data", database_url, browser, web_build, on_failure) as s:
        yield s


async def _save_failure_pages(site: Site, test_name: str) -> None:
    FAILURES.mkdir(parents=True, exist_ok=True)
    for i, context in enumerate(site.contexts):
        for j, page in enumerate(context.pages):
            with contextlib.suppress(Exception):  # a crashed page: nothing to save
                await page.screenshot(path=FAILURES / f"{test_name}-{TEST_DB}-{i}-{j}.png")
