"""Undo for annotations: revert to any version of its history (span, codes, memo;
restored when deleted since), as a new version that says what it reverted to."""

from __future__ import annotations

from tests.team import Team

FIELDS = ("start", "end", "memo", "code_ids")


async def test_revert_to_any_earlier_version(team: Team):
    t = team
    a = await t.code(t.ann, "interview", "trust between the partners", ["Trust"], memo="first")
    url = f"{t.base}/annotations/{a['id']}"
    body = {"memo": "second", "code_ids": [t.ids["Single panel"]], "end": a["start"] + 5}
    assert (await t.ann.patch(url, json=body | {"version": 1})).status_code == 200
    assert (await t.ann.delete(url)).status_code == 204
    r = await t.ann.post(f"{url}/revert", json={"to_version": 1})
    assert r.status_code == 200, r.text
    back = r.json()
    assert (back["memo"], back["code_ids"], back["exact"], back["deleted_at"]) == (
        "first",
        [t.ids["Trust"]],
        "trust between the partners",
        None,
    )
    history = (await t.ann.get(f"{url}/history")).json()
    assert [h["action"] for h in history] == ["create", "update", "delete", "restore", "update"]
    assert history[-1]["state"]["reverted_to"] == 1
    assert {k: history[-1]["state"][k] for k in FIELDS} == {
        k: history[0]["state"][k] for k in FIELDS
    }
    assert (await t.ann.post(f"{url}/revert", json={"to_version": 3})).status_code == 409
    assert (await t.ann.post(f"{url}/revert", json={"to_version": 99})).status_code == 404
