"""A blind round with two coders, through the HTTP API: while it is open, no read
path shows Ann what Ben (or the adjudicating admin) coded on the round's document;
the admin, who is not a coder of the round, sees everything; after close everyone
does, and the round's codings are frozen."""

from __future__ import annotations

import io
import json

import pytest

from tests.team import Team

SEARCH = {"q": "panel OR trust OR money OR procedures OR transparent OR quarter", "limit": 100}


@pytest.fixture
async def coded(team: Team) -> dict:
    """Round over the interview; every coder codes a different turn of it."""
    t = team
    rnd = await t.open_round(["interview"], ["ann", "ben"])
    a = {
        "ann": await t.code(t.ann, "interview", "trust between the partners", ["Trust"]),
        "ben_panel": await t.code(
            t.ben, "interview", "We have a single panel now", ["Single panel"]
        ),
        "ben_trust": await t.code(t.ben, "interview", "Being transparent", ["Trust"]),
        "owner": await t.code(t.owner, "interview", "We review declined requests", ["Trust"]),
        "ben_notes": await t.code(t.ben, "notes", "visible trust", ["Trust"]),
    }
    r = await t.owner.post(
        f"{t.base}/cmocs",
        json={
            "title": "Trust makes one panel possible",
            "evidence": [
                {"annotation_id": a["ann"]["id"], "part": "mechanism"},
                {"annotation_id": a["ben_trust"]["id"], "part": "mechanism"},
            ],
        },
    )
    assert r.status_code == 201, r.text
    await t.drain()
    return {"round": rnd, "cmoc": r.json()["id"], **{k: v["id"] for k, v in a.items()}}


def _hidden(c: dict) -> set[int]:
    return {c["ben_panel"], c["ben_trust"], c["owner"]}


async def _ids(client, url: str, **params) -> set[int]:
    r = await client.get(url, params=params)
    assert r.status_code == 200, r.text
    return {a["id"] for a in r.json()}


async def test_round_records_membership_of_annotations(team, coded):
    t, c = team, coded
    ann = (await t.owner.get(f"{t.base}/annotations/{c['ann']}")).json()
    assert ann["round_id"] == c["round"]["id"]
    owner = (await t.owner.get(f"{t.base}/annotations/{c['owner']}")).json()
    assert owner["round_id"] is None  # the admin does not code this round
    notes = (await t.owner.get(f"{t.base}/annotations/{c['ben_notes']}")).json()
    assert notes["round_id"] is None  # outside the round's documents
    assert c["round"]["status"] == "open" and c["round"]["blind"] is True


async def test_annotation_lists_single_reads_history_and_w3c(team, coded):
    t, c = team, coded
    visible = {c["ann"], c["ben_notes"]}
    assert await _ids(t.ann, f"{t.base}/annotations") == visible
    assert await _ids(t.owner, f"{t.base}/annotations") == visible | _hidden(c)
    for hidden in _hidden(c):
        for path in ("", "/history"):
            r = await t.ann.get(f"{t.base}/annotations/{hidden}{path}")
            assert r.status_code == 404, (hidden, path, r.text)
        r = await t.ann.patch(
            f"{t.base}/annotations/{hidden}", json={"memo": "x"}, headers={"If-Match": '"1"'}
        )
        assert r.status_code == 404
    r = await t.ann.get(f"{t.base}/annotations/export.jsonld")
    exported = {int(item["id"].rsplit("/", 1)[1]) for item in r.json()["first"]["items"]}
    assert exported == visible


