"""The realist-analysis flow of issue 5 through the API: theories imported, CMOCs
built from annotations of documents, an interview and an observation record, the
triangulation matrix with its statuses, a proposal accepted as evidence, and
every export format with every quote found again at its citation."""

import csv
import io
import json
import zipfile

import pytest
from docx import Document as Docx
from openpyxl import load_workbook
from sqlmodel import select

from backend.citations import LOCATION_FIELDS, page_of
from backend.documents.models import DocumentVersion
from backend.exports.cells import csv_exact
from tests import study
from tests.backend.exports.originals import assert_found_in_originals, report_quotes
from tests.conftest import runtime_of, signed_in


@pytest.fixture
async def built(corpus_settings):
    async with signed_in(corpus_settings) as api:
        yield api, await study.build(api)


def _row(matrix, theory_id):
    return next(r for r in matrix["rows"] if r["id"] == theory_id)


async def test_matrix_statuses_follow_the_evidence(built):
    api, s = built
    m = (await api.get(f"{api.base}/triangulation")).json()
    assert [c["key"] for c in m["columns"]] == ["document", "interview", "observation"]
    status = {r["id"]: r["status"] for r in m["rows"]}
    assert status == {
        s.theories["Relating & Communicating"]: "corroborated",
        s.theories["Delivering"]: "contested",
        s.theories["Being"]: "single_source",
        s.theories["Leading & Visioning"]: "no_evidence",
    }
    delivering = _row(m, s.theories["Delivering"])
    assert delivering["cells"]["interview"]["refutes"] == {"sources": 1, "excerpts": 1}
    assert delivering["cells"]["observation"]["supports"] == {"sources": 1, "excerpts": 1}
    relating = _row(m, s.theories["Relating & Communicating"])
    assert relating["total"]["excerpts"] == 3 and relating["total"]["sources"] == 3


async def test_matrix_rows_can_be_cmocs_or_codes_and_columns_organisations(built):
    api, s = built
    m = (await api.get(f"{api.base}/triangulation", params={"rows": "cmoc"})).json()
    assert {r["id"]: r["status"] for r in m["rows"]} == {
        s.cmocs["trust"]["id"]: "corroborated",
        s.cmocs["timeliness"]["id"]: "contested",
        s.cmocs["vision"]["id"]: "single_source",
    }
    m = (await api.get(f"{api.base}/triangulation", params={"rows": "code"})).json()
    trust = next(r for r in m["rows"] if r["id"] == s.codes["trust"])
    assert trust["status"] == "corroborated"  # interview + observation
    m = (
        await api.get(
            f"{api.base}/triangulation", params={"rows": "theory", "columns": "document_type"}
        )
    ).json()
    assert {"transcript", "field_notes"} <= {c["key"] for c in m["columns"]}


async def test_cells_count_distinct_sources_and_excerpts_per_stance(built):
    """One excerpt linked through two CMOCs of one theory counts once; a second
    excerpt of the same interview is another excerpt but not another source."""
    api, s = built
    trust, relating = s.cmocs["trust"], s.theories["Relating & Communicating"]
    more = [
        ("interview trust", "outcome", "supports"),
        ("interview transparent", "context", "refines"),
    ]
    body = {
        "title": "Trust again",
        "theory_ids": [relating],
        "evidence": [
            {"annotation_id": s.annotations[k]["id"], "part": part, "stance": stance}
            for k, part, stance in more
        ],
    } | {k: trust[k] for k in ("context", "mechanism_resource", "mechanism_reasoning", "outcome")}
    r = await api.post(f"{api.base}/cmocs", json=body)
    assert r.status_code == 201, r.text
    m = (await api.get(f"{api.base}/triangulation")).json()
    interview = _row(m, relating)["cells"]["interview"]
    assert (interview["sources"], interview["excerpts"]) == (1, 2)
    assert interview["supports"] == {"sources": 1, "excerpts": 1}
    assert interview["refines"] == {"sources": 1, "excerpts": 1}
    assert interview["refutes"] == {"sources": 0, "excerpts": 0}
    total = _row(m, relating)["total"]
    assert (total["sources"], total["excerpts"]) == (3, 4)


