"""The codebook through the API: a tree of typed codes with usage counts; rename, move,
merge, delete and restore; REFI-QDA and CSV export and import; bad files and bad input;
who may change it."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.conftest import add_member, app_client, login, make_user, runtime_of, signed_in

QDC_NS = "urn:QDA-XML:codebook:1.0"


@pytest.fixture
async def api(corpus_settings):
    async with signed_in(corpus_settings) as c:
        yield c


# --- helpers -------------------------------------------------------------------------------------


async def _code(api, name, kind="other", parent_id=None, base=None, **extra):
    r = await api.post(
        f"{base or api.base}/codes",
        json={"name": name, "kind": kind, "parent_id": parent_id, **extra},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def _codes(api, base=None, deleted=False) -> dict[str, dict]:
    r = await api.get(f"{base or api.base}/codes", params={"deleted": deleted})
    assert r.status_code == 200, r.text
    return {c["name"]: c for c in r.json()}


def _tree(codes: dict[str, dict]) -> dict[str, tuple]:
    """name -> (parent's name, kind, colour, definition, memo)."""
    names = {c["id"]: c["name"] for c in codes.values()}
    return {
        c["name"]: (names.get(c["parent_id"]), c["kind"], c["colour"], c["definition"], c["memo"])
        for c in codes.values()
    }


async def _doc_id(api) -> int:
    docs = (
        await api.get(f"{api.base}/documents", params={"filter": '{"q":"Commissioning"}'})
    ).json()
    return docs[0]["id"]


async def _annotate(api, code_ids, start=100) -> dict:
    r = await api.post(
        f"{api.base}/annotations",
        json={
            "document_id": await _doc_id(api),
            "start": start,
            "end": start + 30,
            "code_ids": code_ids,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


async def _annotation(api, annotation_id) -> dict:
    r = await api.get(f"{api.base}/annotations/{annotation_id}")
    assert r.status_code == 200, r.text
    return r.json()


async def _coded_with(api, code_id) -> set[int]:
    r = await api.get(
        f"{api.base}/annotations", params={"filter": json.dumps({"code_id": code_id})}
    )
    return {a["id"] for a in r.json()}


async def _new_project(api, name) -> str:
    r = await api.post("/api/projects", json={"name": name})
    assert r.status_code == 201, r.text
    return f"/api/projects/{r.json()['id']}"


def _upload(name, data, media="application/octet-stream"):
    return {"file": (name, data, media)}


async def _realist_codebook(api) -> dict[str, dict]:
    """A small tree with every kind, colours, definitions and memos."""
    root = await _code(api, "Programme theory", definition="How IFR panels are meant to work.")
    ctx = await _code(
        api, "Rural practices", "context", root["id"], colour="#1F77B4", memo="Fenland, mostly."
    )
    mech = await _code(
        api,
        "Trust in the panel",
        "mechanism",
        root["id"],
        colour="#ff7f0e",
        definition="People feel listened to.\n\nSecond paragraph.",
        memo="=check wording with the IFR team",
    )
    await _code(api, "Clear reasons", "mechanism", mech["id"], definition="+ written reasons")
    await _code(api, "Timely decisions", "outcome", root["id"], colour="#2ca02c")
    await _code(api, "Équité — accès", "outcome", ctx["id"], definition="Unicode: ‘quotes’ ✓")
    await _code(api, "Misc")
    return await _codes(api)


# --- creating, listing, usage --------------------------------------------------------------------


async def test_create_each_kind_in_a_tree_and_list_with_usage(api):
    codes = await _realist_codebook(api)
    assert {c["kind"] for c in codes.values()} == {"context", "mechanism", "outcome", "other"}
    assert _tree(codes)["Rural practices"] == (
        "Programme theory",
        "context",
        "#1f77b4",  # colours are stored lower-case
        None,
        "Fenland, mostly.",
    )
    assert _tree(codes)["Clear reasons"][0] == "Trust in the panel"
    assert _tree(codes)["Misc"][0] is None
    assert all(c["usage"] == 0 and c["deleted_at"] is None for c in codes.values())
    assert all(uuid.UUID(c["guid"]) for c in codes.values())
    r = await api.get(f"{api.base}/codes")
    assert r.headers["content-range"] == f"codes 0-{len(codes) - 1}/{len(codes)}"

    mech, outcome = codes["Trust in the panel"], codes["Timely decisions"]
    a = await _annotate(api, [mech["id"], outcome["id"]])
    b = await _annotate(api, [mech["id"]], start=200)
    gone = await _annotate(api, [mech["id"]], start=300)
    assert (await api.delete(f"{api.base}/annotations/{gone['id']}")).status_code == 204
    codes = await _codes(api)
    assert codes["Trust in the panel"]["usage"] == 2  # the deleted annotation does not count
    assert codes["Timely decisions"]["usage"] == 1
    assert codes["Programme theory"]["usage"] == 0  # usage is the code's own, not its subtree
    one = (await api.get(f"{api.base}/codes/{outcome['id']}")).json()
    assert one["usage"] == 1 and one["name"] == "Timely decisions"
    # Filtering annotations by a code includes its sub-codes.
    assert await _coded_with(api, codes["Programme theory"]["id"]) == {a["id"], b["id"]}


# --- rename and move -----------------------------------------------------------------------------


async def test_rename_and_move(api):
    codes = await _realist_codebook(api)
    mech, root = codes["Trust in the panel"], codes["Programme theory"]
    url = f"{api.base}/codes/{mech['id']}"
    r = await api.patch(url, json={"name": "Trust in the IFR panel"})
    assert r.status_code == 200 and r.json()["name"] == "Trust in the IFR panel"
    assert r.json()["parent_id"] == root["id"] and r.json()["kind"] == "mechanism"
    r = await api.patch(url, json={"name": "TRUST in the IFR panel"})  # its own name, re-cased
    assert r.status_code == 200 and r.json()["name"] == "TRUST in the IFR panel"

    r = await api.patch(url, json={"parent_id": codes["Misc"]["id"]})
    assert r.status_code == 200 and r.json()["parent_id"] == codes["Misc"]["id"]
    moved = await _codes(api)
    assert _tree(moved)["Clear reasons"][0] == "TRUST in the IFR panel"  # the subtree came along
    r = await api.patch(url, json={"parent_id": None})
    assert r.status_code == 200 and r.json()["parent_id"] is None
    r = await api.put(url, json={"kind": "context", "colour": "#ABCDEF"})
    assert r.status_code == 200 and (r.json()["kind"], r.json()["colour"]) == ("context", "#abcdef")


async def test_moving_below_itself_or_a_descendant_is_409(api):
    codes = await _realist_codebook(api)
    root, mech = codes["Programme theory"], codes["Trust in the panel"]
    before = _tree(await _codes(api))
    for code, parent in (
        (root, root),
        (root, mech),
        (root, codes["Clear reasons"]),  # a grandchild
        (mech, codes["Clear reasons"]),
    ):
        r = await api.patch(f"{api.base}/codes/{code['id']}", json={"parent_id": parent["id"]})
        assert r.status_code == 409, r.text
        assert "below itself" in r.json()["detail"]
    r = await api.patch(f"{api.base}/codes/{mech['id']}", json={"parent_id": 999_999})
    assert r.status_code == 404
    assert _tree(await _codes(api)) == before


async def test_sibling_names_clash_case_insensitively(api):
    root = await _code(api, "Barriers")
    funding = await _code(api, "Funding", parent_id=root["id"])
    staff = await _code(api, "Staffing", parent_id=root["id"])
    r = await api.post(f"{api.base}/codes", json={"name": "fUNDING", "parent_id": root["id"]})
    assert r.status_code == 409 and "already exists" in r.json()["detail"]
    top = await _code(api, "FUNDING")  # another level: no clash
    r = await api.patch(f"{api.base}/codes/{staff['id']}", json={"name": "funding"})
    assert r.status_code == 409
    r = await api.patch(f"{api.base}/codes/{top['id']}", json={"parent_id": root["id"]})
    assert r.status_code == 409
    assert set(await _codes(api)) == {"Barriers", "Funding", "Staffing", "FUNDING"}

    # A deleted code's name is free again; restoring the old code then clashes.
    assert (await api.delete(f"{api.base}/codes/{funding['id']}")).status_code == 204
    await _code(api, "funding", parent_id=root["id"])
    r = await api.post(f"{api.base}/codes/{funding['id']}/restore")
    assert r.status_code == 409
    assert funding["id"] in {c["id"] for c in (await _codes(api, deleted=True)).values()}


# --- merge ---------------------------------------------------------------------------------------


async def test_merge_moves_annotations_and_children_and_keeps_a_tombstone(api):
    a = await _code(api, "Trust", "mechanism")
    a1 = await _code(api, "Trust in clinicians", "mechanism", a["id"])
    a2 = await _code(api, "Trust in managers", "mechanism", a["id"])
    b = await _code(api, "Confidence", "mechanism")
    b1 = await _code(api, "Confidence in process", "mechanism", b["id"])
    only_a = await _annotate(api, [a["id"]], start=100)
    both = await _annotate(api, [a["id"], b["id"], b1["id"]], start=200)
    only_b = await _annotate(api, [b["id"]], start=300)

    r = await api.post(f"{api.base}/codes/{a['id']}/merge", json={"into": b["id"]})
    assert r.status_code == 200, r.text
    assert r.json()["id"] == b["id"] and r.json()["usage"] == 3

    assert (await _annotation(api, only_a["id"]))["code_ids"] == [b["id"]]
    assert (await _annotation(api, both["id"]))["code_ids"] == sorted([b["id"], b1["id"]])
    assert (await _annotation(api, only_b["id"]))["code_ids"] == [b["id"]]
    assert await _coded_with(api, b["id"]) == {only_a["id"], both["id"], only_b["id"]}

    live = await _codes(api)
    assert "Trust" not in live
    assert {live[n]["parent_id"] for n in ("Trust in clinicians", "Trust in managers")} == {b["id"]}
    assert live["Confidence in process"]["parent_id"] == b["id"]
    assert live["Confidence"]["usage"] == 3
    gone = await _codes(api, deleted=True)
    assert list(gone) == ["Trust"]
    assert gone["Trust"]["merged_into"] == b["id"] and gone["Trust"]["deleted_at"] is not None
    assert gone["Trust"]["usage"] == 0
    one = (await api.get(f"{api.base}/codes/{a['id']}")).json()  # still readable by id
    assert one["merged_into"] == b["id"]

    # Merging a merged (deleted) code again, or into it, finds nothing.
    r = await api.post(f"{api.base}/codes/{a['id']}/merge", json={"into": b["id"]})
    assert r.status_code == 404
    r = await api.post(f"{api.base}/codes/{a1['id']}/merge", json={"into": a["id"]})
    assert r.status_code == 404
    assert a2["id"] in {c["id"] for c in live.values()}


async def test_merge_into_itself_or_a_sub_code_is_409(api):
    a = await _code(api, "Trust", "mechanism")
    child = await _code(api, "Trust in clinicians", "mechanism", a["id"])
    grandchild = await _code(api, "GPs", "mechanism", child["id"])
    for into in (a, child, grandchild):
        r = await api.post(f"{api.base}/codes/{a['id']}/merge", json={"into": into["id"]})
        assert r.status_code == 409, r.text
    r = await api.post(f"{api.base}/codes/{a['id']}/merge", json={"into": 999_999})
    assert r.status_code == 404
    r = await api.post(f"{api.base}/codes/{a['id']}/merge", json={})
    assert r.status_code == 422
    assert set(await _codes(api)) == {"Trust", "Trust in clinicians", "GPs"}
    assert await _codes(api, deleted=True) == {}


async def test_merge_is_recorded_in_the_history_of_the_annotations_it_changes(api):
    a = await _code(api, "Trust", "mechanism")
    b = await _code(api, "Confidence", "mechanism")
    annotation = await _annotate(api, [a["id"]])
    r = await api.post(f"{api.base}/codes/{a['id']}/merge", json={"into": b["id"]})
    assert r.status_code == 200
    # The revision table keeps "the full history: one row per change, with the state after
    # it", and has a merge_codes action for exactly this change.
    history = (await api.get(f"{api.base}/annotations/{annotation['id']}/history")).json()
    assert history[-1]["action"] == "merge_codes", [h["action"] for h in history]
    assert history[-1]["state"]["code_ids"] == [b["id"]]


# --- delete and restore --------------------------------------------------------------------------


async def test_delete_is_refused_while_used_then_forced_and_restored(api):
    root = await _code(api, "Barriers")
    used = await _code(api, "Funding", "context", root["id"])
    child = await _code(api, "Top-up payments", "context", used["id"])
    annotation = await _annotate(api, [used["id"]])
    url = f"{api.base}/codes/{used['id']}"

    r = await api.delete(url)
    assert r.status_code == 409
    assert "1 annotation(s)" in r.json()["detail"] and "force=true" in r.json()["detail"]
    assert "Funding" in await _codes(api)

    assert (await api.delete(url, params={"force": "true"})).status_code == 204
    live = await _codes(api)
    assert "Funding" not in live
    assert live["Top-up payments"]["parent_id"] == root["id"]  # sub-codes move up a level
    deleted = await _codes(api, deleted=True)
    assert deleted["Funding"]["deleted_at"] is not None
    assert deleted["Funding"]["merged_into"] is None
    assert (await api.delete(url, params={"force": "true"})).status_code == 404
    assert (await api.patch(url, json={"name": "Money"})).status_code == 404
    r = await api.post(
        f"{api.base}/annotations",
        json={"document_id": await _doc_id(api), "start": 5, "end": 9, "code_ids": [used["id"]]},
    )
    assert r.status_code == 422  # a deleted code cannot be applied

    r = await api.post(f"{url}/restore")
    assert r.status_code == 200, r.text
    back = r.json()
    assert back["deleted_at"] is None and back["parent_id"] == root["id"] and back["usage"] == 1
    assert "Funding" in await _codes(api) and await _codes(api, deleted=True) == {}
    assert (await _annotation(api, annotation["id"]))["code_ids"] == [used["id"]]
    assert await _coded_with(api, used["id"]) == {annotation["id"]}
    assert (await _codes(api))["Top-up payments"]["parent_id"] == root["id"]
    assert child["id"] == (await _codes(api))["Top-up payments"]["id"]
    r = await api.post(f"{url}/restore")  # restoring a live code changes nothing
    assert r.status_code == 200 and r.json()["deleted_at"] is None


async def test_a_force_deleted_code_is_hidden_from_its_annotations_until_restored(api):
    code = await _code(api, "Funding", "context")
    other = await _code(api, "Staffing", "context")
    annotation = await _annotate(api, [code["id"], other["id"]])
    r = await api.delete(f"{api.base}/codes/{code['id']}", params={"force": "true"})
    assert r.status_code == 204
    # "they keep the link, hidden, and get it back on restore" (codes/service.remove)
    assert (await _annotation(api, annotation["id"]))["code_ids"] == [other["id"]]
    r = await api.post(f"{api.base}/codes/{code['id']}/restore")
    assert r.status_code == 200
    shown = (await _annotation(api, annotation["id"]))["code_ids"]
    assert shown == sorted([code["id"], other["id"]])


async def test_unused_code_deletes_without_force_and_top_level_children_become_roots(api):
    root = await _code(api, "Barriers")
    child = await _code(api, "Funding", parent_id=root["id"])
    assert (await api.delete(f"{api.base}/codes/{root['id']}")).status_code == 204
    assert (await _codes(api))["Funding"]["parent_id"] is None
    # Restoring it puts it back at the top level; the child stays where it went.
    r = await api.post(f"{api.base}/codes/{root['id']}/restore")
    assert r.status_code == 200 and r.json()["parent_id"] is None
    assert (await _codes(api))["Funding"]["id"] == child["id"]


# --- export and import ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "media", "filename"),
    [("qdc", "application/xml", "codebook.qdc"), ("csv", "text/csv", "codebook.csv")],
)
async def test_export_then_import_into_a_new_project(api, fmt, media, filename):
    original = await _realist_codebook(api)
    r = await api.get(f"{api.base}/codes/export", params={"format": fmt})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media)
    assert f'filename="codebook-project-{api.pid}.{fmt}"' in r.headers["content-disposition"]
    if fmt == "qdc":
        assert r.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
        assert QDC_NS.encode() in r.content
    else:
        assert r.content.startswith(b"\xef\xbb\xbfname,kind,parent,colour,definition,memo")

    base = await _new_project(api, f"Copy via {fmt}")
    r = await api.post(f"{base}/codes/import", files=_upload(filename, r.content, media))
    assert r.status_code == 200, r.text
    assert _counts(r) == {"created": len(original), "skipped": 0, "not_imported": {}}
    copied = await _codes(api, base)
    assert _tree(copied) == _tree(original)
    assert {c["id"] for c in copied.values()}.isdisjoint(c["id"] for c in original.values())
    assert all(c["usage"] == 0 for c in copied.values())


@pytest.mark.parametrize("fmt", ["qdc", "csv"])
async def test_importing_the_same_file_again_adds_nothing(api, fmt):
    await _code(api, "Barriers")
    await _code(api, "Funding", "context", (await _codes(api))["Barriers"]["id"])
    exported = (await api.get(f"{api.base}/codes/export", params={"format": fmt})).content
    r = await api.post(f"{api.base}/codes/import", files=_upload(f"again.{fmt}", exported))
    assert r.status_code == 200 and _counts(r) == {"created": 0, "skipped": 2, "not_imported": {}}
    assert set(await _codes(api)) == {"Barriers", "Funding"}


@pytest.mark.parametrize(
    "name", ["Équité", "ÉQUITÉ", "équité", "Ärzte"], ids=["same", "upper", "lower", "umlaut"]
)
async def test_non_ascii_names_clash_case_insensitively_too(api, name):
    # The clash check compares SQL lower(name) with Python's name.lower(); SQLite's lower()
    # folds ASCII only, so a name with a capital non-ASCII letter never matches, not even
    # itself: duplicates get created, and re-importing a codebook duplicates such codes.
    await _code(api, "Équité")
    await _code(api, "Ärzte")
    r = await api.post(f"{api.base}/codes", json={"name": name})
    assert r.status_code == 409, r.text
    exported = (await api.get(f"{api.base}/codes/export", params={"format": "csv"})).content
    r = await api.post(f"{api.base}/codes/import", files=_upload("again.csv", exported))
    assert _counts(r) == {"created": 0, "skipped": 2, "not_imported": {}}
    assert len((await api.get(f"{api.base}/codes")).json()) == 2


async def test_export_leaves_out_deleted_codes_and_an_empty_codebook_is_404(api):
    r = await api.get(f"{api.base}/codes/export")
    assert r.status_code == 404
    keep = await _code(api, "Keep")
    drop = await _code(api, "Drop")
    assert (await api.delete(f"{api.base}/codes/{drop['id']}")).status_code == 204
    r = await api.get(f"{api.base}/codes/export")
    assert r.status_code == 200 and keep["guid"].encode() in r.content
    assert b"Drop" not in r.content
    r = await api.get(f"{api.base}/codes/export", params={"format": "pdf"})
    assert r.status_code == 422


def _counts(r) -> dict:
    """An import's answer without the created codes' ids, whose number must be `created`."""
    body = dict(r.json())
    assert len(body.pop("created_ids")) == body["created"]
    return body


async def test_import_adds_to_an_existing_codebook_keeping_codes_already_there(api):
    await _code(api, "Barriers")
    csv_text = "name,kind,parent\nbarriers,other,\nFunding,c,barriers\nTrust,M,\n"
    r = await api.post(
        f"{api.base}/codes/import", files=_upload("mine.csv", csv_text.encode(), "text/csv")
    )
    assert r.status_code == 200 and _counts(r) == {"created": 2, "skipped": 1, "not_imported": {}}
    tree = _tree(await _codes(api))
    assert tree["Funding"][:2] == ("Barriers", "context") and tree["Trust"][:2] == (
        None,
        "mechanism",
    )


async def test_an_import_is_undone_by_deleting_the_codes_it_created(api):
    await _code(api, "Barriers")
    csv_text = "name,kind,parent\nBarriers,other,\nFunding,c,Barriers\nTrust,M,\n"
    r = await api.post(
        f"{api.base}/codes/import", files=_upload("mine.csv", csv_text.encode(), "text/csv")
    )
    created = r.json()["created_ids"]
    codes = await _codes(api)
    assert sorted(codes) == ["Barriers", "Funding", "Trust"]
    assert created == [codes["Funding"]["id"], codes["Trust"]["id"]]
    for code_id in reversed(created):  # what the web app's undo does
        assert (await api.delete(f"{api.base}/codes/{code_id}")).status_code == 204
    assert sorted(await _codes(api)) == ["Barriers"]
    assert sorted(await _codes(api, deleted=True)) == ["Funding", "Trust"]


XXE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    b'<Code guid="d4c5a1a2-0000-4000-8000-000000000001" name="&xxe;" isCodable="true"/>'
    b"</Codes></CodeBook>"
)
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    b'<Code guid="d4c5a1a2-0000-4000-8000-000000000001" name="&lol2;" isCodable="true"/>'
    b"</Codes></CodeBook>"
)
VALID_THEN_BROKEN = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    b'<Code guid="d4c5a1a2-0000-4000-8000-000000000001" name="Fine" isCodable="true"/>'
    b'<Code guid="not-a-guid" name="Broken" isCodable="true"/>'
    b"</Codes></CodeBook>"
)


