"""Export -> import into a new empty project -> export again: the same content, and the
imported project works like any other (annotations placed, search finds the documents)."""

from __future__ import annotations

from sqlmodel import col, select

from backend.annotations.models import Annotation
from backend.cmocs.models import CmocEvidence
from backend.coders.models import Coder
from backend.documents.models import Document, DocumentVersion, Passage
from tests.backend.refi.conftest import CODER, export, new_project, normalised, unpack, upload
from tests.conftest import runtime_of


async def _round_trip(built) -> tuple[int, dict, bytes, bytes]:
    first = await export(built.api, built.pid)
    pid = await new_project(built.api)
    r = await upload(built.api, pid, first)
    assert r.status_code == 200, r.text
    return pid, r.json(), first, await export(built.api, pid)


async def test_round_trip_gives_the_same_project(built, schema):
    pid, summary, first, second = await _round_trip(built)
    assert summary["skipped"] == {}
    coders = summary["coders"]
    assert sorted(c["name"] for c in coders["attributions"]) == ["Zoë Coder ✨", "owner"]
    assert coders["accounts_created"] == coders["unnamed"] == coders["not_listed"] == 0
    imported = summary["imported"]
    assert imported["annotations"] == len(built.annotations)
    assert (imported["theories"], imported["cmocs"], imported["evidence_links"]) == (2, 2, 5)
    assert imported["documents"] == 5 and imported["versions"] == 6
    assert summary["offsets"]["reading"] == "codepoint"
    assert summary["offsets"]["decided_by"] == "producer"
    assert summary["offsets"]["selections_checked"] == len(built.annotations)
    assert summary["offsets"]["selections_needing_review"] == 0 and summary["review"] == []
    a, b = unpack(first), unpack(second)
    assert schema.validate(b.root), schema.error_log
    assert normalised(a) == normalised(b)
    # and the round trip is stable: a third export equals the second, byte for byte
    assert await export(built.api, pid) == second


async def test_imported_annotations_sit_on_exact_text_with_passages(built):
    pid, *_ = await _round_trip(built)
    async with runtime_of(built.api).sessions() as session:
        rows = (
            await session.exec(
                select(Annotation, DocumentVersion)
                .join(DocumentVersion, DocumentVersion.id == Annotation.version_id)
                .where(Annotation.project_id == pid)
            )
        ).all()
        assert len(rows) == len(built.annotations)
        for a, version in rows:
            assert version.text[a.start : a.end] == a.exact
            assert version.text[max(0, a.start - 32) : a.start] == a.prefix
            passage = await session.get(Passage, a.passage_id) if a.passage_id else None
            assert passage is not None and passage.start <= a.start < passage.end
        assert sum(a.orphaned for a, _ in rows) == 1
        passages = (
            await session.exec(select(Passage).join(Document).where(Document.project_id == pid))
        ).all()
        texts = {v.id: v.text for _, v in rows}
        for p in passages:
            if p.version_id in texts:
                assert texts[p.version_id][p.start : p.end] == p.text


async def test_imported_evidence_and_coders_are_kept(built):
    pid, *_ = await _round_trip(built)
    async with runtime_of(built.api).sessions() as session:
        coders = (
            await session.exec(
                select(Coder.name, Coder.identifier)
                .join(Annotation, Annotation.coder_id == Coder.id)
                .where(Annotation.project_id == pid)
                .distinct()
            )
        ).all()
        assert sorted(coders) == [("Zoë Coder ✨", CODER), ("owner", "owner@example.org")]
        notes = (
            await session.exec(
                select(CmocEvidence.note).where(
                    col(CmocEvidence.annotation_id).in_(
                        select(Annotation.id).where(Annotation.project_id == pid)
                    )
                )
            )
        ).all()
        assert "Contradicts 🙃 the IFR policy" in notes
    cmocs = (await built.api.get(f"/api/projects/{pid}/cmocs")).json()
    originals = {c["title"]: c for c in built.cmocs.values()}
    for cmoc in cmocs:
        before = originals[cmoc["title"]]
        for key in ("context", "mechanism_resource", "mechanism_reasoning", "outcome", "memo"):
            assert cmoc[key] == before[key]
        assert sorted((e["part"], e["stance"]) for e in cmoc["evidence"]) == sorted(
            (e["part"], e["stance"]) for e in before["evidence"]
        )
        assert len(cmoc["theory_ids"]) == len(before["theory_ids"])


async def test_search_finds_imported_documents(built):
    pid, *_ = await _round_trip(built)
    r = await built.api.get(f"/api/projects/{pid}/search", params={"q": '"individual funding"'})
    assert r.status_code == 200, r.text
    assert r.json()["total"] > 0
    r = await built.api.get(f"/api/projects/{pid}/search", params={"q": "matron"})
    assert r.json()["total"] == 1
