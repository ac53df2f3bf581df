"""Two coders code the shared corpus with a CMO codebook; search finds passages by
code and coder; agreement is computed; the W3C export passes every MUST assertion."""

import pytest

from backend.indexing.service import drain
from tests.backend.annotations.test_w3c import SUITE, AssertionRunner, must_failures
from tests.conftest import add_member, app_client, login, make_user, runtime_of, signed_in


@pytest.fixture
async def team(corpus_settings):
    async with signed_in(corpus_settings) as owner:
        rt = runtime_of(owner)
        coder_id = await make_user(rt, "coder@example.org")
        await add_member(rt, owner.pid, coder_id, "coder")
        async with app_client(rt.settings) as coder:
            await login(coder, "coder@example.org")
            coder.pid, coder.base = owner.pid, owner.base
            yield owner, coder, coder_id


async def _codebook(owner) -> dict[str, int]:
    ids = {}
    for name, kind, parent in [
        ("Context", "context", None),
        ("Rurality", "context", "Context"),
        ("Trust", "mechanism", None),
        ("Approval", "outcome", None),
    ]:
        body = {"name": name, "kind": kind, "parent_id": ids.get(parent)}
        ids[name] = (await owner.post(f"{owner.base}/codes", json=body)).json()["id"]
    return ids


async def _passages(client, n=6):
    doc = (
        await client.get(f"{client.base}/documents", params={"filter": '{"q":"Commissioning"}'})
    ).json()[0]
    r = await client.get(
        f"{client.base}/documents/{doc['id']}/passages",
        params={"range": f"[0,{n - 1}]", "sort": '["ordinal","ASC"]'},
    )
    return doc, r.json()