@pytest.mark.parametrize(
    ("filename", "data", "fragment"),
    [
        ("codebook.qdc", b"this is not a codebook at all", "not an XML file"),
        ("codebook.qdc", b"\x00\x01\x02\xff\xfe garbage", "not an XML file"),
        ("codebook.qdc", b"", "empty"),
        ("codebook.qdc", b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code', "malformed"),
        ("codebook.qdc", XXE, "DOCTYPE"),
        ("codebook.qdc", LAUGHS, "DOCTYPE"),
        ("codebook.qdc", b"<html><body>hi</body></html>", "not a REFI-QDA codebook"),
        ("codebook.qdc", VALID_THEN_BROKEN, "invalid guid"),
        ("project.qdpx", b"PK\x03\x04" + b"\0" * 40, "ZIP archive"),
        ("codebook.csv", b"title,type\nFunding,context\n", "header"),
        ("codebook.csv", b"name,kind\nFunding,theme\n", "unknown kind"),
        ("codebook.csv", b"name,kind,parent\nFine,c,\nFunding,c,Nowhere\n", "unknown parent"),
        ("codebook.csv", b"name,colour\nFunding,red\n", "invalid colour"),
        ("codebook.csv", b"name\nFunding\n\xff\xfe\n", "not UTF-8"),
        ("codebook.csv", b'name\n"Funding\n', "invalid CSV"),
    ],
)
async def test_bad_import_files_are_400_and_create_nothing(api, filename, data, fragment):
    r = await api.post(f"{api.base}/codes/import", files=_upload(filename, data))
    assert r.status_code == 400, r.text
    assert fragment in r.json()["detail"]
    assert await _codes(api) == {}
    assert await _codes(api, deleted=True) == {}


async def test_import_of_codes_the_api_would_refuse_is_400_and_creates_nothing(api):
    # Well-formed REFI-QDA, but a name longer than a code's name may be (200 characters).
    data = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        b'<Code guid="d4c5a1a2-0000-4000-8000-000000000001" name="Fine" isCodable="true"/>'
        b'<Code guid="d4c5a1a2-0000-4000-8000-000000000002" name="' + b"x" * 201 + b'"/>'
        b"</Codes></CodeBook>"
    )
    r = await api.post(f"{api.base}/codes/import", files=_upload("long.qdc", data))
    assert r.status_code == 400, r.text
    assert await _codes(api) == {}


