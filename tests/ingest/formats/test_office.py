"""DOCX, PPTX and XLSX adapters on small generated files (the corpus DOCX: test_docx.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml import OxmlElement
from pptx import Presentation

from ingest.errors import IngestError
from ingest.formats import render
from ingest.formats.base import Extracted, FileProbe
from ingest.formats.docx import DocxAdapter
from ingest.formats.office import PptxAdapter, XlsxAdapter
from ingest.pipeline import ParsedDocument, ParseOptions, parse_file


def of_category(result: Extracted, category: str) -> list:
    return [element for element in result.elements if element.category == category]


def parse(path: Path) -> ParsedDocument:
    return parse_file(path, path.name, ParseOptions())


# --- generated DOCX ------------------------------------------------------------------------------


def page_break_paragraph(document, text: str) -> None:
    """A paragraph starting a new page, marked the way Word marks rendered page breaks."""
    paragraph = document.add_paragraph()
    paragraph.add_run()._r.append(OxmlElement("w:lastRenderedPageBreak"))
    paragraph.add_run(text)


def make_docx(path: Path, rendered_breaks: bool = True) -> Path:
    document = docx.Document()
    document.add_heading("Discharge review", level=1)
    document.add_paragraph("The review looked at delayed discharges over the winter.")
    document.add_heading("Findings", level=2)
    if rendered_breaks:
        page_break_paragraph(document, "Delays fell when social care joined the daily huddle.")
    else:
        document.add_paragraph("Delays fell when social care joined the daily huddle.")
    document.add_heading("Recommendations", level=2)
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {
        (0, 0): "Ward",
        (0, 1): "Delays",
        (1, 0): "Ward 5",
        (1, 1): "12",
    }.items():
        table.cell(row, col).text = text
    if rendered_breaks:
        page_break_paragraph(document, "Appendix text on the last page.")
    document.save(path)
    return path


@pytest.fixture
def no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server without LibreOffice: pages from Word's saved layout markers."""
    monkeypatch.setattr(render, "soffice", lambda: None)


def test_generated_docx_pages_headings_and_table(tmp_path: Path, no_libreoffice: None) -> None:
    result = DocxAdapter().extract(make_docx(tmp_path / "review.docx"))
    assert (result.page_count, result.pagination) == (3, "approximate")
    (table,) = of_category(result, "Table")
    assert (table.text, table.metadata.page_number) == ("Ward Delays Ward 5 12", 2)
    titles = [(t.text, t.metadata.category_depth) for t in of_category(result, "Title")]
    assert titles == [("Discharge review", 0), ("Findings", 1), ("Recommendations", 1)]


def test_generated_docx_through_the_pipeline(tmp_path: Path, no_libreoffice: None) -> None:
    doc = parse(make_docx(tmp_path / "review.docx"))
    assert (doc.format, doc.title, doc.page_count) == ("docx", "Discharge review", 3)
    assert (doc.pagination, doc.warnings) == ("approximate", [render.NOT_INSTALLED])
    assert [(p.heading_path, p.page_start, p.page_end) for p in doc.passages] == [
        (["Discharge review"], 1, 1),
        (["Discharge review", "Findings"], 1, 2),
        (["Discharge review", "Recommendations"], 2, 3),
    ]
    assert doc.page_offsets == [0, doc.text.index("Delays fell"), doc.text.index("Appendix")]
    assert "Ward Delays Ward 5 12" in doc.passages[2].text


def test_docx_without_saved_layout_or_libreoffice_has_no_pages(
    tmp_path: Path, no_libreoffice: None
) -> None:
    # python-docx writes no w:lastRenderedPageBreak (only Word does) and no page break here.
    doc = parse(make_docx(tmp_path / "plain.docx", rendered_breaks=False))
    assert (doc.page_count, doc.page_offsets, doc.pagination) == (None, [], "none")
    assert "no page numbers" in doc.warnings[0]
    assert all(p.page_start is None and p.page_end is None for p in doc.passages)
    assert "Delays fell when social care joined the daily huddle." in doc.text


# --- PPTX and XLSX -------------------------------------------------------------------------------


def make_pptx(path: Path) -> Path:
    deck = Presentation()
    slides = [
        ("Discharge pilot results", "Length of stay fell by two days."),
        ("Next steps", "Extend the pilot to two more wards."),
        ("Risks", "Winter pressures may delay the roll-out."),
    ]
    for title, body in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    deck.save(path)
    return path


def test_pptx_slides_are_pages(tmp_path: Path) -> None:
    doc = parse(make_pptx(tmp_path / "pilot.pptx"))
    assert (doc.format, doc.page_count, doc.pagination) == ("pptx", 3, "rendered")
    assert [(p.heading_path, p.page_start, p.text) for p in doc.passages] == [
        (
            ["Discharge pilot results"],
            1,
            "Discharge pilot results\n\nLength of stay fell by two days.",
        ),
        (["Next steps"], 2, "Next steps\n\nExtend the pilot to two more wards."),
        (["Risks"], 3, "Risks\n\nWinter pressures may delay the roll-out."),
    ]


def make_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Referrals"
    for row in [
        ("Month", "Referrals", "Outcome"),
        ("April", 42, "Approved"),
        ("May", 17, "Declined"),
    ]:
        sheet.append(row)
    book.create_sheet("Notes").append(["Figures exclude urgent cases"])
    book.save(path)
    return path


def test_xlsx_sheets_are_pages(tmp_path: Path) -> None:
    doc = parse(make_xlsx(tmp_path / "referrals.xlsx"))
    assert (doc.format, doc.page_count, doc.pagination) == ("xlsx", 2, "approximate")
    for words in ["Month Referrals Outcome", "April 42 Approved", "May 17 Declined"]:
        assert words in doc.text
    assert doc.page_offsets == [0, doc.text.index("Figures exclude urgent cases")]
    assert (doc.passages[0].page_start, doc.passages[-1].page_end) == (1, 2)


# --- scores and broken containers ----------------------------------------------------------------


def test_scores_by_extension_and_by_content(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "review.docx")
    adapters = (DocxAdapter(), PptxAdapter(), XlsxAdapter())
    assert [a.score(FileProbe.of(path)) for a in adapters] == [90, 0, 0]
    assert [a.score(FileProbe.of(path, "review.zip")) for a in adapters] == [80, 0, 0]
    pptx = make_pptx(tmp_path / "deck.pptx")
    assert [a.score(FileProbe.of(pptx, "deck.bin")) for a in adapters] == [0, 80, 0]
    assert [a.score(FileProbe(path, "docx", b"%PDF-1.7")) for a in adapters] == [0, 0, 0]


@pytest.mark.parametrize(
    ("extension", "label"),
    [("docx", "Word (DOCX)"), ("pptx", "PowerPoint (PPTX)"), ("xlsx", "Excel (XLSX)")],
)
def test_zip_that_is_not_office_is_a_clear_error(
    tmp_path: Path, extension: str, label: str
) -> None:
    path = tmp_path / f"archive.{extension}"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not an office document")
    with pytest.raises(IngestError) as info:
        parse(path)
    assert info.value.message.startswith(f"This {label} file could not be read: ")


def test_docx_with_broken_xml_is_a_clear_error(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx")
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(
                info, b"<w:document><unclosed" if info.filename == "word/document.xml" else data
            )
    with pytest.raises(IngestError, match=r"^This Word \(DOCX\) file could not be read"):
        parse(bad)