async def test_a_cell_drills_down_to_cited_excerpts(built):
    api, s = built
    params = {"row_id": s.theories["Delivering"], "column": "interview"}
    rows = (await api.get(f"{api.base}/triangulation/excerpts", params=params)).json()
    assert len(rows) == 1
    (row,) = rows
    assert row["stance"] == "refutes" and row["part"] == "outcome"
    assert row["quote"] == "the process was slower than before"
    assert row["speaker"] == "P3" and row["coder"] == "owner"
    assert row["title"] and row["document_id"] == s.documents["interview"]["id"]
    assert row["cmoc_id"] == s.cmocs["timeliness"]["id"]
    await _assert_found(api, [row])


async def test_scope_filters_the_matrix(built):
    api, s = built
    only = {"source_type": "interview"}
    m = (await api.get(f"{api.base}/triangulation", params=only)).json()
    assert _row(m, s.theories["Relating & Communicating"])["status"] == "single_source"
    m = (
        await api.get(f"{api.base}/triangulation", params={"theory_id": s.theories["Being"]})
    ).json()
    assert [r["id"] for r in m["rows"]] == [s.theories["Being"]]


async def test_a_proposal_from_an_interview_excerpt_is_accepted_as_evidence(built):
    api, s = built
    excerpt = s.annotations["interview slower"]
    r = await api.get(f"{api.base}/proposals", params={"annotation_id": excerpt["id"]})
    assert r.status_code == 200, r.text
    proposals = r.json()
    assert proposals and all(p["source_type"] == "document" for p in proposals)
    chosen = proposals[0]
    decision = {
        "origin": "annotation",
        "origin_id": excerpt["id"],
        "passage_id": chosen["passage_id"],
        "decision": "accept",
        "cmoc_id": s.cmocs["timeliness"]["id"],
        "part": "outcome",
        "stance": "supports",
    }
    r = await api.post(f"{api.base}/proposals/decide", json=decision)
    assert r.status_code == 201, r.text
    created = r.json()["annotation_id"]
    a = (await api.get(f"{api.base}/annotations/{created}")).json()
    assert a["exact"] == chosen["text"] and a["code_ids"] == excerpt["code_ids"]
    cmoc = (await api.get(f"{api.base}/cmocs/{s.cmocs['timeliness']['id']}")).json()
    assert any(
        e["annotation_id"] == created and e["stance"] == "supports" for e in cmoc["evidence"]
    )
    again = await api.get(f"{api.base}/proposals", params={"annotation_id": excerpt["id"]})
    assert chosen["passage_id"] not in [p["passage_id"] for p in again.json()]
    assert (await api.post(f"{api.base}/proposals/decide", json=decision)).status_code == 409


async def test_dismissed_proposals_are_remembered(built):
    api, s = built
    start = s.annotations["policy ifr"]  # a document excerpt looks to interviews
    proposals = (
        await api.get(f"{api.base}/proposals", params={"annotation_id": start["id"]})
    ).json()
    assert proposals and {p["source_type"] for p in proposals} == {"interview"}
    first = proposals[0]["passage_id"]
    body = {
        "origin": "annotation",
        "origin_id": start["id"],
        "passage_id": first,
        "decision": "dismiss",
    }
    assert (await api.post(f"{api.base}/proposals/decide", json=body)).status_code == 201
    later = (await api.get(f"{api.base}/proposals", params={"annotation_id": start["id"]})).json()
    assert first not in [p["passage_id"] for p in later]
    params = {"origin": "annotation", "origin_id": start["id"]}
    decided = (await api.get(f"{api.base}/proposals/decisions", params=params)).json()
    assert [(d["passage_id"], d["decision"]) for d in decided] == [(first, "dismiss")]


async def test_proposals_take_the_search_filters(built):
    api, s = built
    excerpt = s.annotations["interview slower"]
    sop = s.documents["sop"]["id"]
    params = {"annotation_id": excerpt["id"], "document_id": sop, "limit": 5}
    r = await api.get(f"{api.base}/proposals", params=params)
    assert r.status_code == 200 and r.json()
    assert {p["document_id"] for p in r.json()} == {sop}
    params = {"annotation_id": excerpt["id"], "source_type": "observation"}
    found = (await api.get(f"{api.base}/proposals", params=params)).json()
    assert found and {p["source_type"] for p in found} == {"observation"}
    params = {"annotation_id": excerpt["id"], "date_from": "2025-05-01", "date_to": "2025-01-01"}
    assert (await api.get(f"{api.base}/proposals", params=params)).status_code == 400


