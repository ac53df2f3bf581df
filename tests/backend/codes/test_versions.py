"""The versioned codebook through the API: a version per change with its diff,
annotations and rounds record theirs, any version can be read and exported, and
changes can be undone (revert to a version, unmerge)."""

from __future__ import annotations

from tests.team import Team


async def _versions(t: Team) -> list[dict]:
    r = await t.owner.get(f"{t.base}/codes/versions")
    assert r.status_code == 200, r.text
    return r.json()


async def test_every_change_makes_a_version_with_its_diff(team: Team):
    t = team
    trust = t.ids["Trust"]
    start = len(await _versions(t))  # the fixture's two codes
    assert start == 2
    r = await t.owner.patch(f"{t.base}/codes/{trust}", json={"name": "Trust in partners"})
    assert r.status_code == 200
    r = await t.owner.patch(f"{t.base}/codes/{trust}", json={"definition": "Believing others"})
    assert r.status_code == 200
    a = await t.code(t.ann, "interview", "trust between the partners", ["Trust"])
    assert a["codebook_version"] == 4
    rnd = await t.open_round(["interview"], ["ann", "ben"])
    assert rnd["codebook_version"] == 4
    r = await t.owner.patch(f"{t.base}/codes/{t.ids['Single panel']}", json={"parent_id": trust})
    assert r.status_code == 200

    history = await _versions(t)
    assert [v["number"] for v in history] == [1, 2, 3, 4, 5]
    assert [v["action"] for v in history] == ["created"] * 2 + ["updated"] * 3
    assert history[0]["diff"]["added"][0]["name"] == "Trust"
    (renamed,) = history[2]["diff"]["changed"]
    assert renamed["fields"] == {"name": ["Trust", "Trust in partners"]}
    (moved,) = history[4]["diff"]["changed"]
    assert moved["fields"] == {"parent_id": [None, trust]}

    r = await t.owner.get(f"{t.base}/codes/versions/2")
    assert {c["name"] for c in r.json()["codes"]} == {"Trust", "Single panel"}
    r = await t.ann.get(f"{t.base}/codes/export", params={"format": "csv", "version": 2})
    assert r.status_code == 200 and "Trust in partners" not in r.text and "Trust" in r.text
    assert "v2" in r.headers["content-disposition"]
    now = await t.ann.get(f"{t.base}/codes/export", params={"format": "csv"})
    assert "Trust in partners" in now.text
    assert (await t.owner.get(f"{t.base}/codes/versions/99")).status_code == 404

    # Undo the rename and the definition: the code as it stood in version 2.
    r = await t.owner.post(f"{t.base}/codes/{trust}/revert", json={"codebook_version": 2})
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["definition"]) == ("Trust", None)
    # Undo a create: version 0, before it existed (refused while in use, like a delete).
    new = (await t.owner.post(f"{t.base}/codes", json={"name": "Spare"})).json()
    r = await t.owner.post(f"{t.base}/codes/{new['id']}/revert", json={"codebook_version": 0})
    assert r.status_code == 200 and r.json()["deleted_at"] is not None
    r = await t.owner.post(f"{t.base}/codes/{trust}/revert", json={"codebook_version": 0})
    assert r.status_code == 409  # Ann's annotation uses it


async def test_unmerge_restores_exactly_the_links_the_merge_moved(team: Team):
    t = team
    trust, panel = t.ids["Trust"], t.ids["Single panel"]
    both = await t.code(t.ann, "interview", "trust between the partners", ["Trust", "Single panel"])
    only = await t.code(t.ann, "interview", "We have a single panel now", ["Single panel"])
    r = await t.owner.post(f"{t.base}/codes/{panel}/merge", json={"into": trust})
    assert r.status_code == 200, r.text

    async def codes_of(a: dict) -> list[int]:
        return (await t.owner.get(f"{t.base}/annotations/{a['id']}")).json()["code_ids"]

    assert await codes_of(both) == [trust] and await codes_of(only) == [trust]
    r = await t.owner.post(f"{t.base}/codes/{panel}/unmerge")
    assert r.status_code == 200 and r.json()["deleted_at"] is None, r.text
    assert await codes_of(both) == sorted([trust, panel])  # it had both before
    assert await codes_of(only) == [panel]  # the merge had added Trust: gone again
    assert (await t.owner.post(f"{t.base}/codes/{panel}/unmerge")).status_code == 409
    actions = [v["action"] for v in await _versions(t)]
    assert actions[-2:] == ["merged", "unmerged"]
    history = (await t.owner.get(f"{t.base}/annotations/{only['id']}/history")).json()
    assert [h["action"] for h in history] == ["create", "merge_codes", "merge_codes"]


async def test_deleting_a_code_makes_a_version_that_records_the_removal(team: Team):
    t = team
    spare = (await t.owner.post(f"{t.base}/codes", json={"name": "Spare"})).json()
    part = {"name": "Spare part", "parent_id": spare["id"]}
    child = await t.owner.post(f"{t.base}/codes", json=part)
    assert child.status_code == 201, child.text
    before = await _versions(t)
    assert (await t.owner.delete(f"{t.base}/codes/{spare['id']}")).status_code == 204

    history = await _versions(t)
    assert len(history) == len(before) + 1
    deleted = history[-1]
    assert (deleted["number"], deleted["action"]) == (before[-1]["number"] + 1, "deleted")
    assert [c["name"] for c in deleted["diff"]["removed"]] == ["Spare"]
    assert deleted["diff"]["added"] == []
    # Its child moved to the top level in the same version.
    (moved,) = deleted["diff"]["changed"]
    assert moved["fields"] == {"parent_id": [spare["id"], None]}
    # The version before still has the code; the new one does not.
    names = {}
    for v in (before[-1]["number"], deleted["number"]):
        r = await t.owner.get(f"{t.base}/codes/versions/{v}")
        assert r.status_code == 200, r.text
        names[v] = {c["name"] for c in r.json()["codes"]}
    assert "Spare" in names[before[-1]["number"]]
    assert "Spare" not in names[deleted["number"]]
