"""Exported citations say where a quote's words came from: a PDF's text layer or OCR,
with OCR's confidence (CSV, XLSX, JSON columns; a note after the DOCX citation)."""

import csv
import io
import json

import pytest
from docx import Document as Docx
from openpyxl import load_workbook

from tests import study
from tests.conftest import POLICY_PDF, signed_in
from tests.ingest.scans import make_scan

SCANNED = "dealing in a fair manner in comparable cases"  # on page 13 of the policy


@pytest.fixture
async def quotes(corpus_settings, tmp_path):
    """One quote from a scanned copy of the policy's page 13, one from the digital policy."""
    async with signed_in(corpus_settings) as api:
        scan = make_scan(POLICY_PDF, tmp_path / "policy-scan.pdf", [13])
        scanned = await study.upload(api, scan, "document", "policy")
        assert scanned["text_source"] == "ocr"
        code = await study.code(api, "Fairness", "context")
        await study.annotate(api, scanned, SCANNED, [code])
        digital = await study.find_document(api, "Commissioning-policy")
        await study.annotate(api, digital, SCANNED, [code])
        yield api, scanned


async def _export(api, fmt: str, **params) -> bytes:
    r = await api.get(f"{api.base}/exports", params={"format": fmt, **params})
    assert r.status_code == 200, r.text
    return r.content


def _by_file(rows, scanned: dict) -> dict[str, dict]:
    return {("scan" if r["title"] == scanned["title"] else "digital"): r for r in rows}


async def test_tabular_and_json_rows_carry_the_text_source(quotes):
    api, scanned = quotes
    text = (await _export(api, "csv", table="evidence")).decode("utf-8-sig")
    csv_rows = _by_file(list(csv.DictReader(io.StringIO(text))), scanned)
    assert csv_rows["scan"]["text_source"] == "ocr"
    assert float(csv_rows["scan"]["ocr_confidence"]) == pytest.approx(scanned["ocr_confidence"])
    assert (csv_rows["digital"]["text_source"], csv_rows["digital"]["ocr_confidence"]) == (
        "text_layer",
        "",
    )

    book = load_workbook(io.BytesIO(await _export(api, "xlsx")), read_only=True)
    sheet = book["evidence"]
    header, *values = [list(r) for r in sheet.iter_rows(values_only=True)]
    xlsx_rows = _by_file([dict(zip(header, v, strict=True)) for v in values], scanned)
    assert xlsx_rows["scan"]["text_source"] == "ocr" and xlsx_rows["scan"]["ocr_confidence"] > 0
    assert xlsx_rows["digital"]["text_source"] == "text_layer"

    evidence = json.loads(await _export(api, "json"))["evidence"]
    json_rows = _by_file(evidence, scanned)
    assert json_rows["scan"]["location"]["text_source"] == "ocr"
    assert (
        json_rows["digital"]["location"] | {"ocr_confidence": None}
        == json_rows["digital"]["location"]
    )


async def test_the_report_notes_ocr_after_the_citation(quotes):
    api, scanned = quotes
    paragraphs = [p.text for p in Docx(io.BytesIO(await _export(api, "docx"))).paragraphs]
    notes = [p for p in paragraphs if "text read by OCR" in p]
    assert len(notes) == 1 and notes[0].startswith(scanned["title"])
    assert f"{scanned['ocr_confidence']:.0f}% confidence" in notes[0]