async def test_import_over_5_mb_is_413(api):
    data = b"name,kind\n" + b"Funding,context\n" * (5 * 2**20 // 16 + 1)
    assert len(data) > 5 * 2**20
    r = await api.post(f"{api.base}/codes/import", files=_upload("big.csv", data, "text/csv"))
    assert r.status_code == 413 and "5 MB" in r.json()["detail"]
    assert await _codes(api) == {}


async def test_missing_import_file_is_422(api):
    r = await api.post(f"{api.base}/codes/import", data={"nothing": "here"})
    assert r.status_code == 422


# --- who may change the codebook -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "coder"])
async def test_viewers_and_coders_read_but_cannot_change_the_codebook(api, role):
    rt = runtime_of(api)
    user = await make_user(rt, f"{role}@example.org")
    await add_member(rt, api.pid, user, role)
    a = await _code(api, "Trust", "mechanism")
    b = await _code(api, "Confidence", "mechanism")
    unused = await _code(api, "Unused")
    before = await _codes(api)
    async with app_client(rt.settings) as other:
        await login(other, f"{role}@example.org")
        base = api.base
        assert set(await _codes(other, base)) == set(before)
        assert (await other.get(f"{base}/codes/{a['id']}")).status_code == 200
        assert (
            await other.get(f"{base}/codes/export", params={"format": "csv"})
        ).status_code == 200
        attempts = [
            other.post(f"{base}/codes", json={"name": "Mine"}),
            other.patch(f"{base}/codes/{a['id']}", json={"name": "Renamed"}),
            other.put(f"{base}/codes/{a['id']}", json={"parent_id": b["id"]}),
            other.post(f"{base}/codes/{a['id']}/merge", json={"into": b["id"]}),
            other.delete(f"{base}/codes/{unused['id']}"),
            other.delete(f"{base}/codes/{a['id']}", params={"force": "true"}),
            other.post(f"{base}/codes/{a['id']}/restore"),
            other.post(
                f"{base}/codes/import", files=_upload("c.csv", b"name\nSneaky\n", "text/csv")
            ),
        ]
        for attempt in attempts:
            r = await attempt
            assert r.status_code == 403, (r.request.method, r.request.url, r.text)
            assert f"yours is {role}" in r.json()["detail"]
    assert await _codes(api) == before
    assert await _codes(api, deleted=True) == {}


async def test_codes_of_another_project_are_404(api):
    other_base = await _new_project(api, "Other study")
    foreign = await _code(api, "Foreign", base=other_base)
    mine = await _code(api, "Mine")
    fid = foreign["id"]
    tries = [
        api.get(f"{api.base}/codes/{fid}"),
        api.patch(f"{api.base}/codes/{fid}", json={"name": "Stolen"}),
        api.delete(f"{api.base}/codes/{fid}", params={"force": "true"}),
        api.post(f"{api.base}/codes/{fid}/restore"),
        api.post(f"{api.base}/codes/{fid}/merge", json={"into": mine["id"]}),
        api.post(f"{api.base}/codes/{mine['id']}/merge", json={"into": fid}),
        api.post(f"{api.base}/codes", json={"name": "Child", "parent_id": fid}),
        api.patch(f"{api.base}/codes/{mine['id']}", json={"parent_id": fid}),
    ]
    for attempt in tries:
        r = await attempt
        assert r.status_code == 404, (r.request.method, r.request.url, r.text)
    assert set(await _codes(api)) == {"Mine"} and (await _codes(api))["Mine"]["parent_id"] is None
    assert set(await _codes(api, other_base)) == {"Foreign"}

    # Someone who is not a member of the other project does not learn it exists.
    rt = runtime_of(api)
    await add_member(rt, api.pid, await make_user(rt, "admin2@example.org"), "admin")
    async with app_client(rt.settings) as outsider:
        await login(outsider, "admin2@example.org")
        assert (await outsider.get(f"{other_base}/codes")).status_code == 404
        assert (await outsider.get(f"{other_base}/codes/{fid}")).status_code == 404
        r = await outsider.post(f"{other_base}/codes", json={"name": "Intruder"})
        assert r.status_code == 404
    assert set(await _codes(api, other_base)) == {"Foreign"}


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Funding", "colour": "red"},
        {"name": "Funding", "colour": "#12345"},
        {"name": "Funding", "colour": "#1234567"},
        {"name": ""},
        {"name": "x" * 201},
        {},
        {"name": "Funding", "kind": "theme"},
        {"name": "Funding", "definition": "x" * 5001},
        {"name": "Funding", "parent_id": "top"},
    ],
)
async def test_bad_codes_are_422(api, body):
    r = await api.post(f"{api.base}/codes", json=body)
    assert r.status_code == 422, r.text
    assert await _codes(api) == {}


