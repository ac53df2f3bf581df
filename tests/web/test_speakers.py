"""A transcript's speakers and roles on the document screen (principle 1: a role the app
inferred says so): each speaker with its turns, role and where the role came from; a
coder sets an unknown speaker's role, which then counts as set by a researcher."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.web.helpers import CODER, Site, shot, upload

pytestmark = pytest.mark.asyncio(loop_scope="session")

TRANSCRIPT = (
    "Interview 4 - discharge lead\n\n"
    "Q: How did the budgets change?\n"
    "A: The budgets were pooled with the council.\n"
    "Q: And the budgets for staff?\n"
    "A: Staff budgets stayed with the trust.\n"
    "Mel: One more on budgets from me.\n"
    "Mel: Thanks.\n"
)


async def test_speakers_show_where_roles_came_from_and_a_coder_sets_one(site: Site, tmp_path):
    path = tmp_path / "interview-4.txt"
    path.write_text(TRANSCRIPT)
    doc = await upload(site, path)
    page = await site.page(CODER)
    await page.goto(f"/documents/{doc}")
    speakers = page.get_by_role("region", name="Speakers")
    rows = speakers.get_by_test_id("speaker-row")
    await expect(rows).to_have_count(3)
    await expect(speakers.get_by_role("row", name="Q 2")).to_contain_text(
        "guessed from a convention"
    )
    mel = rows.filter(has_text="Mel")
    await expect(mel).to_contain_text("no role known")

    await mel.get_by_role("combobox", name="Role of Mel").click()
    await page.get_by_role("option", name="interviewer").click()
    await expect(mel).to_contain_text("set by a researcher")
    await shot(page, "document-speakers")
    listed = (await site.owner.get(f"{site.base}/documents/{doc}/speakers")).json()
    assert {"speaker": "Mel", "role": "interviewer", "role_source": "user", "turns": 2} in listed
