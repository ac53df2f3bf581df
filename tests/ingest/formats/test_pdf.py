"""PdfAdapter against the shared corpus, small generated PDFs and broken inputs."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from unstructured.documents.elements import (
    Footer,
    Header,
    ListItem,
    NarrativeText,
    PageNumber,
    Title,
)

from ingest.errors import IngestError, NeedsOCR
from ingest.formats.base import Extracted, FileProbe
from ingest.formats.pdf import PdfAdapter
from tests.conftest import INSULIN_PDF as INSULIN
from tests.conftest import POLICY_PDF as POLICY
from tests.conftest import SOP_PDF as SOP
from tests.ingest.pdfs import body, make_pdf

ALL_PDFS = [POLICY, SOP, INSULIN]


@cache
def extracted(path: Path) -> Extracted:
    return PdfAdapter().extract(path)


def of_type(result: Extracted, kind: type) -> list:
    return [element for element in result.elements if type(element) is kind]


def title(result: Extracted, text: str) -> Title:
    matches = [el for el in of_type(result, Title) if el.text == text]
    assert matches, f"no Title {text!r}"
    return matches[0]


# --- score -------------------------------------------------------------------------------


def test_score_recognises_pdf_magic(tmp_path: Path) -> None:
    adapter = PdfAdapter()
    assert adapter.score(FileProbe(tmp_path / "a", "", b"%PDF-1.7\n%binary")) == 100
    # Some producers put junk before the header; readers accept it within the first 1 KiB.
    assert adapter.score(FileProbe(tmp_path / "a", "bin", b"\0" * 500 + b"%PDF-1.4")) == 100


def test_score_rejects_non_pdf_named_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"PK\x03\x04 this is really a zip file" * 10)
    assert PdfAdapter().score(FileProbe.of(fake)) == 0


# --- corpus --------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "pages"), [(POLICY, 29), (SOP, 67), (INSULIN, 4)])
def test_page_count(path: Path, pages: int) -> None:
    assert extracted(path).page_count == pages


@pytest.mark.parametrize("path", ALL_PDFS)
def test_every_element_has_a_page_number_in_range(path: Path) -> None:
    result = extracted(path)
    assert len(result.elements) > 50
    for element in result.elements:
        assert 1 <= element.metadata.page_number <= result.page_count, element
        assert element.text.strip() == element.text and element.text


def test_metadata_title_used_only_when_meaningful() -> None:
    assert extracted(INSULIN).title == "Prescribing of Insulin Needles"
    assert extracted(POLICY).title is None  # its Title field is empty


def test_policy_headings_and_depths() -> None:
    result = extracted(POLICY)
    cover = title(result, "Commissioning policy: individual funding requests")
    section = title(result, "Equality statement")
    wrapped = title(result, "Clinical exceptionality: non clinical and social factors")
    subsection = title(result, "When does this policy apply?")  # bold body-size heading
    assert (cover.metadata.page_number, section.metadata.page_number) == (1, 3)
    assert cover.metadata.category_depth == 0
    assert section.metadata.category_depth == wrapped.metadata.category_depth == 1
    assert subsection.metadata.category_depth == 2


def test_insulin_and_sop_headings() -> None:
    insulin = extracted(INSULIN)
    assert title(insulin, "Prescribing of Insulin Pen Needles").metadata.category_depth == 0
    intro = title(insulin, "Introduction").metadata.category_depth
    assert intro < title(insulin, "Safe Disposal of needles").metadata.category_depth
    sop = extracted(SOP)
    chapter = title(sop, "Introduction").metadata.category_depth
    assert chapter < title(sop, "IFR timescales and urgent cases").metadata.category_depth
    assert title(sop, "Screening of a request for a process review").metadata.page_number == 18


def test_running_footer_classified_and_kept_out_of_body_text() -> None:
    result = extracted(POLICY)
    footers = of_type(result, Footer)
    assert {el.text for el in footers} >= {"1 | individual funding requests"}
    assert len({el.metadata.page_number for el in footers}) == 28  # every page but the cover
    body_like = [el for el in result.elements if type(el) in (NarrativeText, ListItem, Title)]
    assert not any("| individual funding requests" in el.text for el in body_like)


def test_page_numbers_classified() -> None:
    insulin = of_type(extracted(INSULIN), PageNumber)
    assert [el.text for el in insulin] == [f"Page {n} of 4" for n in range(1, 5)]
    sop = of_type(extracted(SOP), PageNumber)
    assert len(sop) >= 60  # bare numbers at the foot, landscape pages included
    assert {"12", "46"} <= {el.text for el in sop}
    narrative = of_type(extracted(SOP), NarrativeText)
    assert not any(el.text.isdigit() for el in narrative)


def test_bullets_become_list_items_without_glyph() -> None:
    items = of_type(extracted(INSULIN), ListItem)
    texts = [el.text for el in items]
    assert any(t.startswith("All needles are for single use only") for t in texts)
    assert not any(t[0] in "•-–" for t in texts)
    # Continuation lines stay with their bullet.
    assert any(
        t.endswith("suitable for patients with insulin doses less than 50 units.") for t in texts
    )


def test_pdfium_joined_hyphens_kept_for_real_compounds() -> None:
    texts = " ".join(el.text for el in extracted(POLICY).elements)
    assert "well-recognised" in texts
    assert "commissioning/spec-services" in texts  # URLs keep their hyphens
    assert "\ufffe" not in texts


# --- generated PDFs ------------------------------------------------------------------------


def test_dehyphenation_of_words_broken_at_line_end(tmp_path: Path) -> None:
    page = [
        (72, 760, 20, "Team report", "Helvetica-Bold"),
        body(720, "The lead-"),
        body(706, "ership team wrote a self-"),
        body(692, "care plan and a non-"),
        body(678, "urgent referral route for every-"),
        body(664, "one who asked for it."),
    ]
    result = PdfAdapter().extract(make_pdf(tmp_path / "h.pdf", [page]))
    text = of_type(result, NarrativeText)[0].text
    assert text == (
        "The leadership team wrote a self-care plan and a non-urgent referral route "
        "for everyone who asked for it."
    )


def test_generated_layout_headers_titles_lists(tmp_path: Path) -> None:
    pages = []
    for number in range(1, 5):
        pages.append(
            [
                (72, 815, 9, f"Evidence Workbench trial report {2024 + number}", "Helvetica"),
                (72, 760, 20, f"Chapter {number}", "Helvetica-Bold"),
                (72, 730, 14, "Background", "Helvetica-Bold"),
                body(700, "Body text about the programme and what it was meant to change."),
                body(686, "It continues on a second line with more words in it."),
                body(656, "• First point for the list"),
                body(642, "• Second point for the list"),
                (290, 30, 9, f"- {number} -", "Helvetica"),
            ]
        )
    result = PdfAdapter().extract(make_pdf(tmp_path / "layout.pdf", pages))
    assert result.page_count == 4 and result.title is None
    assert len(of_type(result, Header)) == 4  # digits differ per page, still one header
    assert [el.text for el in of_type(result, PageNumber)] == ["- 1 -", "- 2 -", "- 3 -", "- 4 -"]
    assert title(result, "Chapter 1").metadata.category_depth == 0
    assert title(result, "Background").metadata.category_depth == 1
    assert [el.text for el in of_type(result, ListItem)][:2] == [
        "First point for the list",
        "Second point for the list",
    ]
    paragraph = of_type(result, NarrativeText)[0]
    assert paragraph.text.endswith("change. It continues on a second line with more words in it.")


# --- bad inputs ------------------------------------------------------------------------------


def test_blank_pages_need_ocr(tmp_path: Path) -> None:
    doc = pdfium.PdfDocument.new()
    for _ in range(3):
        doc.new_page(595, 842).close()
    doc.save(tmp_path / "scan.pdf")
    doc.close()
    with pytest.raises(NeedsOCR) as info:
        PdfAdapter().extract(tmp_path / "scan.pdf")
    assert info.value.page_count == 3
    assert "no text layer" in info.value.message and "OCR" in info.value.message


def test_page_number_only_text_still_needs_ocr(tmp_path: Path) -> None:
    pages = [[(290, 30, 9, f"Page {n} of 3", "Helvetica")] for n in range(1, 4)]
    with pytest.raises(NeedsOCR):
        PdfAdapter().extract(make_pdf(tmp_path / "stamped.pdf", pages))


def test_truncated_pdf_is_a_clear_error(tmp_path: Path) -> None:
    data = POLICY.read_bytes()
    broken = tmp_path / "half.pdf"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError) as info:
        PdfAdapter().extract(broken)
    assert "damaged or incomplete" in info.value.message


def test_password_protected_pdf_is_a_clear_error(tmp_path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(buf.getvalue())
    with pytest.raises(IngestError) as info:
        PdfAdapter().extract(locked)
    assert "password-protected" in info.value.message


@pytest.mark.parametrize("content", [b"", b"not a pdf at all", b"%PDF-1.7\n%%EOF"])
def test_garbage_raises_ingest_error_not_pdfium_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    with pytest.raises(IngestError):
        PdfAdapter().extract(path)


def test_missing_file_is_an_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError):
        PdfAdapter().extract(tmp_path / "gone.pdf")