async def test_search_hits_filters_counts_and_facets(team, coded):
    t, c = team, coded

    async def search(client, **filters) -> dict:
        r = await client.get(f"{t.base}/search", params={**SEARCH, **filters})
        assert r.status_code == 200, r.text
        return r.json()

    shown = {a["id"] for h in (await search(t.ann))["hits"] for a in h["annotations"]}
    assert shown == {c["ann"], c["ben_notes"]}
    panel = t.ids["Single panel"]
    assert (await search(t.owner, code_id=panel))["total"] == 1  # the test can fail
    leaked = await search(t.ann, code_id=panel)
    assert leaked["total"] == 0 and leaked["hits"] == []
    assert all(not values for values in leaked["facets"].values())
    trust = await search(t.ann, code_id=t.ids["Trust"])
    assert {h["document"]["id"] for h in trust["hits"]} == {t.ids["interview"], t.ids["notes"]}
    assert trust["total"] == 2  # Ann's passage and the notes; not Ben's or the owner's turn
    facet = {f["value"]: f["count"] for f in trust["facets"]["document_id"]}
    assert facet == {str(t.ids["interview"]): 1, str(t.ids["notes"]): 1}
    by_ben = await search(t.ann, coder_id=t.ids["ben"])
    assert [h["document"]["id"] for h in by_ben["hits"]] == [t.ids["notes"]]
    assert (await search(t.ann, annotated="true"))["total"] == 2
    assert (await search(t.owner, annotated="true"))["total"] == 5


async def test_codebook_usage_counts(team, coded):
    t = team

    async def usage(client) -> dict[str, int]:
        return {c["name"]: c["usage"] for c in (await client.get(f"{t.base}/codes")).json()}

    assert await usage(t.ann) == {"Trust": 2, "Single panel": 0}
    assert await usage(t.owner) == {"Trust": 4, "Single panel": 1}


async def test_triangulation_matrix_and_drill_down(team, coded):
    t, c = team, coded
    params = {"rows": "code", "columns": "source_type"}

    async def trust_cells(client) -> dict[str, int]:
        r = await client.get(f"{t.base}/triangulation", params=params)
        assert r.status_code == 200, r.text
        (row,) = [row for row in r.json()["rows"] if row["id"] == t.ids["Trust"]]
        return {k: v["supports"]["excerpts"] for k, v in row["cells"].items() if k != "document"}

    assert (await trust_cells(t.ann)) == {"interview": 1, "observation": 1}
    assert (await trust_cells(t.owner))["interview"] == 3
    r = await t.ann.get(
        f"{t.base}/triangulation/excerpts", params={**params, "row_id": t.ids["Trust"]}
    )
    assert {e["annotation_id"] for e in r.json()} == {c["ann"], c["ben_notes"]}


async def test_exports(team, coded):
    t, c = team, coded

    async def exported(client) -> dict:
        r = await client.get(f"{t.base}/exports", params={"format": "json"})
        assert r.status_code == 200, r.text
        return json.load(io.BytesIO(r.content))

    mine = await exported(t.ann)
    assert {e["annotation_id"] for e in mine["evidence"]} == {c["ann"], c["ben_notes"]}
    assert [x["evidence_count"] for x in mine["cmocs"]] == [1]
    everything = await exported(t.owner)
    assert {e["annotation_id"] for e in everything["evidence"]} >= _hidden(c)
    assert [x["evidence_count"] for x in everything["cmocs"]] == [2]


async def test_cmoc_evidence_and_its_history(team, coded):
    t, c = team, coded
    url = f"{t.base}/cmocs/{c['cmoc']}"
    cmoc = (await t.ann.get(url)).json()
    assert [e["annotation_id"] for e in cmoc["evidence"]] == [c["ann"]]
    (revision,) = (await t.ann.get(f"{url}/history")).json()
    assert [e["annotation_id"] for e in revision["state"]["evidence"]] == [c["ann"]]
    owner_view = (await t.owner.get(url)).json()
    assert {e["annotation_id"] for e in owner_view["evidence"]} == {c["ann"], c["ben_trust"]}
    # Ann cannot link Ben's hidden annotation (it does not exist for her) ...
    r = await t.ann.post(
        f"{url}/evidence", json={"annotation_id": c["ben_panel"], "part": "context"}
    )
    assert r.status_code == 422 and str(c["ben_panel"]) in r.text
    # ... and replacing the evidence list she sees keeps the links she cannot see.
    r = await t.ann.patch(
        url,
        json={"evidence": [{"annotation_id": c["ann"], "part": "outcome"}]},
        headers={"If-Match": f'"{cmoc["version"]}"'},
    )
    assert r.status_code == 200, r.text
    kept = (await t.owner.get(url)).json()["evidence"]
    assert {(e["annotation_id"], e["part"]) for e in kept} == {
        (c["ann"], "outcome"),
        (c["ben_trust"], "mechanism"),
    }


