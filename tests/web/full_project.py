"""A project with something on every screen, made through the API: a PDF and an
interview transcript, a codebook with each kind and a child code, coding by two people
with memos, the shared initial theories, a CMO configuration with evidence, a saved
search, a closed round with disagreements, and a QDPX import holding a selection for
review. The accessibility test (test_accessibility.py) checks each screen with this."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.backend.refi import builders as b
from tests.conftest import INSULIN_PDF, SHARED, add_member, login, make_user
from tests.web.helpers import CODER, Site, annotate, document_text, new_code, upload

CODER2 = "coder2@example.org"
NEEDLES = "All needles are for single use only"
DISPOSAL = "Ensure patients are educated about the safe disposal of needles and lancets"
AGREED = "Trust between the partners"
PANEL = "We have a single panel now"
ALONE = "Being transparent"
LEARN = "Only that learning"
INTERVIEW = (
    "Interviewer: How did the partnership change over the year?\n\n"
    f"Interviewee: {AGREED} grew over the year. {PANEL}, and it meets monthly.\n\n"
    "Interviewer: What mattered most?\n\n"
    f"Interviewee: {ALONE} mattered more than the money. {LEARN} stayed with us.\n"
)
REVIEW_TEXT = "R: They wrote to us 😊😊 and the café manager said it was fair.\n"


@dataclass
class FullProject:
    policy: int  # the insulin needles PDF
    interview: int
    theory: int
    cmoc: int
    round: int


async def fill(site: Site, tmp: Path) -> FullProject:
    await _import_for_review(site)  # first: a QDPX is imported into an empty project
    policy = await upload(site, INSULIN_PDF)
    path = tmp / "partnership-interview.txt"
    path.write_text(INTERVIEW)
    interview = await upload(site, path)
    first, second = await _code_the_policy(site, policy)
    theory = await _theories(site)
    cmoc = await _cmoc(site, theory, first, second)
    r = await site.owner.post(
        f"{site.base}/saved-searches", json={"name": "Needle disposal", "query": "needles"}
    )
    assert r.status_code == 201, r.text
    rnd = await _closed_round(site, interview)
    return FullProject(policy, interview, theory, cmoc, rnd)


async def _code_the_policy(site: Site, doc: int) -> tuple[dict, dict]:
    text = await document_text(site, doc)
    single_use = await new_code(site.owner, site.base, "Single use", "context")
    disposal = await new_code(site.owner, site.base, "Safe disposal", "outcome")
    pens = await new_code(site.owner, site.base, "Pen choice", "mechanism")
    r = await site.owner.post(f"{site.base}/codes", json={"name": "Brand", "parent_id": pens})
    assert r.status_code == 201, r.text
    await new_code(site.owner, site.base, "Cost", "other")
    first = await annotate(site.owner, site.base, doc, text, NEEDLES, single_use)
    second = await annotate(site.owner, site.base, doc, text, DISPOSAL, disposal)
    mine = await annotate(site.coder, site.base, doc, text, NEEDLES, single_use)
    r = await site.coder.patch(
        f"{site.base}/annotations/{mine['id']}",
        json={"memo": "Waste starts here"},
        headers={"If-Match": f'"{mine["version"]}"'},
    )
    assert r.status_code == 200, r.text
    return first, second


async def _theories(site: Site) -> int:
    csv = (SHARED / "initial-theories.csv").read_bytes()
    files = {"file": ("initial-theories.csv", csv, "text/csv")}
    r = await site.owner.post(f"{site.base}/theories/import", files=files)
    assert r.status_code == 201, r.text
    theories = (await site.owner.get(f"{site.base}/theories")).json()
    return next(t["id"] for t in theories if t["framework"] == "Being")


async def _cmoc(site: Site, theory: int, context: dict, outcome: dict) -> int:
    body = {
        "title": "Single use needles, safe disposal",
        "context": "Patients starting insulin",
        "mechanism_resource": "Education at the first prescription",
        "outcome": "Needles are disposed of safely",
        "theory_ids": [theory],
        "evidence": [
            {"annotation_id": context["id"], "part": "context"},
            {"annotation_id": outcome["id"], "part": "outcome", "stance": "refutes"},
        ],
    }
    r = await site.owner.post(f"{site.base}/cmocs", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _second_coder(site: Site) -> httpx.AsyncClient:
    rt = site.srv.runtime
    site.user_ids[CODER2] = await make_user(rt, CODER2)
    await add_member(rt, site.pid, site.user_ids[CODER2], "coder")
    client = site.srv.client(timeout=30)
    await login(client, CODER2)
    return client


async def _closed_round(site: Site, doc: int) -> int:
    """A closed round of CODER and CODER2: one agreement, three disagreements."""
    text = await document_text(site, doc)
    trust = await new_code(site.owner, site.base, "Trust", "context")
    panel = await new_code(site.owner, site.base, "Single panel", "mechanism")
    coder2 = await _second_coder(site)
    try:
        coders = [site.user_ids[CODER], site.user_ids[CODER2]]
        body = {"name": "Pilot", "document_ids": [doc], "coder_ids": coders}
        r = await site.owner.post(f"{site.base}/rounds", json=body)
        assert r.status_code == 201, r.text
        for client, quote, code in (
            (site.coder, AGREED, trust),
            (coder2, AGREED, trust),
            (site.coder, PANEL, panel),
            (coder2, "We have a single panel", panel),
            (coder2, ALONE, trust),
            (site.coder, LEARN, trust),
            (coder2, LEARN, panel),
        ):
            await annotate(client, site.base, doc, text, quote, code)
    finally:
        await coder2.aclose()
    round_id = r.json()["id"]
    r = await site.owner.post(f"{site.base}/rounds/{round_id}/close")
    assert r.status_code == 200, r.text
    return round_id


async def _import_for_review(site: Site) -> None:
    """A QDPX whose one selection reads differently as UTF-16 and as code points (held
    for review), and a coder the file names who is not yet linked to a member."""
    code = b.Code(b.gid("code"), "Fairness")
    user = b.gid("user")
    src = b.Src("Interview 3", REVIEW_TEXT)
    stored = b.source_text(b.NVIVO_MAC, src)
    src.selections.append(
        b.Sel(0, 0, codes=[code.guid], raw=b.span(stored, "the café manager"), user=user)
    )
    data = b.qdpx(b.NVIVO_MAC, [src], [code], users=[(user, "Someone New", "new@nhs.net")])
    files = {"file": ("project.qdpx", data, "application/zip")}
    r = await site.owner.post(f"{site.base}/qdpx", files=files)
    assert r.status_code == 200, r.text
    assert r.json()["offsets"]["selections_needing_review"] == 1
