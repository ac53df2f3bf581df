"""Done when (issue 12): two coders code the same interview blind, the adjudicator
resolves their disagreements from the drill-down into a consensus coding, the methods
data states alpha_u and how consensus was reached, and the triangulation matrix uses
the consensus; no read path leaks a blind coding (tests/backend/rounds)."""

from __future__ import annotations

from tests.team import Team

SAME = "trust between the partners"


async def _code_blind(t: Team) -> dict:
    rnd = await t.open_round(["interview"], ["ann", "ben"])
    a = {
        "ann_same": await t.code(t.ann, "interview", SAME, ["Trust"], memo="Ann's memo"),
        "ben_same": await t.code(t.ben, "interview", SAME, ["Trust"]),
        "ann_panel": await t.code(
            t.ann, "interview", "We have a single panel now", ["Single panel"]
        ),
        "ben_panel": await t.code(t.ben, "interview", "We have a single panel", ["Single panel"]),
        "ben_only": await t.code(t.ben, "interview", "Being transparent", ["Trust"]),
        "ann_learn": await t.code(t.ann, "interview", "Only that learning", ["Trust"]),
        "ben_learn": await t.code(t.ben, "interview", "Only that learning", ["Single panel"]),
    }
    # Ben links his annotation to a CMOC while coding: the link must follow it.
    r = await t.ben.post(
        f"{t.base}/cmocs",
        json={
            "title": "Trust makes one panel possible",
            "evidence": [{"annotation_id": a["ben_panel"]["id"], "part": "context"}],
        },
    )
    assert r.status_code == 201, r.text
    return {"round": rnd, "cmoc": r.json()["id"], **{k: v["id"] for k, v in a.items()}}


async def _matrix(t: Team) -> dict[int, int]:
    r = await t.owner.get(f"{t.base}/triangulation", params={"rows": "code"})
    assert r.status_code == 200, r.text
    return {
        row["id"]: sum(c["supports"]["excerpts"] for c in row["cells"].values())
        for row in r.json()["rows"]
    }


async def test_blind_round_to_consensus_to_analysis(team: Team):
    t = team
    c = await _code_blind(t)
    rid = c["round"]["id"]
    url = f"{t.base}/rounds/{rid}/adjudication"
    assert (await t.owner.post(url)).status_code == 409  # still open
    assert (await t.owner.post(f"{t.base}/rounds/{rid}/close")).status_code == 200
    assert (await t.ann.post(url)).status_code == 403  # adjudicators are admins

    r = await t.owner.post(url)
    assert r.status_code == 200, r.text
    queue = r.json()
    assert queue["started"] and queue["agreements"] == 1
    items = {i["kind"]: i for i in queue["items"]}
    assert sorted(items) == ["boundaries", "codes", "unmatched"]
    assert (await t.owner.post(url)).json()["agreements"] == 1  # starting twice adds nothing

    decide = f"{url}/decisions"
    bounds, codes, alone = items["boundaries"], items["codes"], items["unmatched"]
    r = await t.owner.post(
        decide,
        json={"key": bounds["key"], "action": "take", "coder_id": t.ids["ben"], "memo": "tighter"},
    )
    assert r.status_code == 201, r.text
    taken = r.json()
    assert taken["action"] == "take" and taken["memo"] == "tighter" and taken["user_id"]
    r = await t.owner.post(decide, json={"key": codes["key"], "action": "merge"})
    assert r.status_code == 201, r.text
    r = await t.owner.post(decide, json={"key": alone["key"], "action": "reject"})
    assert r.status_code == 201, r.text
    again = await t.owner.post(decide, json={"key": alone["key"], "action": "reject"})
    assert again.status_code == 409

    # Undo and decide again: the edit draws its own boundaries.
    r = await t.owner.delete(f"{decide}/{r.json()['id']}")
    assert r.status_code == 204
    start = t.texts[t.ids["interview"]].index("Being transparent")
    edit = {
        "key": alone["key"],
        "action": "edit",
        "start": start,
        "end": start + len("Being"),
        "code_ids": [t.ids["Trust"]],
    }
    r = await t.owner.post(decide, json=edit)
    assert r.status_code == 201, r.text
    queue = (await t.owner.get(url)).json()
    assert all(i["decision"] for i in queue["items"])

    consensus = [
        a for a in (await t.owner.get(f"{t.base}/annotations")).json() if a["layer"] == "consensus"
    ]
    spans = sorted((a["exact"], tuple(a["code_ids"])) for a in consensus)
    trust, panel = t.ids["Trust"], t.ids["Single panel"]
    assert spans == sorted(
        [
            (SAME, (trust,)),  # the agreement, taken over
            ("We have a single panel", (panel,)),  # Ben's version
            ("Only that learning", tuple(sorted((trust, panel)))),  # merged
            ("Being", (trust,)),  # edited
        ]
    )
    agreed = next(a for a in consensus if a["exact"] == SAME)
    assert agreed["memo"] == "Ann's memo" and agreed["round_id"] == rid
    # The coders' round codings stay as they were: frozen, not rewritten.
    assert (await t.owner.get(f"{t.base}/annotations/{c['ben_only']}")).json()["deleted_at"] is None

    # Analyses: all coders until the project says consensus.
    assert (await _matrix(t))[trust] == 4  # Ann 2 + Ben 2
    r = await t.owner.put(f"{t.base}/analysis-layer", json={"layer": "consensus"})
    assert r.status_code == 200 and "consensus" in r.json()["statement"], r.text
    assert await _matrix(t) == {trust: 3, panel: 2}
    cmoc = (await t.owner.get(f"{t.base}/cmocs/{c['cmoc']}")).json()
    counted = {e["annotation_id"]: e["in_analysis"] for e in cmoc["evidence"]}
    taken_id = next(a["id"] for a in consensus if a["exact"] == "We have a single panel")
    assert counted == {c["ben_panel"]: False, taken_id: True}  # the link followed Ben's coding
    r = await t.owner.put(
        f"{t.base}/analysis-layer", json={"layer": "coder", "coder_id": t.ids["ann"]}
    )
    assert r.status_code == 200, r.text
    assert await _matrix(t) == {trust: 2, panel: 1}

    methods = (await t.ann.get(f"{t.base}/methods")).json()
    assert methods["layer"] == "coder" and "ann" in methods["layer_statement"]
    (m,) = methods["rounds"]
    assert m["unitizing_alpha"] is not None and m["blind"] is True
    assert m["decided"] == {"edit": 1, "merge": 1, "take": 1} and m["undecided"] == 0
    assert f"{m['unitizing_alpha']:.3f}" in m["consensus"]
    assert (
        "taken over unchanged" in m["consensus"]
        and "adopting one coder's version" in m["consensus"]
    )