async def _code(client, doc, passage, code_ids):
    r = await client.post(
        f"{client.base}/annotations",
        json={
            "document_id": doc["id"],
            "start": passage["start"],
            "end": passage["start"] + 30,
            "code_ids": code_ids,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_search_by_code_coder_and_annotated(team):
    owner, coder, coder_id = team
    codes = await _codebook(owner)
    doc, passages = await _passages(owner)
    await _code(owner, doc, passages[1], [codes["Rurality"]])
    await _code(coder, doc, passages[2], [codes["Trust"]])
    await drain(runtime_of(owner).sessions, runtime_of(owner).search)
    q = {"q": "the OR and OR of OR policy OR funding OR individual"}

    async def hits(**filters):
        r = await coder.get(f"{coder.base}/search", params={**q, **filters, "limit": 100})
        assert r.status_code == 200, r.text
        return r.json()

    by_parent = await hits(code_id=codes["Context"])  # includes the sub-code Rurality
    assert {h["passage"]["id"] for h in by_parent["hits"]} == {passages[1]["id"]}
    assert by_parent["hits"][0]["annotations"][0]["code_ids"] == [codes["Rurality"]]
    by_coder = await hits(coder_id=coder_id)
    assert {h["passage"]["id"] for h in by_coder["hits"]} == {passages[2]["id"]}
    annotated = await hits(annotated="true")
    assert {h["passage"]["id"] for h in annotated["hits"]} == {passages[1]["id"], passages[2]["id"]}
    not_annotated = await hits(annotated="false")
    assert not_annotated["total"] == (await hits())["total"] - 2
    two = await hits(code_id=[codes["Context"], codes["Trust"]])  # one codebook read, both trees
    assert {h["passage"]["id"] for h in two["hits"]} == {passages[1]["id"], passages[2]["id"]}
    assert (await hits(code_id=999_999))["total"] == 0  # an unknown code matches nothing


async def test_agreement_between_two_coders(team):
    owner, coder, coder_id = team
    codes = await _codebook(owner)
    doc, passages = await _passages(owner, n=8)
    owner_id = (await owner.get("/api/auth/me")).json()["user"]["id"]
    for i in (1, 2, 3):
        await _code(owner, doc, passages[i], [codes["Trust"]])
    for i in (2, 3, 4):
        await _code(coder, doc, passages[i], [codes["Trust"]])
    r = await owner.get(
        f"{owner.base}/agreement",
        params={"coder_id": [owner_id, coder_id], "code_id": codes["Trust"]},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    trust = body["per_code"][0]["stats"]
    n = body["n_passages"]
    # 4 passages differ in nothing but 1 and 4: agreement is (n - 2) / n.
    assert trust["percent_agreement"] == pytest.approx((n - 2) / n)
    assert trust["pairs"][0]["kappa"] is not None and trust["alpha"] is not None
    r = await owner.get(f"{owner.base}/agreement", params={"coder_id": [owner_id]})
    assert r.status_code == 400 and "two coders" in r.json()["detail"]


async def test_w3c_export_passes_every_must_assertion(team):
    owner, coder, _ = team
    codes = await _codebook(owner)
    doc, passages = await _passages(owner)
    await _code(owner, doc, passages[1], [codes["Trust"], codes["Approval"]])
    await _code(coder, doc, passages[2], [])
    r = await owner.get(f"{owner.base}/annotations/export.jsonld")
    assert r.status_code == 200 and "ld+json" in r.headers["content-type"]
    collection = r.json()
    items = collection["first"]["items"]
    assert collection["total"] == len(items) == 2
    runner = AssertionRunner(SUITE)
    for item in items:
        assert must_failures(runner, {"@context": collection["@context"], **item}) == {}
        selector = item["target"]["selector"]
        position = next(s for s in selector if s["type"] == "TextPositionSelector")
        version = (await owner.get(item["target"]["source"]["id"].split("testserver")[1])).json()
        exact = next(s for s in selector if s["type"] == "TextQuoteSelector")["exact"]
        assert version["text"][position["start"] : position["end"]] == exact


async def test_each_hit_carries_exactly_the_annotations_overlapping_its_passage(team):
    owner, _, _ = team
    codes = await _codebook(owner)
    doc, passages = await _passages(owner)
    marked = {p["id"]: await _code(owner, doc, p, [codes["Trust"]]) for p in passages[1:4]}
    await drain(runtime_of(owner).sessions, runtime_of(owner).search)

    r = await owner.get(
        f"{owner.base}/search",
        params={"q": "the OR of OR policy OR funding", "document_id": doc["id"], "limit": 100},
    )

    hits = {h["passage"]["id"]: h for h in r.json()["hits"]}
    assert set(marked) <= set(hits)  # the coded passages are among the hits, with others
    for pid, hit in hits.items():
        expected = [marked[pid]["id"]] if pid in marked else []
        assert [a["id"] for a in hit["annotations"]] == expected, pid


async def test_a_hit_shows_an_annotation_across_passages_with_its_live_codes_only(team):
    owner, _, _ = team
    codes = await _codebook(owner)
    doc, passages = await _passages(owner)
    first, second = passages[1], passages[2]
    r = await owner.post(
        f"{owner.base}/annotations",
        json={
            "document_id": doc["id"],
            "start": first["end"] - 5,
            "end": second["start"] + 5,
            "code_ids": [codes["Approval"], codes["Trust"]],
        },
    )
    assert r.status_code == 201, r.text
    spanning = r.json()
    # A force-deleted code's links stay, hidden: the hits must not show it.
    r = await owner.delete(f"{owner.base}/codes/{codes['Approval']}", params={"force": "true"})
    assert r.status_code in (200, 204), r.text
    await drain(runtime_of(owner).sessions, runtime_of(owner).search)

    r = await owner.get(
        f"{owner.base}/search",
        params={"q": "the OR of OR policy OR funding", "document_id": doc["id"], "limit": 100},
    )

    hits = {h["passage"]["id"]: h for h in r.json()["hits"]}
    for passage in (first, second):
        shown = hits[passage["id"]]["annotations"]
        assert [(a["id"], a["code_ids"]) for a in shown] == [(spanning["id"], [codes["Trust"]])]
