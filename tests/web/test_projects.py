"""Creating a project from the web app (issue 13 item 2; only the CLI could before): an
admin names it and adds members with roles; an unknown email creates nothing and the
form keeps what was typed."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.conftest import make_user
from tests.web.helpers import CODER, OWNER, Site, shot

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_admin_creates_a_project_with_members_and_roles(site: Site):
    await make_user(site.srv.runtime, "reviewer@example.org")
    page = await site.page(OWNER)
    await page.get_by_role("menuitem", name="New project").click()
    form = page.get_by_role("form", name="New project")
    await form.get_by_label("Project name").fill("Board papers review")
    for email, role in ((CODER, "viewer"), ("nobody@example.org", "coder")):
        await form.get_by_role("button", name="Add a member").click()
        n = await form.get_by_role("group").count()
        await form.get_by_label(f"Email of member {n}").fill(email)
        await form.get_by_label(f"Role of member {n}").click()
        await page.get_by_role("option", name=role, exact=True).click()

    # No account for the second: nothing is created, the form keeps every field.
    await form.get_by_role("button", name="Create project").click()
    await expect(form.get_by_role("alert")).to_contain_text("no account for nobody@example.org")
    names = [p["name"] for p in (await site.owner.get("/api/projects")).json()]
    assert names == ["ICS leadership study"]
    await expect(form.get_by_label("Project name")).to_have_value("Board papers review")

    await form.get_by_label("Email of member 2").fill("reviewer@example.org")
    await shot(page, "project-create")
    await form.get_by_role("button", name="Create project").click()

    # The app switches to the new project and shows its members.
    await expect(page).to_have_url(f"{site.srv.url}/members")
    await expect(page.get_by_role("combobox", name="Project")).to_contain_text(
        "Board papers review"
    )
    rows = page.locator("tbody tr")
    await expect(rows).to_have_count(3)
    projects = {p["name"]: p for p in (await site.owner.get("/api/projects")).json()}
    created = projects["Board papers review"]
    assert created["role"] == "admin"
    members = (await site.owner.get(f"/api/projects/{created['id']}/members")).json()
    roles = {m["email"]: m["role"] for m in members}
    assert roles == {OWNER: "admin", CODER: "viewer", "reviewer@example.org": "coder"}
