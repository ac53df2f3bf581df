"""Annotations through the API: create, edit with If-Match, conflicts, history,
soft delete and restore, bad input, and what other members see."""

import pytest

from tests.conftest import add_member, app_client, login, make_user, runtime_of, signed_in


@pytest.fixture
async def api(corpus_settings):
    async with signed_in(corpus_settings) as c:
        yield c


async def _doc(api, q="Commissioning"):
    docs = (await api.get(f"{api.base}/documents", params={"filter": f'{{"q":"{q}"}}'})).json()
    return docs[0]


async def _code(api, name, kind="mechanism", parent_id=None):
    r = await api.post(
        f"{api.base}/codes", json={"name": name, "kind": kind, "parent_id": parent_id}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _passage(api, doc_id, ordinal=3):
    r = await api.get(
        f"{api.base}/documents/{doc_id}/passages",
        params={"range": f"[{ordinal},{ordinal}]", "sort": '["ordinal","ASC"]'},
    )
    return r.json()[0]


async def _annotate(api, doc, passage, code_ids, memo=None, length=40):
    r = await api.post(
        f"{api.base}/annotations",
        json={
            "document_id": doc["id"],
            "start": passage["start"],
            "end": passage["start"] + length,
            "code_ids": code_ids,
            "memo": memo,
        },
    )
    assert r.status_code == 201, r.text
    return r


async def test_create_stores_selectors_page_and_codes(api):
    doc = await _doc(api)
    passage = await _passage(api, doc["id"])
    code = await _code(api, "Trust")
    r = await _annotate(api, doc, passage, [code], memo="why")
    a = r.json()
    assert r.headers["etag"] == '"1"'
    assert a["exact"] == passage["text"][:40]
    assert a["passage_id"] == passage["id"] and a["page"] == passage["page_start"]
    assert a["location"]["page"] == a["page"] and a["location"]["pagination"] == "rendered"
    assert a["citation"].startswith(doc["title"]) and f"p. {a['page']}" in a["citation"]
    assert a["code_ids"] == [code] and a["memo"] == "why" and a["author_name"] == "owner"
    assert len(a["prefix"]) <= 32 and len(a["suffix"]) == 32


async def test_edit_needs_the_version_and_stale_edits_get_409(api):
    doc = await _doc(api)
    a = (await _annotate(api, doc, await _passage(api, doc["id"]), [])).json()
    url = f"{api.base}/annotations/{a['id']}"
    assert (await api.patch(url, json={"memo": "x"})).status_code == 428
    r = await api.patch(url, json={"memo": "first"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["version"] == 2 and r.headers["etag"] == '"2"'
    r = await api.patch(url, json={"memo": "late"}, headers={"If-Match": '"1"'})
    assert r.status_code == 409
    assert r.json()["current"]["memo"] == "first" and r.json()["current"]["version"] == 2
    r = await api.patch(url, json={"memo": "second", "version": 2})
    assert r.status_code == 200
    history = (await api.get(f"{url}/history")).json()
    assert [h["action"] for h in history] == ["create", "update", "update"]
    assert [h["state"]["memo"] for h in history] == [None, "first", "second"]


async def test_soft_delete_and_restore(api):
    doc = await _doc(api)
    a = (await _annotate(api, doc, await _passage(api, doc["id"]), [])).json()
    url = f"{api.base}/annotations/{a['id']}"
    assert (await api.delete(url)).status_code == 204
    listed = (await api.get(f"{api.base}/annotations")).json()
    assert a["id"] not in [x["id"] for x in listed]
    deleted = (
        await api.get(f"{api.base}/annotations", params={"filter": '{"deleted":true}'})
    ).json()
    assert [x["id"] for x in deleted] == [a["id"]]
    r = await api.post(f"{url}/restore")
    assert r.status_code == 200 and r.json()["deleted_at"] is None
    actions = [h["action"] for h in (await api.get(f"{url}/history")).json()]
    assert actions == ["create", "delete", "restore"]


async def test_an_edit_of_a_version_deleted_since_is_a_conflict_showing_the_deletion(api):
    doc = await _doc(api)
    a = (await _annotate(api, doc, await _passage(api, doc["id"]), [])).json()
    url = f"{api.base}/annotations/{a['id']}"
    assert (await api.delete(url)).status_code == 204
    r = await api.patch(url, json={"memo": "typed before the delete"}, headers={"If-Match": '"1"'})
    assert r.status_code == 409 and r.json()["current"]["deleted_at"] is not None
    assert r.json()["current"]["version"] == 2
    # Editing the deleted version itself is refused outright: restore it first.
    r = await api.patch(url, json={"memo": "x"}, headers={"If-Match": '"2"'})
    assert r.status_code == 409 and "restore it first" in r.json()["detail"]


async def test_utf16_offsets_are_converted_at_the_edge(api):
    doc = await _doc(api)
    passage = await _passage(api, doc["id"])
    r = await api.post(
        f"{api.base}/annotations",
        json={
            "document_id": doc["id"],
            "start": passage["start"],
            "end": passage["start"] + 10,
            "unit": "utf16",
        },
    )
    a = r.json()
    # The policy text has no characters outside the BMP, so both units agree here;
    # anchoring tests cover emoji.
    assert (a["start"], a["end"]) == (a["start_utf16"], a["end_utf16"])


@pytest.mark.parametrize(
    ("change", "status", "fragment"),
    [
        ({"start": -1}, 422, ""),
        ({"end": 10**9}, 422, ""),
        ({"end": "same"}, 422, ""),
        ({"start": 50, "end": 40}, 422, ""),
        ({"code_ids": [999999]}, 422, "unknown code"),
        ({"memo": "x" * 10_001}, 422, ""),
        ({"document_id": 999999}, 404, "not found"),
    ],
)
async def test_bad_annotations_are_refused(api, change, status, fragment):
    doc = await _doc(api)
    body = {"document_id": doc["id"], "start": 100, "end": 120, **change}
    if body["end"] == "same":
        body["end"] = body["start"]
    r = await api.post(f"{api.base}/annotations", json=body)
    assert r.status_code == status, r.text
    assert fragment in str(r.json()["detail"])
    assert (await api.get(f"{api.base}/annotations")).json() == []


async def test_malformed_json_is_422(api):
    r = await api.post(
        f"{api.base}/annotations",
        content=b'{"document_id": 1,',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422


async def test_codes_of_another_project_are_unknown(api):
    other = (await api.post("/api/projects", json={"name": "Other"})).json()
    foreign = (
        await api.post(f"/api/projects/{other['id']}/codes", json={"name": "Foreign"})
    ).json()
    doc = await _doc(api)
    r = await api.post(
        f"{api.base}/annotations",
        json={"document_id": doc["id"], "start": 100, "end": 120, "code_ids": [foreign["id"]]},
    )
    assert r.status_code == 422 and "unknown code" in r.json()["detail"]
    r = await api.get(f"/api/projects/{other['id']}/annotations/1")
    assert r.status_code == 404


async def test_members_see_each_other_and_viewers_cannot_write(api):
    rt = runtime_of(api)
    coder = await make_user(rt, "coder@example.org")
    viewer = await make_user(rt, "viewer@example.org")
    await add_member(rt, api.pid, coder, "coder")
    await add_member(rt, api.pid, viewer, "viewer")
    doc = await _doc(api)
    passage = await _passage(api, doc["id"])
    mine = (await _annotate(api, doc, passage, [])).json()
    async with app_client(rt.settings) as c2, app_client(rt.settings) as v:
        await login(c2, "coder@example.org")
        await login(v, "viewer@example.org")
        r = await c2.post(
            f"{api.base}/annotations",
            json={
                "document_id": doc["id"],
                "start": passage["start"],
                "end": passage["start"] + 20,
            },
        )
        theirs = r.json()
        seen = {a["id"] for a in (await v.get(f"{api.base}/annotations")).json()}
        assert seen == {mine["id"], theirs["id"]}
        by_coder = (
            await v.get(f"{api.base}/annotations", params={"filter": f'{{"author_id":{coder}}}'})
        ).json()
        assert [a["id"] for a in by_coder] == [theirs["id"]]
        r = await v.post(
            f"{api.base}/annotations", json={"document_id": doc["id"], "start": 0, "end": 5}
        )
        assert r.status_code == 403
