"""The QDPX export: valid against the REFI-QDA schema, exact selections, deterministic,
scoped, and written with progress."""

from __future__ import annotations

import json

from sqlmodel import col, select

from backend.annotations.models import Annotation
from backend.refi.common import guid
from backend.triangulation.scope import Scope
from tests.backend.refi.conftest import NS, export, source_texts, unpack
from tests.conftest import runtime_of


async def _live_annotations(client, pid: int) -> list[Annotation]:
    async with runtime_of(client).sessions() as session:
        stmt = select(Annotation).where(
            Annotation.project_id == pid, col(Annotation.deleted_at).is_(None)
        )
        return list((await session.exec(stmt)).all())


def _selections(pkg) -> dict[str, tuple[str, int, int]]:
    """Selection GUID -> (its source's GUID, start, end)."""
    found = {}
    for source in pkg.root.iterfind("q:Sources/q:TextSource", NS):
        for sel in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            found[sel.get("guid")] = (source.get("guid"), start, end)
    return found


async def test_export_validates_against_the_refi_qda_schema(built, schema):
    pkg = unpack(await export(built.api, built.pid))
    assert schema.validate(pkg.root), schema.error_log
    assert pkg.names[0] == "project.qde"
    assert {n for n in pkg.names[1:]} == set(pkg.sources) and pkg.sources
    root = pkg.root
    assert root.get("origin") == "Evidence Workbench"
    users = {u.get("id"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    assert users == {"owner@example.org": "owner", "zoe@example.org": "Zoë Coder ✨"}
    codes = {c.get("name"): c for c in root.iter(f"{{{NS['q']}}}Code")}
    assert codes["Context"].get("color") == "#1f77b4"
    rural = codes["Rurality 🌾 — zone rurale"]
    assert rural.getparent() is codes["Context"]
    assert "Kind: context" in rural.findtext("q:Description", namespaces=NS)
    names = [v.get("name") for v in root.iterfind("q:Variables/q:Variable", NS)]
    assert {"source_type", "organisation", "date", "original_filename", "page_offsets"} <= set(
        names
    )


async def test_every_selection_is_its_annotations_exact_quote(built):
    pkg = unpack(await export(built.api, built.pid))
    texts = source_texts(pkg)
    selections = _selections(pkg)
    live = await _live_annotations(built.api, built.pid)
    assert len(live) == len(built.annotations) == len(selections)
    for a in live:
        source, start, end = selections[guid(built.pid, "annotation", a.id)]
        assert source == guid(built.pid, "version", a.version_id)
        assert (start, end) == (a.start, a.end)
        assert texts[source][start:end] == a.exact
    assert guid(built.pid, "annotation", built.deleted) not in selections


async def test_memos_codes_authors_and_multiple_versions_are_in_the_file(built):
    pkg = unpack(await export(built.api, built.pid))
    root = pkg.root
    notes = {n.get("guid"): n for n in root.iterfind("q:Notes/q:Note", NS)}
    memo = next(a for a in built.annotations if a["memo"] and "\r\n" in a["memo"])
    sel = root.find(
        f".//q:PlainTextSelection[@guid='{guid(built.pid, 'annotation', memo['id'])}']", NS
    )
    ref = sel.find("q:NoteRef", NS).get("targetGUID")
    assert notes[ref].findtext("q:PlainTextContent", namespaces=NS) == memo["memo"]
    assert len(sel.findall("q:Coding", NS)) == 2
    # The field notes' versions, found by the variable that ties versions together (their
    # names are the guessed titles, which the notes' short lines decide).
    versions = [
        s
        for s in root.iterfind("q:Sources/q:TextSource", NS)
        if any(v[1].text == "field-notes.txt" for v in s.iterfind("q:VariableValue", NS))
    ]
    assert len(versions) == 2  # the current version and the older one holding the orphan
    values = [
        {
            v.find("q:VariableRef", NS).get("targetGUID"): v[1].text
            for v in s.iterfind("q:VariableValue", NS)
        }
        for s in versions
    ]
    assert len({json.dumps(sorted(v.items())) for v in values}) == 2


async def test_repeated_exports_are_byte_identical(built):
    first = await export(built.api, built.pid)
    second = await export(built.api, built.pid)
    assert unpack(first).qde == unpack(second).qde
    assert first == second  # the whole zip: fixed entry times, fixed order


async def test_progress_counts_up_to_the_total(built):
    calls = []
    await export(built.api, built.pid, progress=lambda done, total: calls.append((done, total)))
    total = calls[-1][1]
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


async def test_code_scope_exports_only_its_selections_and_their_sources(built, schema):
    context = built.codes["Context"]  # with its sub-code "Rurality"
    pkg = unpack(await export(built.api, built.pid, Scope(code_id=context)))
    assert schema.validate(pkg.root), schema.error_log
    wanted = {built.codes["Context"], built.codes["Rurality 🌾 — zone rurale"]}
    expected = {
        guid(built.pid, "annotation", a["id"])
        for a in built.annotations
        if wanted & set(a["code_ids"])
    }
    assert expected and set(_selections(pkg)) == expected
    documents = {a["document_id"] for a in built.annotations if wanted & set(a["code_ids"])}
    assert len(pkg.root.findall("q:Sources/q:TextSource", NS)) == len(documents)
    assert len(pkg.root.findall("q:CodeBook/q:Codes/q:Code", NS)) == 4  # all codes


async def test_theory_scope_exports_its_evidence_theory_and_cmocs(built, schema):
    theory = built.theories["relating"]
    pkg = unpack(await export(built.api, built.pid, Scope(theory_id=theory)))
    assert schema.validate(pkg.root), schema.error_log
    explain = built.cmocs["explain"]
    expected = {guid(built.pid, "annotation", e["annotation_id"]) for e in explain["evidence"]}
    assert set(_selections(pkg)) == expected
    notes = [n.get("name") for n in pkg.root.iterfind("q:Notes/q:Note", NS)]
    assert [n for n in notes if n.startswith("Programme theory")] == [
        "Programme theory: If leaders explain decisions, then staff trust the panel — ça marche."
    ]
    assert [n for n in notes if n.startswith("CMOC")] == ["CMOC: CMOC explain — été"]
    links = pkg.root.findall("q:Links/q:Link", NS)
    assert sorted(link.get("name") for link in links) == [
        "context:supports",
        "mechanism:refutes",
        "outcome:refines",
        "theory:cmoc",
    ]


async def test_export_of_a_missing_project_is_a_404(built):
    from backend.refi.common import RefiError

    try:
        await export(built.api, 999_999)
    except RefiError as exc:
        assert exc.status == 404
    else:
        raise AssertionError("no error")
