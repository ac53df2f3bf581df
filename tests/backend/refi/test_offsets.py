"""Quotes land on exactly the characters their producer meant: NVivo's UTF-16 positions after
emoji (with CRLF and a BOM), producers that do not say which unit they use, and selections whose
placement is doubtful, which are held for review instead of being stored."""

from __future__ import annotations

from sqlmodel import select

from backend.annotations.models import Annotation, AnnotationCode
from backend.refi.models import ImportedSelection
from tests.backend.refi import builders as b
from tests.backend.refi.conftest import new_project, upload
from tests.conftest import runtime_of

TEXT = (
    "Interview 3 \U0001f3e5 ward 7\n"
    "I: How did the panel 👩‍⚕️ explain it?\n"
    "R: They wrote to us 😊😊 and the café manager said 医院 was fair.\n"
    "R: Trust grew \U0001f91d after that.\n"
)
QUOTES = [
    "Interview 3",
    "ward 7",
    "explain it",
    "They wrote to us",
    "café manager",
    "医院 was fair",
    "Trust grew",
]
CODE = b.Code(b.gid("code"), "Trust")


def _source(tool: b.Tool, quotes=QUOTES) -> tuple[b.Src, dict[str, str]]:
    src = b.Src("Interview 3", TEXT)
    stored = b.source_text(tool, src)
    wanted = {}
    for quote in quotes:
        sel = b.Sel(*b.span(stored, quote), codes=[CODE.guid])
        src.selections.append(sel)
        wanted[sel.guid] = quote
    return src, wanted


async def _quotes(client, pid: int) -> dict[str, str]:
    """Selection GUID -> the quote its annotation holds, in project `pid`."""
    async with runtime_of(client).sessions() as session:
        rows = (
            await session.exec(
                select(ImportedSelection.selection_guid, Annotation.exact)
                .join(Annotation, Annotation.id == ImportedSelection.annotation_id)
                .where(Annotation.project_id == pid)
            )
        ).all()
    return dict(rows)


async def test_nvivo_utf16_positions_with_crlf_and_bom_land_on_the_same_quotes(client):
    for tool in (b.NVIVO_WINDOWS, b.NVIVO_MAC):
        src, wanted = _source(tool)
        pid = await new_project(client, tool.origin)
        r = await upload(client, pid, b.qdpx(tool, [src], [CODE]))
        assert r.status_code == 200, r.text
        report = r.json()
        assert report["producer"] == tool.origin
        assert report["offsets"] == {
            "reading": "utf16",
            "decided_by": "producer",
            "selections_checked": len(QUOTES),
            "selections_converted": len(QUOTES) - 1,  # all but the one before any emoji
            "selections_needing_review": 0,
        }
        assert await _quotes(client, pid) == wanted


async def test_a_producer_that_does_not_say_is_tested_on_word_boundaries(client):
    """MAXQDA and ATLAS.ti files carry no unit: both readings are tried, the plausible one
    wins, and the report says it was tested."""
    for tool, reading in ((b.MAXQDA_UTF16, "utf16"), (b.MAXQDA, "codepoint"), (b.ATLAS, None)):
        src, wanted = _source(tool)
        pid = await new_project(client, f"{tool.origin} {tool.unit}")
        r = await upload(client, pid, b.qdpx(tool, [src], [CODE]))
        assert r.status_code == 200, r.text
        offsets = r.json()["offsets"]
        assert offsets["decided_by"] == "tested", offsets
        assert offsets["reading"] == (reading or tool.unit)
        assert offsets["selections_needing_review"] == 0
        assert await _quotes(client, pid) == wanted


async def test_a_doubtful_selection_is_held_for_review_not_stored(client):
    src, wanted = _source(b.NVIVO_MAC)
    stored = b.source_text(b.NVIVO_MAC, src)
    # One selection written in code points although the file is NVivo's: read as UTF-16 it
    # starts and ends inside words; read as code points it is "the café manager".
    odd = b.Sel(
        0, 0, codes=[CODE.guid], description="odd one", raw=b.span(stored, "the café manager")
    )
    src.selections.append(odd)
    pid = await new_project(client)
    r = await upload(client, pid, b.qdpx(b.NVIVO_MAC, [src], [CODE]))
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["offsets"]["selections_needing_review"] == 1
    assert report["imported"]["annotations"] == len(QUOTES)
    [held] = report["review"]
    assert held["selection_guid"] == odd.guid and "inside a word" in held["reason"]
    by_reading = {c["reading"]: c for c in held["candidates"]}
    assert (
        by_reading["codepoint"]["quote"] == "the café manager"
        and by_reading["codepoint"]["plausible"]
    )
    assert not by_reading["utf16"]["plausible"]
    assert await _quotes(client, pid) == wanted  # nothing stored for it
    listed = (await client.get(f"/api/projects/{pid}/qdpx/review")).json()
    assert [item["id"] for item in listed] == [held["id"]]
    url = f"/api/projects/{pid}/qdpx/review/{held['id']}"
    r = await client.post(url, json={"choice": "codepoint"})
    assert r.status_code == 200 and r.json()["status"] == "accepted", r.text
    assert (await client.post(url, json={"choice": "discard"})).status_code == 409
    assert (await client.get(f"/api/projects/{pid}/qdpx/review")).json() == []
    async with runtime_of(client).sessions() as session:
        a = (
            await session.exec(select(Annotation).where(Annotation.exact == "the café manager"))
        ).one()
        codes = (
            await session.exec(
                select(AnnotationCode.code_id).where(AnnotationCode.annotation_id == a.id)
            )
        ).all()
        assert a.project_id == pid and a.memo == "odd one" and len(codes) == 1


async def test_review_decisions_are_checked(client):
    src, _ = _source(b.NVIVO_MAC, quotes=[])
    stored = b.source_text(b.NVIVO_MAC, src)
    src.selections.append(b.Sel(0, 0, raw=b.span(stored, "the café manager")))
    pid = await new_project(client)
    held = (await upload(client, pid, b.qdpx(b.NVIVO_MAC, [src]))).json()["review"][0]
    url = f"/api/projects/{pid}/qdpx/review/{held['id']}"
    assert (await client.post(url, json={"choice": "sideways"})).status_code == 422
    assert (await client.post(f"{url}9", json={"choice": "discard"})).status_code == 404
    assert (await client.post(url, json={"choice": "discard"})).json()["status"] == "discarded"
