"""Undo for CMO configurations: revert to any version of the history, as a new
version (an edit undone, a delete undone), refused for a deleted version."""

from __future__ import annotations

from tests.team import Team


async def test_revert_a_cmoc_to_an_earlier_version(team: Team):
    t = team
    a = await t.code(t.ann, "interview", "trust between the partners", ["Trust"])
    body = {
        "title": "Trust builds panels",
        "evidence": [{"annotation_id": a["id"], "part": "mechanism"}],
    }
    cmoc = (await t.ann.post(f"{t.base}/cmocs", json=body)).json()
    url = f"{t.base}/cmocs/{cmoc['id']}"
    r = await t.ann.patch(url, json={"title": "Renamed", "evidence": [], "version": 1})
    assert r.status_code == 200 and r.json()["evidence"] == []
    assert (await t.ann.delete(url, headers={"If-Match": '"2"'})).status_code == 204
    r = await t.ann.post(f"{url}/revert", json={"to_version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "Trust builds panels" and r.json()["deleted_at"] is None
    assert [e["annotation_id"] for e in r.json()["evidence"]] == [a["id"]]
    actions = [h["action"] for h in (await t.ann.get(f"{url}/history")).json()]
    assert actions == ["create", "update", "delete", "restore", "update"]
    assert (await t.ann.post(f"{url}/revert", json={"to_version": 3})).status_code == 409
    assert (await t.ann.post(f"{url}/revert", json={"to_version": 99})).status_code == 404
