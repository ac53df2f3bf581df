"""CMO configurations through the API, on the shared corpus: theory links, evidence
from real annotations (quote, document, source type, page), edits with If-Match,
adding one evidence link, soft delete, filters, history, events, roles and the
boundaries between projects."""

import json

import pytest
from sqlmodel import col, select

from backend.events.models import Event
from backend.ingest_jobs.worker import run_job
from tests.conftest import add_member, app_client, login, make_user, runtime_of, signed_in


@pytest.fixture
async def api(corpus_settings):
    async with signed_in(corpus_settings) as c:
        yield c


async def _doc(api, q):
    r = await api.get(f"{api.base}/documents", params={"filter": json.dumps({"q": q})})
    assert r.status_code == 200, r.text
    return r.json()[0]


async def _passage(api, doc_id, ordinal, base=None):
    r = await api.get(
        f"{base or api.base}/documents/{doc_id}/passages",
        params={"range": f"[{ordinal},{ordinal}]", "sort": '["ordinal","ASC"]'},
    )
    return r.json()[0]


async def _annotate(api, doc_id, passage, length=40, offset=0, base=None):
    start = passage["start"] + offset
    r = await api.post(
        f"{base or api.base}/annotations",
        json={"document_id": doc_id, "start": start, "end": start + length},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def _theory(api, statement, base=None):
    r = await api.post(f"{base or api.base}/theories", json={"statement": statement})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _cmoc(api, **body):
    r = await api.post(f"{api.base}/cmocs", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def _events(api):
    async with runtime_of(api).sessions() as session:
        stmt = (
            select(Event)
            .where(Event.project_id == api.pid, col(Event.kind).startswith("cmoc."))
            .order_by(Event.id)
        )
        return [(e.kind, e.entity_id, e.payload) for e in (await session.exec(stmt)).all()]


@pytest.fixture
async def world(api):
    """Two theories and three annotations: two on a policy PDF (one past page 1) and
    one on the SOP, whose source type is set to interview."""
    policy = await _doc(api, "Commissioning")
    sop = await _doc(api, "Standard")
    assert policy["id"] != sop["id"]
    r = await api.patch(f"{api.base}/documents/{sop['id']}", json={"source_type": "interview"})
    assert r.status_code == 200, r.text
    early = await _passage(api, policy["id"], 2)
    late = await _passage(api, policy["id"], 25)
    assert late["page_start"] > 1
    talk = await _passage(api, sop["id"], 5)
    annotations = [
        await _annotate(api, policy["id"], early),
        await _annotate(api, policy["id"], late, length=60),
        await _annotate(api, sop["id"], talk, length=30, offset=3),
    ]
    theories = [
        await _theory(api, "Leaders who listen build trust."),
        await _theory(api, "Clear criteria make decisions fair."),
    ]
    return type(
        "World",
        (),
        {
            "policy": policy,
            "sop": sop,
            "passages": [early, late, talk],
            "a": [a["id"] for a in annotations],
            "annotations": annotations,
            "t": theories,
        },
    )


async def test_create_with_theories_and_evidence(api, world):
    r = await api.post(
        f"{api.base}/cmocs",
        json={
            "title": "  Panel review  ",
            "context": "Requests for treatments outside commissioned pathways",
            "mechanism_resource": "A written policy with criteria",
            "mechanism_reasoning": "Clinicians trust the process",
            "outcome": "Consistent decisions",
            "memo": "first draft",
            "status": "proposed",
            "theory_ids": [world.t[1], world.t[0], world.t[1]],
            "evidence": [
                {"annotation_id": world.a[0], "part": "context"},
                {
                    "annotation_id": world.a[1],
                    "part": "mechanism",
                    "stance": "refutes",
                    "note": "contradicts the guidance",
                },
                {"annotation_id": world.a[2], "part": "outcome", "stance": "refines"},
                {"annotation_id": world.a[0], "part": "outcome", "stance": "supports"},
            ],
        },
    )
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    c = r.json()
    assert c["title"] == "Panel review" and c["status"] == "proposed" and c["version"] == 1
    assert c["theory_ids"] == sorted(world.t)  # duplicates dropped
    assert c["project_id"] == api.pid and c["deleted_at"] is None

    evidence = c["evidence"]
    assert [(e["annotation_id"], e["part"], e["stance"]) for e in evidence] == [
        (world.a[0], "context", "supports"),
        (world.a[1], "mechanism", "refutes"),
        (world.a[2], "outcome", "refines"),
        (world.a[0], "outcome", "supports"),
    ]
    assert evidence[1]["note"] == "contradicts the guidance" and evidence[0]["note"] == ""
    early, late, talk = world.passages
    assert evidence[0]["document_id"] == world.policy["id"]
    assert evidence[0]["source_type"] == "document"
    assert evidence[0]["exact"] == early["text"][:40] == world.annotations[0]["exact"]
    assert evidence[0]["page"] == early["page_start"] == world.annotations[0]["page"]
    assert evidence[1]["exact"] == late["text"][:60]
    assert evidence[1]["page"] == late["page_start"] > 1
    assert evidence[1]["location"]["page"] == late["page_start"]
    assert f"p. {late['page_start']}" in evidence[1]["citation"]
    assert evidence[2]["document_id"] == world.sop["id"]
    assert evidence[2]["source_type"] == "interview"
    assert evidence[2]["exact"] == talk["text"][3:33]
    assert evidence[2]["page"] == talk["page_start"]

    got = await api.get(f"{api.base}/cmocs/{c['id']}")
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    assert got.json() == c
    history = (await api.get(f"{api.base}/cmocs/{c['id']}/history")).json()
    assert [(h["action"], h["version"]) for h in history] == [("create", 1)]
    state = history[0]["state"]
    assert state["theory_ids"] == sorted(world.t) and state["status"] == "proposed"
    assert state["evidence"][1] == {
        "annotation_id": world.a[1],
        "part": "mechanism",
        "stance": "refutes",
        "note": "contradicts the guidance",
    }
    assert await _events(api) == [("cmoc.create", c["id"], {"version": 1})]


async def test_a_bare_cmoc_has_defaults(api):
    c = await _cmoc(api)
    assert (c["title"], c["status"], c["theory_ids"], c["evidence"]) == ("", "draft", [], [])


async def test_patch_replaces_evidence_only_when_sent(api, world):
    c = await _cmoc(
        api,
        title="Panel",
        theory_ids=[world.t[0]],
        evidence=[
            {"annotation_id": world.a[0], "part": "context"},
            {"annotation_id": world.a[1], "part": "outcome"},
        ],
    )
    url = f"{api.base}/cmocs/{c['id']}"
    before = c["evidence"]

    r = await api.patch(url, json={"title": "Panel review"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    assert r.json()["title"] == "Panel review" and r.json()["version"] == 2
    assert r.json()["evidence"] == before  # not sent: left as it was, same rows
    assert r.json()["theory_ids"] == [world.t[0]]

    r = await api.patch(
        url,
        json={
            "evidence": [{"annotation_id": world.a[2], "part": "mechanism", "stance": "refines"}],
            "theory_ids": [world.t[1]],
        },
        headers={"If-Match": '"2"'},
    )
    assert r.status_code == 200, r.text
    after = r.json()
    assert [(e["annotation_id"], e["part"], e["stance"]) for e in after["evidence"]] == [
        (world.a[2], "mechanism", "refines")
    ]
    assert after["evidence"][0]["source_type"] == "interview"
    assert after["theory_ids"] == [world.t[1]]
    assert after["title"] == "Panel review" and after["version"] == 3

    # Sending the list that is already there keeps it (same annotation and part).
    same = [{"annotation_id": world.a[2], "part": "mechanism", "stance": "refines"}]
    r = await api.patch(url, json={"evidence": same, "version": 3})
    assert r.status_code == 200
    assert [(e["annotation_id"], e["part"]) for e in r.json()["evidence"]] == [
        (world.a[2], "mechanism")
    ]

    r = await api.patch(url, json={"evidence": [], "theory_ids": []}, headers={"If-Match": '"4"'})
    assert r.status_code == 200
    assert r.json()["evidence"] == [] and r.json()["theory_ids"] == []
    assert r.json()["title"] == "Panel review"

    history = (await api.get(f"{url}/history")).json()
    assert [h["action"] for h in history] == ["create", "update", "update", "update", "update"]
    assert [len(h["state"]["evidence"]) for h in history] == [2, 2, 1, 1, 0]
    assert [h["state"]["theory_ids"] for h in history] == [
        [world.t[0]],
        [world.t[0]],
        [world.t[1]],
        [world.t[1]],
        [],
    ]
    assert (
        history[0]["state"]["title"] == "Panel" and history[1]["state"]["title"] == "Panel review"
    )
    assert [(k, v["version"]) for k, _, v in await _events(api)] == [
        ("cmoc.create", 1),
        ("cmoc.update", 2),
        ("cmoc.update", 3),
        ("cmoc.update", 4),
        ("cmoc.update", 5),
    ]


async def test_edits_need_the_version_and_stale_edits_get_409(api, world):
    c = await _cmoc(
        api, outcome="Fair", evidence=[{"annotation_id": world.a[0], "part": "context"}]
    )
    url = f"{api.base}/cmocs/{c['id']}"
    r = await api.patch(url, json={"outcome": "Faster"})
    assert r.status_code == 428 and "If-Match" in r.json()["detail"]
    r = await api.patch(url, json={"outcome": "Faster"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["version"] == 2

    r = await api.patch(
        url,
        json={"outcome": "Mine", "evidence": [], "theory_ids": [world.t[0]]},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 409
    assert r.headers["etag"] == '"2"'
    assert "someone else changed this CMOC" in r.json()["detail"]
    current = r.json()["current"]
    assert current["outcome"] == "Faster" and current["version"] == 2
    assert [e["annotation_id"] for e in current["evidence"]] == [world.a[0]]
    assert current["evidence"][0]["exact"] == world.annotations[0]["exact"]
    assert current["theory_ids"] == []
    got = (await api.get(url)).json()
    assert got == current  # the loser changed nothing

    r = await api.patch(url, json={"outcome": "x"}, headers={"If-Match": "soon"})
    assert r.status_code == 400 and "If-Match" in r.json()["detail"]
    r = await api.patch(url, json={"outcome": "x", "version": 2**64})
    assert r.status_code == 422
    r = await api.post(
        f"{url}/evidence",
        json={"annotation_id": world.a[1], "part": "outcome"},
        headers={"If-Match": "later"},
    )
    assert r.status_code == 400 and "If-Match" in r.json()["detail"]
    assert len((await api.get(f"{url}/history")).json()) == 2
    assert [k for k, _, _ in await _events(api)] == ["cmoc.create", "cmoc.update"]


async def test_adding_one_evidence_link(api, world):
    c = await _cmoc(api, evidence=[{"annotation_id": world.a[0], "part": "context"}])
    url = f"{api.base}/cmocs/{c['id']}"

    r = await api.post(
        f"{url}/evidence",
        json={"annotation_id": world.a[1], "part": "outcome", "stance": "refutes", "note": "n"},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"' and r.json()["version"] == 2
    assert [(e["annotation_id"], e["part"], e["stance"]) for e in r.json()["evidence"]] == [
        (world.a[0], "context", "supports"),
        (world.a[1], "outcome", "refutes"),
    ]
    added = r.json()["evidence"][1]
    assert added["note"] == "n" and added["exact"] == world.annotations[1]["exact"]
    assert added["page"] == world.passages[1]["page_start"]

    # Without If-Match it goes on top of the current version.
    r = await api.post(f"{url}/evidence", json={"annotation_id": world.a[0], "part": "outcome"})
    assert r.status_code == 200 and r.json()["version"] == 3
    assert len(r.json()["evidence"]) == 3

    # The same annotation and part again changes the stance; no duplicate link.
    r = await api.post(
        f"{url}/evidence",
        json={"annotation_id": world.a[1], "part": "outcome", "stance": "supports"},
        headers={"If-Match": '"3"'},
    )
    assert r.status_code == 200 and r.json()["version"] == 4
    links = [(e["annotation_id"], e["part"], e["stance"]) for e in r.json()["evidence"]]
    assert sorted(links) == sorted(
        [
            (world.a[0], "context", "supports"),
            (world.a[0], "outcome", "supports"),
            (world.a[1], "outcome", "supports"),
        ]
    )

    # Stale: 409 with the current state, nothing added.
    r = await api.post(
        f"{url}/evidence",
        json={"annotation_id": world.a[2], "part": "mechanism"},
        headers={"If-Match": '"2"'},
    )
    assert r.status_code == 409 and r.json()["current"]["version"] == 4
    assert len(r.json()["current"]["evidence"]) == 3
    assert len((await api.get(url)).json()["evidence"]) == 3

    r = await api.post(f"{url}/evidence", json={"annotation_id": 987654, "part": "context"})
    assert r.status_code == 422 and "unknown annotation" in r.json()["detail"]
    r = await api.post(f"{url}/evidence", json={"annotation_id": world.a[2], "part": "purpose"})
    assert r.status_code == 422

    history = (await api.get(f"{url}/history")).json()
    assert [(h["action"], h["version"]) for h in history] == [
        ("create", 1),
        ("evidence", 2),
        ("evidence", 3),
        ("evidence", 4),
    ]
    assert [len(h["state"]["evidence"]) for h in history] == [1, 2, 3, 3]
    assert [k for k, _, _ in await _events(api)] == [
        "cmoc.create",
        "cmoc.evidence",
        "cmoc.evidence",
        "cmoc.evidence",
    ]


async def test_the_same_annotation_twice_for_one_part_is_422(api, world):
    twice = [
        {"annotation_id": world.a[0], "part": "context", "stance": "supports"},
        {"annotation_id": world.a[0], "part": "context", "stance": "refutes"},
    ]
    r = await api.post(f"{api.base}/cmocs", json={"evidence": twice})
    assert r.status_code == 422 and "linked twice" in r.json()["detail"]
    c = await _cmoc(api)
    r = await api.patch(
        f"{api.base}/cmocs/{c['id']}", json={"evidence": twice}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 422 and "linked twice" in r.json()["detail"]
    got = (await api.get(f"{api.base}/cmocs/{c['id']}")).json()
    assert got["evidence"] == [] and got["version"] == 1
    assert [x["id"] for x in (await api.get(f"{api.base}/cmocs")).json()] == [c["id"]]


@pytest.fixture
async def other(api):
    """Another project of the same admin, with its own theory and annotation."""
    project = (await api.post("/api/projects", json={"name": "Other"})).json()
    base = f"/api/projects/{project['id']}"
    text = b"Leaders in the other study meet every week to review decisions. " * 6
    r = await api.post(f"{base}/ingest", files=[("files", ("other.txt", text, "text/plain"))])
    assert r.status_code == 202, r.text
    job = await run_job(runtime_of(api), r.json()[0]["id"])
    assert job.state == "done", job
    passage = await _passage(api, job.document_id, 0, base=base)
    annotation = await _annotate(api, job.document_id, passage, length=20, base=base)
    theory = await _theory(api, "Elsewhere.", base=base)
    return type("Other", (), {"base": base, "annotation": annotation["id"], "theory": theory})


async def test_theories_and_annotations_of_another_project_are_422(api, world, other):
    cases = [
        ({"theory_ids": [world.t[0], other.theory]}, "unknown theory"),
        ({"theory_ids": [987654]}, "unknown theory"),
        (
            {"evidence": [{"annotation_id": other.annotation, "part": "context"}]},
            "unknown annotation",
        ),
        ({"evidence": [{"annotation_id": 987654, "part": "outcome"}]}, "unknown annotation"),
    ]
    for body, fragment in cases:
        r = await api.post(f"{api.base}/cmocs", json=body)
        assert r.status_code == 422, r.text
        assert fragment in r.json()["detail"]
    assert (
        str(other.theory)
        in (await api.post(f"{api.base}/cmocs", json={"theory_ids": [other.theory]})).json()[
            "detail"
        ]
    )

    c = await _cmoc(api, theory_ids=[world.t[0]])
    url = f"{api.base}/cmocs/{c['id']}"
    for body, fragment in cases:
        r = await api.patch(url, json=body, headers={"If-Match": '"1"'})
        assert r.status_code == 422 and fragment in r.json()["detail"]
    r = await api.post(
        f"{url}/evidence", json={"annotation_id": other.annotation, "part": "context"}
    )
    assert r.status_code == 422 and "unknown annotation" in r.json()["detail"]
    got = (await api.get(url)).json()
    assert (got["version"], got["theory_ids"], got["evidence"]) == (1, [world.t[0]], [])
    assert [x["id"] for x in (await api.get(f"{api.base}/cmocs")).json()] == [c["id"]]

    # The annotation is fine in its own project.
    r = await api.post(
        f"{other.base}/cmocs",
        json={
            "theory_ids": [other.theory],
            "evidence": [{"annotation_id": other.annotation, "part": "context"}],
        },
    )
    assert r.status_code == 201, r.text
    foreign = r.json()
    assert foreign["evidence"][0]["exact"] == "Leaders in the other"
    # ...and its CMOC is not found through this project.
    assert (await api.get(f"{api.base}/cmocs/{foreign['id']}")).status_code == 404
    r = await api.patch(
        f"{api.base}/cmocs/{foreign['id']}", json={"title": "x"}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 404
    r = await api.post(
        f"{api.base}/cmocs/{foreign['id']}/evidence",
        json={"annotation_id": world.a[0], "part": "context"},
    )
    assert r.status_code == 404
    assert (await api.delete(f"{api.base}/cmocs/{foreign['id']}")).status_code == 404
    assert (await api.get(f"{api.base}/cmocs/{foreign['id']}/history")).status_code == 404
    assert (await api.get(f"{other.base}/cmocs/{foreign['id']}")).json()["version"] == 1


async def test_deleted_theories_and_annotations_cannot_be_linked(api, world):
    r = await api.delete(f"{api.base}/theories/{world.t[0]}")
    assert r.status_code == 204
    r = await api.delete(f"{api.base}/annotations/{world.a[0]}")
    assert r.status_code == 204
    r = await api.post(f"{api.base}/cmocs", json={"theory_ids": [world.t[0]]})
    assert r.status_code == 422 and "unknown theory" in r.json()["detail"]
    r = await api.post(
        f"{api.base}/cmocs", json={"evidence": [{"annotation_id": world.a[0], "part": "context"}]}
    )
    assert r.status_code == 422 and "unknown annotation" in r.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"status": "final"},
        {"title": "t" * 301},
        {"outcome": "o" * 20_001},
        {"theory_ids": ["one"]},
        {"theory_ids": list(range(1, 102))},
        {"evidence": [{"annotation_id": 0, "part": "context"}]},
        {"evidence": [{"annotation_id": 1}]},
        {"evidence": [{"annotation_id": 1, "part": "purpose"}]},
        {"evidence": [{"annotation_id": 1, "part": "context", "stance": "agrees"}]},
        {"evidence": [{"annotation_id": 1, "part": "context", "note": "n" * 2_001}]},
        {"evidence": {"annotation_id": 1, "part": "context"}},
        # Ids the database cannot hold: once an OverflowError (500) on SQLite.
        {"theory_ids": [2**31]},
        {"theory_ids": [2**64]},
        {"theory_ids": [0]},
        {"evidence": [{"annotation_id": 2**31, "part": "context"}]},
        {"evidence": [{"annotation_id": 2**64, "part": "context"}]},
    ],
)
async def test_bad_cmocs_are_refused(api, body):
    r = await api.post(f"{api.base}/cmocs", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]
    assert (await api.get(f"{api.base}/cmocs")).json() == []
    assert await _events(api) == []


async def test_list_filters(api, world):
    a = await _cmoc(api, title="Panel review", status="proposed", theory_ids=[world.t[0]])
    b = await _cmoc(api, context="Rural GP practices", status="supported", theory_ids=world.t)
    c = await _cmoc(api, mechanism_reasoning="Staff feel heard", memo="see interview 4")

    async def listed(filters=None, **params):
        if filters is not None:
            params["filter"] = json.dumps(filters)
        r = await api.get(f"{api.base}/cmocs", params=params)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()], r.headers["content-range"]

    assert await listed() == ([a["id"], b["id"], c["id"]], "cmocs 0-2/3")
    assert await listed({"theory_id": world.t[0]}) == ([a["id"], b["id"]], "cmocs 0-1/2")
    assert await listed({"theory_id": world.t[1]}) == ([b["id"]], "cmocs 0-0/1")
    assert await listed({"theory_id": [world.t[1], world.t[0]]}) == (
        [a["id"], b["id"]],
        "cmocs 0-1/2",
    )
    assert await listed({"theory_id": 987654}) == ([], "cmocs 0-0/0")
    assert await listed({"status": "supported"}) == ([b["id"]], "cmocs 0-0/1")
    assert await listed({"status": ["draft", "proposed"]}) == ([a["id"], c["id"]], "cmocs 0-1/2")
    assert await listed({"q": "panel"}) == ([a["id"]], "cmocs 0-0/1")
    assert await listed({"q": "rural gp"}) == ([b["id"]], "cmocs 0-0/1")
    assert await listed({"q": "HEARD"}) == ([c["id"]], "cmocs 0-0/1")
    assert await listed({"q": "interview 4"}) == ([c["id"]], "cmocs 0-0/1")
    assert await listed({"q": "panel", "status": "supported"}) == ([], "cmocs 0-0/0")
    assert await listed({"theory_id": world.t[0], "status": "proposed"}) == (
        [a["id"]],
        "cmocs 0-0/1",
    )
    assert await listed({"id": [c["id"], a["id"]]}) == ([a["id"], c["id"]], "cmocs 0-1/2")
    assert await listed(sort='["id","DESC"]', range="[1,5]") == ([b["id"], a["id"]], "cmocs 1-2/3")

    for params, fragment in [
        ({"filter": '{"colour":"red"}'}, "unknown filter 'colour'"),
        ({"filter": '{"status":"final"}'}, "unknown status"),
        ({"filter": '{"theory_id":"one"}'}, "takes ids"),
        ({"filter": '{"theory_id":0}'}, "takes ids"),
        ({"filter": '{"q":""}'}, "takes text"),
        ({"sort": '["context","ASC"]'}, "cannot sort"),
    ]:
        r = await api.get(f"{api.base}/cmocs", params=params)
        assert r.status_code == 400, (params, r.text)
        assert fragment in r.json()["detail"]


async def test_q_is_taken_literally(api):
    pct = await _cmoc(api, outcome="Approvals fell 50% on ward a_b")
    other = await _cmoc(api, outcome="Approvals fell 500 on ward axb")
    for needle, expected in [
        ("50%", [pct["id"]]),
        ("%", [pct["id"]]),
        ("a_b", [pct["id"]]),
        ("axb", [other["id"]]),
        ("approvals", [pct["id"], other["id"]]),
    ]:
        r = await api.get(f"{api.base}/cmocs", params={"filter": json.dumps({"q": needle})})
        assert [x["id"] for x in r.json()] == expected, needle


async def test_theory_cmoc_ids_list_live_cmocs_only(api, world):
    a = await _cmoc(api, theory_ids=[world.t[0]])
    b = await _cmoc(api, theory_ids=world.t)
    t0 = f"{api.base}/theories/{world.t[0]}"
    t1 = f"{api.base}/theories/{world.t[1]}"
    assert (await api.get(t0)).json()["cmoc_ids"] == [a["id"], b["id"]]
    assert (await api.get(t1)).json()["cmoc_ids"] == [b["id"]]

    r = await api.delete(f"{api.base}/cmocs/{b['id']}", headers={"If-Match": '"1"'})
    assert r.status_code == 204
    assert (await api.get(t0)).json()["cmoc_ids"] == [a["id"]]
    assert (await api.get(t1)).json()["cmoc_ids"] == []
    listed = {t["id"]: t["cmoc_ids"] for t in (await api.get(f"{api.base}/theories")).json()}
    assert listed == {world.t[0]: [a["id"]], world.t[1]: []}
    # The deleted CMOC still filters as deleted, with its links kept.
    r = await api.get(f"{api.base}/cmocs", params={"filter": json.dumps({"deleted": True})})
    assert [(x["id"], x["theory_ids"]) for x in r.json()] == [(b["id"], world.t)]
    r = await api.get(f"{api.base}/cmocs", params={"filter": json.dumps({"theory_id": world.t[1]})})
    assert r.json() == []

    r = await api.post(f"{api.base}/cmocs/{b['id']}/restore")
    assert r.status_code == 200 and r.json()["version"] == 3
    assert (await api.get(t1)).json()["cmoc_ids"] == [b["id"]]

    r = await api.patch(
        f"{api.base}/cmocs/{a['id']}",
        json={"theory_ids": [world.t[1]]},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200
    assert (await api.get(t0)).json()["cmoc_ids"] == [b["id"]]
    assert (await api.get(t1)).json()["cmoc_ids"] == [a["id"], b["id"]]


async def test_soft_delete_restore_and_history(api, world):
    c = await _cmoc(api, title="T", evidence=[{"annotation_id": world.a[1], "part": "outcome"}])
    url = f"{api.base}/cmocs/{c['id']}"
    r = await api.delete(url, headers={"If-Match": '"9"'})
    assert r.status_code == 409 and r.json()["current"]["deleted_at"] is None
    assert (await api.delete(url)).status_code == 204
    assert (await api.get(f"{api.base}/cmocs")).json() == []
    got = (await api.get(url)).json()
    assert got["deleted_at"] is not None and got["version"] == 2
    assert len(got["evidence"]) == 1  # kept for when it comes back
    r = await api.patch(url, json={"title": "x"}, headers={"If-Match": '"2"'})
    assert r.status_code == 409 and "restore it first" in r.json()["detail"]
    r = await api.post(f"{url}/evidence", json={"annotation_id": world.a[0], "part": "context"})
    assert r.status_code == 409 and "restore it first" in r.json()["detail"]
    r = await api.post(f"{url}/restore")
    assert r.status_code == 200 and r.json()["deleted_at"] is None
    assert [e["annotation_id"] for e in r.json()["evidence"]] == [world.a[1]]
    assert (await api.post(f"{url}/restore")).json()["version"] == 3  # already live
    history = (await api.get(f"{url}/history")).json()
    assert [(h["action"], h["version"], h["state"]["deleted"]) for h in history] == [
        ("create", 1, False),
        ("delete", 2, True),
        ("restore", 3, False),
    ]
    assert all(h["user_id"] == c["author_id"] for h in history)
    assert [k for k, _, _ in await _events(api)] == ["cmoc.create", "cmoc.delete", "cmoc.restore"]


async def test_viewers_read_but_cannot_write(api, world):
    rt = runtime_of(api)
    viewer = await make_user(rt, "viewer@example.org")
    await add_member(rt, api.pid, viewer, "viewer")
    c = await _cmoc(api, theory_ids=[world.t[0]])
    url = f"{api.base}/cmocs/{c['id']}"
    async with app_client(rt.settings) as v:
        await login(v, "viewer@example.org")
        assert [x["id"] for x in (await v.get(f"{api.base}/cmocs")).json()] == [c["id"]]
        assert (await v.get(url)).json() == c
        assert (await v.get(f"{url}/history")).status_code == 200
        writes = [
            await v.post(f"{api.base}/cmocs", json={"title": "Mine"}),
            await v.patch(url, json={"title": "Mine"}, headers={"If-Match": '"1"'}),
            await v.post(f"{url}/evidence", json={"annotation_id": world.a[0], "part": "context"}),
            await v.delete(url),
            await v.post(f"{url}/restore"),
        ]
        assert [r.status_code for r in writes] == [403] * 5
        assert all("coder role" in r.json()["detail"] for r in writes)
    assert (await api.get(url)).json() == c


async def test_events_name_the_cmoc_and_version(api, world):
    c = await _cmoc(api)
    url = f"{api.base}/cmocs/{c['id']}"
    await api.patch(url, json={"status": "supported"}, headers={"If-Match": '"1"'})
    await api.post(f"{url}/evidence", json={"annotation_id": world.a[2], "part": "context"})
    events = await _events(api)
    assert events == [
        ("cmoc.create", c["id"], {"version": 1}),
        ("cmoc.update", c["id"], {"version": 2}),
        ("cmoc.evidence", c["id"], {"version": 3}),
    ]
    async with runtime_of(api).sessions() as session:
        users = (
            await session.exec(select(Event.user_id).where(col(Event.kind).startswith("cmoc.")))
        ).all()
    assert set(users) == {c["author_id"]}
