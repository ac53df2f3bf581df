"""Agreement by coder key: two colleagues' coding imported from QualCoder, neither
linked to an account, is compared as "coder:<id>", beside the admin's own coding
(an account, its user id); linking a coder makes them that account."""

from __future__ import annotations

import pytest

from tests.backend.refi import builders as b
from tests.backend.refi.conftest import new_project, upload
from tests.conftest import add_member, make_user, runtime_of

TEXT = "The panel met monthly.\n\nFamilies trusted the panel.\n\nBudgets were pooled.\n"
TRUST, PANEL = b.gid("trust"), b.gid("panel")
ANN, BEN = b.gid("ann"), b.gid("ben")


def _file() -> bytes:
    src = b.Src("Notes", TEXT)
    src.selections += [
        b.Sel(*b.span(TEXT, "Families trusted the panel."), codes=[TRUST], user=ANN),
        b.Sel(*b.span(TEXT, "Families trusted the panel."), codes=[TRUST], user=BEN),
        b.Sel(*b.span(TEXT, "The panel met monthly."), codes=[PANEL], user=BEN),
    ]
    users = [(ANN, "Ann Imported", "ann@elsewhere.org"), (BEN, "Ben Imported", "ben@elsewhere.org")]
    return b.qdpx(b.QUALCODER, [src], [b.Code(TRUST, "Trust"), b.Code(PANEL, "Panel")], users=users)


async def test_unlinked_imported_coders_are_compared_by_coder_key(client):
    pid = await new_project(client)
    r = await upload(client, pid, _file())
    assert r.status_code == 200, r.text
    coders = {c["name"]: c["id"] for c in (await client.get(f"/api/projects/{pid}/coders")).json()}
    keys = [f"coder:{coders['Ann Imported']}", f"coder:{coders['Ben Imported']}"]
    url = f"/api/projects/{pid}/agreement"

    r = await client.get(url, params={"coder": keys})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["coders"] == keys
    trust = body["overall"]
    assert dict((k, n) for k, n in trust["applied_counts"]) == {keys[0]: 1, keys[1]: 2}
    # One passage, two codes: both applied Trust, only Ben Panel.
    assert body["n_passages"] == 1
    assert trust["percent_agreement"] == pytest.approx(1 / 2)

    # The admin's own coding (an account) sits beside an imported coder.
    ann_doc = (await client.get(f"/api/projects/{pid}/documents")).json()[0]["id"]
    me = (await client.get("/api/auth/me")).json()["user"]["id"]
    start = TEXT.index("Families")
    codes = (await client.get(f"/api/projects/{pid}/codes")).json()
    code_id = next(c["id"] for c in codes if c["name"] == "Trust")
    body = {"document_id": ann_doc, "start": start, "end": start + 10, "code_ids": [code_id]}
    assert (await client.post(f"/api/projects/{pid}/annotations", json=body)).status_code == 201
    r = await client.get(url, params={"coder_id": [me], "coder": keys[:1]})
    assert r.status_code == 200, r.text
    assert r.json()["coders"] == [me, keys[0]]
    assert r.json()["overall"]["percent_agreement"] == pytest.approx(1.0)

    # Linked to an account, Ben is that account.
    ben = await make_user(runtime_of(client), "ben@example.org")

    await add_member(runtime_of(client), pid, ben, "coder")
    link = f"/api/projects/{pid}/coders/{coders['Ben Imported']}/link"
    assert (await client.put(link, json={"user_id": ben})).status_code == 200
    r = await client.get(url, params={"coder_id": [ben], "coder": keys[:1]})
    assert r.status_code == 200 and r.json()["coders"] == [ben, keys[0]], r.text
    assert (await client.get(url, params={"coder": ["anyone:1", keys[0]]})).status_code == 422
