"""OCR for real: scanned copies of the shared commissioning policy, made at test time,
read back page by page and compared with the original's own text layer."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ingest.formats.pdf import PdfAdapter
from ingest.pipeline import ParsedDocument, ParseOptions, parse_file
from tests.conftest import POLICY_PDF
from tests.ingest.scans import char_accuracy, flex_accuracy, make_scan, normalise, page_texts

PAGES = [4, 8, 13]  # body pages: one scanned straight, one turned 90 degrees, one skewed


@cache
def original() -> ParsedDocument:
    return parse_file(POLICY_PDF, POLICY_PDF.name, ParseOptions())


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> ParsedDocument:
    path = make_scan(
        POLICY_PDF, tmp_path_factory.mktemp("scan") / "scan.pdf", PAGES, {8: 90}, {13: 1.5}
    )
    pages: list[tuple[int, int]] = []
    parsed = parse_file(path, "scan.pdf", ParseOptions(progress=lambda *p: pages.append(p)))
    assert pages == [(1, 3), (2, 3), (3, 3)]  # progress after every page
    return parsed


def test_each_scanned_page_reads_like_the_original(scanned: ParsedDocument) -> None:
    assert scanned.status == "ready" and scanned.page_count == len(PAGES)
    ours = page_texts(scanned)
    for index, number in enumerate(PAGES):
        accuracy = char_accuracy(page_texts(original())[number - 1], ours[index])
        assert accuracy >= 0.97, (number, accuracy, ours[index][:300])
        flexible = flex_accuracy(page_texts(original())[number - 1], ours[index])
        assert flexible >= 0.97, (number, flexible, ours[index][:300])


def test_every_page_says_it_was_read_by_ocr_and_how_sure(scanned: ParsedDocument) -> None:
    sources = scanned.page_sources
    assert [(s.page, s.text_source) for s in sources] == [(1, "ocr"), (2, "ocr"), (3, "ocr")]
    assert all(s.confidence is not None and 85 <= s.confidence <= 100 for s in sources)
    assert not any(s.low_confidence for s in sources) and not scanned.warnings
    assert {p.text_source for p in scanned.passages} == {"ocr"}
    assert all(p.ocr_confidence is not None for p in scanned.passages)


def test_phrases_are_found_on_the_same_page_as_in_the_original(scanned: ParsedDocument) -> None:
    ours = [normalise(text) for text in page_texts(scanned)]
    for index, number in enumerate(PAGES):
        words = normalise(page_texts(original())[number - 1]).split()
        for start in (10, len(words) // 2, len(words) - 20):
            phrase = " ".join(words[start : start + 5])
            found = [i for i, text in enumerate(ours) if phrase in text]
            assert found == [index], (number, phrase)


def test_only_pages_without_a_text_layer_are_ocrd(tmp_path: Path) -> None:
    scan = make_scan(POLICY_PDF, tmp_path / "one.pdf", [13])
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(POLICY_PDF), [3])
    mixed.import_pages(pdfium.PdfDocument(scan), [0])
    mixed.import_pages(pdfium.PdfDocument(POLICY_PDF), [4])
    mixed.save(tmp_path / "mixed.pdf")
    result = PdfAdapter().extract(tmp_path / "mixed.pdf")
    assert [s.text_source for s in result.page_sources] == ["text_layer", "ocr", "text_layer"]
    assert result.page_sources[0].confidence is None and result.page_sources[1].confidence
    scanned_page = "\n".join(e.text for e in result.elements if e.metadata.page_number == 2)
    reference = page_texts(original())[12]
    assert char_accuracy(reference, scanned_page) >= 0.97
    assert flex_accuracy(reference, scanned_page) >= 0.97


def test_a_scanned_contents_page_reads_like_the_original(tmp_path: Path) -> None:
    scan = make_scan(POLICY_PDF, tmp_path / "contents.pdf", [2])
    parsed = parse_file(scan, "contents.pdf", ParseOptions())
    original = page_texts(parse_file(POLICY_PDF, "policy.pdf", ParseOptions()))[1]
    assert char_accuracy(original, parsed.text) >= 0.9
    assert flex_accuracy(original, parsed.text) >= 0.97
    entries = re.findall(r"[A-Z][^.]+? \.{3,} \d{1,2}\b", parsed.text)
    assert len(entries) == len(re.findall(r"\.{3,}", original))  # every entry, leader as dots
    assert not parsed.page_sources[0].low_confidence  # the leader is layout, not words


def test_the_cover_read_in_another_order_meets_the_page_target(tmp_path: Path) -> None:
    # OCR reads the cover top to bottom (classification first) where the text layer puts
    # the title first, and adds the "NHS England" logo's words: only the logo's letters are
    # errors for a measure that does not depend on the blocks' order.
    scan = make_scan(POLICY_PDF, tmp_path / "cover.pdf", [1])
    parsed = parse_file(scan, "cover.pdf", ParseOptions())
    assert flex_accuracy(page_texts(original())[0], parsed.text) >= 0.90
    # The logo at the right margin is read as a block of its own after the two labels
    # beside it (Tesseract had read it into them), and is not taken for a heading.
    assert "Classification: Official\n\nPublication reference: PR2086\n\nNHS England" in parsed.text
    assert parsed.title == "Commissioning policy: individual funding requests"
    assert [p.heading_path for p in parsed.passages] == [[], [parsed.title]]