@pytest.mark.parametrize(
    "body",
    [{"colour": "red"}, {"name": ""}, {"kind": "theme"}, {"memo": "x" * 20_001}],
)
async def test_bad_updates_are_422(api, body):
    code = await _code(api, "Funding", "context", colour="#00ff00")
    r = await api.patch(f"{api.base}/codes/{code['id']}", json=body)
    assert r.status_code == 422, r.text
    after = (await api.get(f"{api.base}/codes/{code['id']}")).json()
    assert (after["name"], after["kind"], after["colour"]) == ("Funding", "context", "#00ff00")


@pytest.mark.parametrize("name", ["   ", "\t\n"], ids=["spaces", "tab-newline"])
async def test_blank_names_are_refused(api, name):
    # A blank name passes min_length=1, but the codebook could then not be exported
    # (exchange.py refuses empty names), so the API must refuse it up front.
    r = await api.post(f"{api.base}/codes", json={"name": name})
    assert r.status_code == 422, r.text
    code = await _code(api, "Funding")
    r = await api.patch(f"{api.base}/codes/{code['id']}", json={"name": name})
    assert r.status_code == 422, r.text


async def test_export_never_fails_for_a_codebook_the_api_accepted(api):
    # Names are trimmed, so "Funding " clashes with "Funding" instead of reaching the
    # export (which identifies codes by path) as a duplicate.
    await _code(api, "Funding")
    r = await api.post(f"{api.base}/codes", json={"name": "Funding "})
    assert r.status_code == 409
    for fmt in ("qdc", "csv"):
        r = await api.get(f"{api.base}/codes/export", params={"format": fmt})
        assert r.status_code < 500, (fmt, r.status_code, r.text)