async def test_proposals_from_a_cmoc_look_at_documents(built):
    api, s = built
    r = await api.get(f"{api.base}/proposals", params={"cmoc_id": s.cmocs["trust"]["id"]})
    assert r.status_code == 200 and r.json()
    assert {p["source_type"] for p in r.json()} == {"document"}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"annotation_id": 1, "cmoc_id": 1},
        {"annotation_id": 0},
        {"annotation_id": 999999},
        {"cmoc_id": 999999},
        {"passage_id": 999999},
        {"annotation_id": 1, "limit": 500},
        {"annotation_id": 1, "source_type": "podcast"},
    ],
)
async def test_bad_proposal_requests_are_4xx(built, params):
    api, _ = built
    r = await api.get(f"{api.base}/proposals", params=params)
    assert 400 <= r.status_code < 500 and r.json()["detail"]


async def test_bad_decisions_are_4xx_and_store_nothing(built):
    api, s = built
    excerpt = s.annotations["interview slower"]
    passage = (
        await api.get(f"{api.base}/proposals", params={"annotation_id": excerpt["id"]})
    ).json()[0]
    base = {"origin": "annotation", "origin_id": excerpt["id"], "passage_id": passage["passage_id"]}
    for body, status in [
        ({**base, "decision": "accept", "cmoc_id": s.cmocs["trust"]["id"]}, 422),  # no part
        ({**base, "decision": "accept", "start": 5, "end": 2}, 422),
        ({**base, "decision": "accept", "end": 10**6}, 422),
        ({**base, "decision": "maybe"}, 422),
        ({**base, "passage_id": 999999, "decision": "dismiss"}, 404),
        ({**base, "decision": "accept", "cmoc_id": 999999, "part": "outcome"}, 404),
    ]:
        r = await api.post(f"{api.base}/proposals/decide", json=body)
        assert r.status_code == status, (body, r.text)
        assert r.json()["detail"]
    params = {"origin": "annotation", "origin_id": excerpt["id"]}
    assert (await api.get(f"{api.base}/proposals/decisions", params=params)).json() == []
    count = (await api.get(f"{api.base}/annotations", params={"range": "[0,0]"})).headers
    assert count["content-range"].endswith(f"/{len(s.annotations)}")


async def _assert_found(api, rows) -> None:
    """Every quote is the stored text of its document version at its range."""
    async with runtime_of(api).sessions() as session:
        ids = {int(r["version_id"]) for r in rows}
        texts = dict(
            (
                await session.exec(
                    select(DocumentVersion.id, DocumentVersion.text).where(
                        DocumentVersion.id.in_(ids)
                    )
                )
            ).all()
        )
        offsets = dict(
            (
                await session.exec(
                    select(DocumentVersion.id, DocumentVersion.page_offsets).where(
                        DocumentVersion.id.in_(ids)
                    )
                )
            ).all()
        )
    for r in rows:
        quote = csv_exact(r["quote"])  # CSV neutralises formula-like cells reversibly
        start, end = int(r["start"]), int(r["end"])
        assert texts[int(r["version_id"])][start:end] == quote
        _assert_located(r, offsets[int(r["version_id"])], start, end)


def _assert_located(row: dict, page_offsets: list[int], start: int, end: int) -> None:
    """The location is the span's (pages from the version's page map) and the citation
    says it, with no internal id."""
    where = row.get("location") or {f: row[f] for f in LOCATION_FIELDS}  # JSON / CSV, XLSX
    page, last = page_of(page_offsets, start), page_of(page_offsets, end - 1)
    assert _number(where["page"]) == page and _number(where["page_end"]) == last
    citation = row["citation"]
    assert citation.startswith(row["title"])
    if page is not None:
        assert f"p. {page}" in citation or f"pp. {page}\u2013{last}" in citation
    assert "passage" not in citation and "chars" not in citation
    if row["source_type"] == "interview":  # the study's transcript: turn and file lines
        turn, line, line_end = (_number(where[f]) for f in ("turn", "line", "line_end"))
        assert turn is not None and line is not None and where["speaker"] == "P3"
        assert f"turn {turn} (P3, interviewee)" in citation
        assert f"l. {line}" in citation if line == line_end else f"ll. {line}\u2013" in citation


def _number(value) -> int | None:
    return None if value in (None, "") else int(value)


async def _export(api, fmt, **params):
    r = await api.get(f"{api.base}/exports", params={"format": fmt, **params})
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    return r