async def test_proposals_and_agreement(team, coded):
    t, c = team, coded
    r = await t.ann.get(f"{t.base}/proposals", params={"annotation_id": c["ben_trust"]})
    assert r.status_code == 404
    r = await t.ann.get(f"{t.base}/proposals", params={"annotation_id": c["ann"]})
    assert r.status_code == 200, r.text
    pair = {"coder_id": [t.ids["ann"], t.ids["ben"]]}
    r = await t.ann.get(f"{t.base}/agreement", params=pair)
    assert r.status_code == 400 and "in common" in r.json()["detail"]
    r = await t.owner.get(f"{t.base}/agreement", params=pair)
    assert r.status_code == 200 and r.json()["documents"] == [t.ids["interview"]]


async def test_round_progress(team, coded):
    t, c = team, coded
    url = f"{t.base}/rounds/{c['round']['id']}"
    mine = (await t.ann.get(url)).json()
    assert mine["blinded"] is True
    assert [(p["coder_id"], p["annotations"]) for p in mine["progress"]] == [(t.ids["ann"], 1)]
    admin = (await t.owner.get(url)).json()
    assert admin["blinded"] is False
    progress = {p["coder_id"]: p["annotations"] for p in admin["progress"]}
    assert progress == {t.ids["ann"]: 1, t.ids["ben"]: 2}
    assert [r["id"] for r in (await t.ben.get(f"{t.base}/rounds")).json()] == [c["round"]["id"]]


async def test_after_close_everyone_sees_everything_and_codings_are_frozen(team, coded):
    t, c = team, coded
    url = f"{t.base}/rounds/{c['round']['id']}"
    assert (await t.ann.post(f"{url}/close")).status_code == 403  # admins close rounds
    r = await t.owner.post(f"{url}/close")
    assert r.status_code == 200 and r.json()["status"] == "closed", r.text
    assert (await t.owner.post(f"{url}/close")).status_code == 409
    assert await _ids(t.ann, f"{t.base}/annotations") == {c["ann"], c["ben_notes"]} | _hidden(c)
    r = await t.ann.get(f"{t.base}/search", params={**SEARCH, "code_id": t.ids["Single panel"]})
    assert r.json()["total"] == 1
    mine = (await t.ann.get(url)).json()
    assert mine["blinded"] is False and len(mine["progress"]) == 2
    ann = (await t.ann.get(f"{t.base}/annotations/{c['ann']}")).json()
    r = await t.ann.patch(
        f"{t.base}/annotations/{c['ann']}",
        json={"memo": "second thoughts"},
        headers={"If-Match": f'"{ann["version"]}"'},
    )
    assert r.status_code == 409 and "frozen" in r.json()["detail"]
    r = await t.ann.delete(f"{t.base}/annotations/{c['ann']}")
    assert r.status_code == 409
    later = await t.code(t.ann, "interview", "Only that learning", ["Trust"])
    assert later["round_id"] is None  # the round is over


async def test_opening_rounds_is_checked(team):
    t = team
    body = {"name": "R", "document_ids": [t.ids["interview"]], "coder_ids": [t.ids["ann"]]}
    r = await t.owner.post(f"{t.base}/rounds", json=body)
    assert r.status_code == 422  # one coder compares with nobody
    body["coder_ids"] = [t.ids["ann"], t.ids["ben"]]
    assert (await t.ann.post(f"{t.base}/rounds", json=body)).status_code == 403
    r = await t.owner.post(f"{t.base}/rounds", json={**body, "document_ids": [999999]})
    assert r.status_code == 422 and "999999" in r.json()["detail"]
    assert (await t.owner.post(f"{t.base}/rounds", json=body)).status_code == 201
    r = await t.owner.post(
        f"{t.base}/rounds", json={**body, "coder_ids": [t.ids["ben"], t.ids["owner"]]}
    )
    assert r.status_code == 409 and "open round" in r.json()["detail"]
    assert (await t.owner.get(f"{t.base}/rounds/999999")).status_code == 404
