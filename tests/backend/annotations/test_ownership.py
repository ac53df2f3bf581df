"""Ownership: coders change only their own annotations; an admin deletes anyone's
with a reason (history and audit log keep it); removing a CMO configuration's
evidence is confirmed by naming the configuration(s). Undo restores exactly."""

from __future__ import annotations

from tests.team import Team

SAME = ("start", "end", "exact", "memo", "code_ids", "version_id")


async def test_a_coder_changes_only_their_own(team: Team):
    t = team
    a = await t.code(t.ann, "interview", "trust between the partners", ["Trust"], memo="Ann's")
    url = f"{t.base}/annotations/{a['id']}"
    edits = [
        t.ben.patch(url, json={"memo": "Ben's now", "version": 1}),
        t.ben.post(f"{url}/revert", json={"to_version": 1}),
        t.ben.delete(url),
        t.owner.patch(url, json={"memo": "the admin's", "version": 1}),
    ]
    for edit in edits:
        r = await edit
        assert r.status_code == 403, r.text
        assert "only your own annotations" in r.json()["detail"]
        assert "ann" in r.json()["detail"].lower()  # names whose it is
    after = (await t.ann.get(url)).json()
    assert (after["memo"], after["version"], after["deleted_at"]) == ("Ann's", 1, None)
    assert (await t.ann.patch(url, json={"memo": "still mine", "version": 1})).status_code == 200
    assert (await t.ann.delete(url)).status_code == 204
    assert (await t.ben.post(f"{url}/restore")).status_code == 403
    assert (await t.ann.post(f"{url}/restore")).status_code == 200


async def test_an_admin_deletes_anyones_with_a_reason_kept_in_the_audit_log(team: Team):
    t = team
    a = await t.code(t.ben, "interview", "trust between the partners", ["Trust"])
    url = f"{t.base}/annotations/{a['id']}"
    for blank in ("", "   "):
        r = await t.owner.delete(url, params={"reason": blank} if blank else None)
        assert r.status_code == 422, r.text
        assert "needs a reason" in r.json()["detail"]
    assert (await t.ben.get(url)).json()["deleted_at"] is None
    r = await t.owner.delete(url, params={"reason": "  coded the wrong participant  "})
    assert r.status_code == 204, r.text
    history = (await t.owner.get(f"{url}/history")).json()
    assert (history[-1]["action"], history[-1]["user_id"]) == ("delete", t.ids["owner"])
    assert history[-1]["state"]["reason"] == "coded the wrong participant"
    log = (await t.owner.get(f"{t.base}/audit")).json()
    rows = [e for e in log if e["action"] == "annotation.delete"]
    assert len(rows) == 1
    assert (rows[0]["entity_id"], rows[0]["user_id"]) == (a["id"], t.ids["owner"])
    assert rows[0]["detail"] == {"author_id": t.ids["ben"], "reason": "coded the wrong participant"}
    # The admin's undo: restore puts it back as it was.
    r = await t.owner.post(f"{url}/restore")
    assert r.status_code == 200, r.text
    assert {k: r.json()[k] for k in SAME} == {k: a[k] for k in SAME}


async def test_deleting_evidence_needs_the_configurations_named(team: Team):
    t = team
    a = await t.code(t.ann, "interview", "trust between the partners", ["Trust"])
    url = f"{t.base}/annotations/{a['id']}"
    made = []
    for title in ("Trust in panels", "Shared budgets"):
        body = {"title": title, "evidence": [{"annotation_id": a["id"], "part": "mechanism"}]}
        r = await t.ann.post(f"{t.base}/cmocs", json=body)
        assert r.status_code == 201, r.text
        made.append(r.json()["id"])
    r = await t.ann.delete(url)
    assert r.status_code == 409, r.text
    assert r.json()["configurations"] == [
        {"id": made[0], "title": "Trust in panels"},
        {"id": made[1], "title": "Shared budgets"},
    ]
    assert "Trust in panels" in r.json()["detail"] and "Shared budgets" in r.json()["detail"]
    # Naming only one of them is not confirming the other.
    r = await t.ann.delete(url, params={"confirm_cmoc": [made[0]]})
    assert r.status_code == 409, r.text
    assert (await t.ann.get(url)).json()["deleted_at"] is None
    r = await t.ann.delete(url, params={"confirm_cmoc": made})
    assert r.status_code == 204, r.text
    history = (await t.ann.get(f"{url}/history")).json()
    assert history[-1]["state"]["evidence_for"] == made
    # A deleted configuration no longer holds it: restore, delete it, and only one is named.
    assert (await t.ann.post(f"{url}/restore")).status_code == 200
    assert (await t.ann.delete(f"{t.base}/cmocs/{made[1]}")).status_code == 204
    r = await t.ann.delete(url)
    assert r.json()["configurations"] == [{"id": made[0], "title": "Trust in panels"}]


async def test_undo_of_an_edit_restores_exactly_and_history_shows_it(team: Team):
    t = team
    a = await t.code(t.ann, "interview", "trust between the partners", ["Trust"], memo="first")
    url = f"{t.base}/annotations/{a['id']}"
    body = {"memo": "second", "code_ids": [t.ids["Single panel"]], "start": a["start"] + 6}
    edited = await t.ann.patch(url, json=body | {"version": 1})
    assert edited.status_code == 200, edited.text
    assert edited.json()["exact"] == "between the partners"
    r = await t.ann.post(f"{url}/revert", json={"to_version": 1, "version": 2})
    assert r.status_code == 200, r.text
    assert {k: r.json()[k] for k in SAME} == {k: a[k] for k in SAME}
    history = (await t.ann.get(f"{url}/history")).json()
    assert [(h["version"], h["action"]) for h in history] == [
        (1, "create"),
        (2, "update"),
        (3, "update"),
    ]
    assert history[-1]["state"]["reverted_to"] == 1