async def test_every_export_carries_every_quote_at_its_citation(built):
    api, s = built
    live = len(s.annotations)
    data = json.loads((await _export(api, "json")).content)
    assert {t["framework"] for t in data["theories"]} == set(s.theories)
    assert len(data["cmocs"]) == 3 and len(data["codebook"]) == len(s.codes)
    assert len({r["annotation_id"] for r in data["evidence"]}) == live
    await _assert_found(api, data["evidence"])
    assert {r["status"] for r in data["matrix"]} == {
        "corroborated",
        "contested",
        "single_source",
        "no_evidence",
    }
    assert data["methods"]["layer"] == "all" and data["methods"]["rounds"] == []
    assert data["methods"]["layer_statement"].startswith("Analyses count every coder")

    table = (await _export(api, "csv", table="evidence")).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert len(rows) == len(data["evidence"])
    await _assert_found(api, rows)

    archive = zipfile.ZipFile(io.BytesIO((await _export(api, "csv")).content))
    assert sorted(archive.namelist()) == sorted(
        f"{t}.csv" for t in ("evidence", "matrix", "cmocs", "theories", "codebook")
    )

    book = load_workbook(io.BytesIO((await _export(api, "xlsx")).content), read_only=True)
    assert book.sheetnames == ["evidence", "matrix", "cmocs", "theories", "codebook"]
    sheet = list(book["evidence"].values)
    header, body = sheet[0], sheet[1:]
    xrows = [dict(zip(header, r, strict=True)) for r in body]
    assert len(xrows) == len(data["evidence"])
    await _assert_found(api, xrows)
    assert len(list(book["theories"].values)) == 1 + 4

    await _assert_docx(api, (await _export(api, "docx")).content, s)


async def _assert_docx(api, content: bytes, s) -> None:
    cited = report_quotes(content)
    linked = sum(len(c["evidence"]) for c in s.cmocs.values())
    assert len(cited) == linked  # every evidence link once; nothing unlinked in this study
    await assert_found_in_originals(api, cited)
    paragraphs = [p.text for p in Docx(io.BytesIO(content)).paragraphs]
    assert "Refuting evidence (1 quote from 1 source)" in paragraphs
    assert any(p.endswith("Relating & Communicating") for p in paragraphs)


async def test_scoped_exports(built):
    api, s = built
    theory = s.theories["Delivering"]
    data = json.loads((await _export(api, "json", theory_id=theory)).content)
    assert [t["id"] for t in data["theories"]] == [theory]
    assert {r["annotation_id"] for r in data["evidence"]} == {
        s.annotations["observation timescales"]["id"],
        s.annotations["interview slower"]["id"],
    }
    data = json.loads((await _export(api, "json", source_type="observation")).content)
    assert {r["source_type"] for r in data["evidence"]} == {"observation"}
    data = json.loads((await _export(api, "json", code_id=s.codes["trust"])).content)
    assert len({r["annotation_id"] for r in data["evidence"]}) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"format": "pdf"},
        {"format": "xlsx", "table": "evidence"},
        {"format": "csv", "table": "secrets"},
        {"format": "csv", "since": "2025-02-30"},
        {"format": "csv", "since": "2025-03-01", "until": "2025-01-01"},
        {"format": "csv", "theory_id": "x"},
        {"format": "csv", "source_type": "podcast"},
    ],
)
async def test_bad_export_requests_are_4xx(built, params):
    api, _ = built
    r = await api.get(f"{api.base}/exports", params=params)
    assert 400 <= r.status_code < 500 and r.json()["detail"]


async def test_proposals_say_why_they_were_proposed(built):
    api, s = built
    excerpt = s.annotations["interview slower"]
    r = await api.get(f"{api.base}/proposals", params={"annotation_id": excerpt["id"]})
    proposals = r.json()
    assert proposals and {p["method"] for p in proposals} == {"hybrid"}
    scores = [p["score"] for p in proposals]
    assert scores == sorted(scores, reverse=True)
    by_meaning = [p for p in proposals if p["semantic_rank"] is not None]
    assert by_meaning and all(-1 <= p["similarity"] <= 1 for p in by_meaning)
    for p in proposals:
        assert p["lexical_rank"] is not None or p["semantic_rank"] is not None
        text = p["text"].lower()
        assert all(word in text or word[:4] in text for word in p["shared_terms"])
