"""Issue 14 item 6: an import never touches accounts. Coders named in a file become project
attributions (name, the file's GUID); an admin links one to a member's account, explicitly."""

from __future__ import annotations

from sqlmodel import func, select

from backend.accounts.models import User
from backend.annotations.models import Annotation
from backend.coders.service import coder_key, links
from tests.backend.refi import builders as b
from tests.backend.refi.conftest import CODER, new_project, upload
from tests.conftest import add_member, make_user, runtime_of

TEXT = "The panel explained every decision to the families."
ADMIN_GUID, STRANGER = b.gid("admin"), b.gid("stranger")


def _file() -> bytes:
    src = b.Src("Notes", TEXT)
    src.selections += [
        b.Sel(*b.span(TEXT, "panel explained"), user=ADMIN_GUID),
        b.Sel(*b.span(TEXT, "the families"), user=STRANGER),
    ]
    # The file claims the signed-in admin (name and email) and an unknown email as coders.
    users = [(ADMIN_GUID, "owner", "owner@example.org"), (STRANGER, "Someone New", "new@nhs.net")]
    return b.qdpx(b.QUALCODER, [src], users=users)


async def _accounts(client) -> int:
    async with runtime_of(client).sessions() as session:
        return (await session.exec(select(func.count()).select_from(User))).one()


async def test_an_import_creates_no_account_and_credits_no_account(client):
    before = await _accounts(client)
    pid = await new_project(client)
    r = await upload(client, pid, _file())
    assert r.status_code == 200, r.text
    coders = r.json()["coders"]
    assert coders["accounts_created"] == 0 and coders["matched_by"] == "guid"
    assert await _accounts(client) == before
    listed = (await client.get(f"/api/projects/{pid}/coders")).json()
    assert {(c["name"], c["guid"], c["user_id"]) for c in listed} == {
        ("owner", ADMIN_GUID, None),
        ("Someone New", STRANGER, None),
    }
    shown = (await client.get(f"/api/projects/{pid}/annotations")).json()
    assert {a["coder_name"] for a in shown} == {"owner", "Someone New"}
    async with runtime_of(client).sessions() as session:
        rows = (await session.exec(select(Annotation).where(Annotation.project_id == pid))).all()
        keys = {coder_key(a.author_id, a.coder_id, await links(session, pid)) for a in rows}
    assert all(k.startswith("coder:") for k in keys) and len(keys) == 2


async def test_only_an_admin_links_a_coder_and_only_to_a_member(client):
    pid = await new_project(client)
    await upload(client, pid, _file())
    coder = (await client.get(f"/api/projects/{pid}/coders")).json()[1]
    url = f"/api/projects/{pid}/coders/{coder['id']}/link"
    rt = runtime_of(client)
    member_id = await make_user(rt, CODER)
    outsider = await make_user(rt, "outsider@example.org")
    r = await client.put(url, json={"user_id": outsider})
    assert r.status_code == 404 and "not a member" in r.json()["detail"]
    await add_member(rt, pid, member_id, "coder")
    r = await client.put(url, json={"user_id": member_id})
    assert r.status_code == 200 and r.json()["user_id"] == member_id, r.text
    async with rt.sessions() as session:
        found = await links(session, pid)
        a = (await session.exec(select(Annotation).where(Annotation.coder_id == coder["id"]))).one()
        assert coder_key(a.author_id, a.coder_id, found) == f"user:{member_id}"
    r = await client.delete(url)
    assert r.status_code == 200 and r.json()["user_id"] is None


async def test_the_api_says_whose_an_imported_coding_is(client):
    # owner_id is the server's one ownership rule (backend/annotations/ownership.py): the
    # web app shows Edit by it, so a coder linked to an imported coder edits that coding.
    pid = await new_project(client)
    await upload(client, pid, _file())
    coder = (await client.get(f"/api/projects/{pid}/coders")).json()[1]
    rt = runtime_of(client)
    member_id = await make_user(rt, CODER)
    await add_member(rt, pid, member_id, "coder")

    async def owners() -> set[int]:
        shown = (await client.get(f"/api/projects/{pid}/annotations")).json()
        return {a["owner_id"] for a in shown if a["coder_id"] == coder["id"]}

    importer = {
        a["author_id"] for a in (await client.get(f"/api/projects/{pid}/annotations")).json()
    }
    assert await owners() == importer  # not linked: the importing admin's
    url = f"/api/projects/{pid}/coders/{coder['id']}/link"
    assert (await client.put(url, json={"user_id": member_id})).status_code == 200
    assert await owners() == {member_id}
    assert (await client.delete(url)).status_code == 200
    assert await owners() == importer
