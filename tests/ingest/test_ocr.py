"""The OCR engine wrapper: Tesseract's TSV turned into upright lines, languages checked."""

from __future__ import annotations

import pytest

from ingest import ocr
from ingest.errors import IngestError

HEADER = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
)


def tsv(*words: tuple[int, int, int, int, int, int, int, float, str]) -> str:
    """(block, par, line, left, top, width, height, conf, text) per word."""
    rows = [HEADER]
    for block, par, line, left, top, width, height, conf, text in words:
        rows.append(
            f"5\t1\t{block}\t{par}\t{line}\t1\t{left}\t{top}\t{width}\t{height}\t{conf}\t{text}"
        )
    return "\n".join(rows)


def test_straight_page_keeps_its_lines_paragraphs_and_confidence() -> None:
    page = ocr.parse_tsv(
        tsv(
            (1, 1, 1, 100, 100, 200, 30, 90, "Hello"),
            (1, 1, 1, 320, 100, 200, 30, 80, "world"),
            (1, 2, 1, 100, 200, 200, 30, 70, "Next"),
        ),
        1000,
        1400,
    )
    assert [(line.text, line.top, line.para) for line in page.lines] == [
        ("Hello world", 100, 0),
        ("Next", 200, 1),
    ]
    assert [(line.left, line.right, line.lead) for line in page.lines] == [
        (100, 520, 200),  # "Hello world" from Hello's left to world's right; Hello's width
        (100, 300, 200),
    ]
    assert page.confidence == 80.0 and (page.width, page.height) == (1000, 1400)


def test_sideways_page_is_turned_upright() -> None:
    # Turned 90 degrees counter-clockwise: lines run down the image, the first at the left.
    lines = [(1, 1, n, 100 + 50 * n, 300, 30, 400, 95, f"line{n}") for n in range(1, 4)]
    page = ocr.parse_tsv(tsv(*lines), 1400, 1000)
    assert (page.width, page.height) == (1000, 1400)
    assert [line.top for line in page.lines] == [150, 200, 250]
    # The page's left edge is at the image's bottom: a line runs up from 1000 - 300 - 400.
    assert (page.lines[0].left, page.lines[0].right, page.lines[0].lead) == (300, 700, 400)
    turned_back = [(1, 1, n, 1200 - 50 * n, 300, 30, 400, 95, f"l{n}") for n in range(1, 4)]
    page = ocr.parse_tsv(tsv(*turned_back), 1400, 1000)
    assert [line.top for line in page.lines] == [220, 270, 320]  # 1400 - left - width


def test_upside_down_page_is_turned_upright() -> None:
    lines = [(1, 1, n, 100, 1000 - 50 * n, 400, 30, 95, f"line{n}") for n in range(1, 4)]
    page = ocr.parse_tsv(tsv(*lines), 1000, 1400)
    assert [line.top for line in page.lines] == [420, 470, 520]  # 1400 - top - height


def test_empty_page_has_no_confidence() -> None:
    page = ocr.parse_tsv(HEADER, 100, 100)
    assert page.lines == [] and page.confidence is None


def test_installed_languages_are_checked() -> None:
    assert "eng" in ocr.installed_languages() and "osd" not in ocr.installed_languages()
    assert ocr.check_languages(" eng ") == "eng"
    assert ocr.check_languages("") == "eng"
    with pytest.raises(IngestError, match="not installed: xx"):
        ocr.check_languages("eng+xx")


def test_low_confidence_threshold() -> None:
    assert ocr.PageSource(1, "ocr", ocr.LOW_CONFIDENCE - 1).low_confidence
    assert not ocr.PageSource(1, "ocr", ocr.LOW_CONFIDENCE).low_confidence
    assert not ocr.PageSource(1, "text_layer").low_confidence
