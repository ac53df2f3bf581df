"""Issue 11 item 6: ATLAS.ti's codebook namespace, isCodable="false" kept, enforced when
coding and exported, the file's GUIDs kept, and each dropped <Set> counted."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from tests.backend.refi import builders as b
from tests.backend.refi.conftest import export, new_project, upload

LEAF = b.Code(b.gid("leaf"), "Explains decisions")
GROUP = b.Code(b.gid("group"), "Mechanisms", codable=False, children=[LEAF])
SETS = (
    '<Sets><Set guid="{0}" name="CMO"><MemberCode targetGUID="{1}"/></Set>'
    '<Set guid="{2}" name="Other"><MemberCode targetGUID="{1}"/></Set></Sets>'
).format(b.gid("s1"), LEAF.guid, b.gid("s2"))


def _upload(data: bytes, name: str = "atlas.qdc") -> dict:
    return {"file": (name, data, "application/xml")}


async def _import(client, pid: int, data: bytes) -> dict:
    r = await client.post(f"/api/projects/{pid}/codes/import", files=_upload(data))
    assert r.status_code == 200, r.text
    body = dict(r.json())
    assert len(body.pop("created_ids")) == body["created"]
    return body


async def test_atlas_codebook_keeps_guids_grouping_codes_and_counts_sets(client):
    pid = client.pid
    data = b.qdc([GROUP], namespace="urn:QDA-XML:codebook:0:4", extra=SETS)
    assert await _import(client, pid, data) == {
        "created": 2,
        "skipped": 0,
        "not_imported": {"sets of codes (no place in the codebook)": 2},
    }
    codes = {c["name"]: c for c in (await client.get(f"/api/projects/{pid}/codes")).json()}
    assert (codes["Mechanisms"]["guid"], codes["Mechanisms"]["codable"]) == (GROUP.guid, False)
    assert (codes["Explains decisions"]["guid"], codes["Explains decisions"]["codable"]) == (
        LEAF.guid,
        True,
    )
    # out and back in: the same codebook (same GUIDs, same flags), in a new project
    exported = (await client.get(f"/api/projects/{pid}/codes/export")).content
    flags = {
        e.get("guid"): e.get("isCodable")
        for e in etree.fromstring(exported).iter("{urn:QDA-XML:codebook:1.0}Code")
    }
    assert flags == {GROUP.guid: "false", LEAF.guid: "true"}
    other = await new_project(client, "Copy")
    assert (await _import(client, other, exported))["created"] == 2
    copied = {
        c["guid"]: c["codable"] for c in (await client.get(f"/api/projects/{other}/codes")).json()
    }
    assert copied == {GROUP.guid: False, LEAF.guid: True}
    assert (await _import(client, other, exported))["skipped"] == 2  # same GUIDs: nothing new


async def test_a_grouping_code_from_a_qdpx_is_kept_and_cannot_be_applied(client):
    pid = await new_project(client)
    text = "The panel explained every decision."
    r = await upload(client, pid, b.qdpx(b.QUALCODER, [b.Src("Notes", text)], [GROUP]))
    assert r.status_code == 200, r.text
    codes = {c["name"]: c for c in (await client.get(f"/api/projects/{pid}/codes")).json()}
    assert codes["Mechanisms"]["codable"] is False and codes["Mechanisms"]["guid"] == GROUP.guid
    [doc] = (await client.get(f"/api/projects/{pid}/documents")).json()
    body = {"document_id": doc["id"], "start": 4, "end": 9}
    body["code_ids"] = [codes["Mechanisms"]["id"]]
    r = await client.post(f"/api/projects/{pid}/annotations", json=body)
    assert r.status_code == 422 and "not codable" in r.json()["detail"], r.text
    body["code_ids"] = [codes["Explains decisions"]["id"]]
    assert (await client.post(f"/api/projects/{pid}/annotations", json=body)).status_code == 201


async def test_a_qdpx_round_trip_keeps_guids_and_grouping_codes(client):
    pid = await new_project(client)
    text = "The panel explained every decision."
    src = b.Src("Notes", text, [b.Sel(4, 9, codes=[LEAF.guid], description="memo")])
    assert (await upload(client, pid, b.qdpx(b.QUALCODER, [src], [GROUP]))).status_code == 200
    data = await export(client, pid)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    flags = {e.get("guid"): e.get("isCodable") for e in root.iter("{urn:QDA-XML:project:1.0}Code")}
    assert flags == {GROUP.guid: "false", LEAF.guid: "true"}
    again = await new_project(client, "Again")
    assert (await upload(client, again, data)).status_code == 200
    codes = (await client.get(f"/api/projects/{again}/codes")).json()
    assert {c["guid"]: c["codable"] for c in codes} == {GROUP.guid: False, LEAF.guid: True}
    [a] = (await client.get(f"/api/projects/{again}/annotations")).json()
    assert (a["exact"], a["memo"], a["coder_name"]) == ("panel", "memo", "Not named in the file")