async def test_merge_and_delete_keep_sibling_names_unique(api):
    # Sub-codes that move (under the merge target, or up a level on delete) must not end up
    # next to a sibling of the same name: the tree would be ambiguous and the CSV export,
    # which identifies codes by path, could no longer be written.
    a = await _code(api, "Trust")
    await _code(api, "Clinicians", parent_id=a["id"])
    b = await _code(api, "Confidence")
    await _code(api, "clinicians", parent_id=b["id"])
    root = await _code(api, "Barriers")
    await _code(api, "Funding", parent_id=root["id"])
    middle = await _code(api, "Resources", parent_id=root["id"])
    await _code(api, "FUNDING", parent_id=middle["id"])  # one level down: allowed
    await api.post(f"{api.base}/codes/{a['id']}/merge", json={"into": b["id"]})
    await api.delete(f"{api.base}/codes/{middle['id']}")
    live = (await api.get(f"{api.base}/codes")).json()
    places = [(code["parent_id"], code["name"].casefold()) for code in live]
    assert len(places) == len(set(places)), sorted(places, key=str)
    r = await api.get(f"{api.base}/codes/export", params={"format": "csv"})
    assert r.status_code == 200


async def test_null_for_a_not_nullable_field_leaves_it_unchanged(api):
    """Found by schemathesis (issue 14 item 14): `"codable": null` answered 500 (NOT NULL
    constraint failed); like a null name, it now means "unchanged". A null kind is a
    value: the code's own kind is unset, so it follows its parent's (issue 13 item 10)."""
    code = await _code(api, "Grouping only", codable=False, kind="outcome")
    url = f"{api.base}/codes/{code['id']}"
    r = await api.patch(url, json={"codable": None, "kind": None, "name": None})
    assert r.status_code == 200, r.text
    assert (r.json()["codable"], r.json()["kind"], r.json()["name"]) == (
        False,
        None,
        "Grouping only",
    )
    assert r.json()["effective_kind"] == "other"  # a top-level code follows no one
