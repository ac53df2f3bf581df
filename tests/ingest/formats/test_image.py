"""Image files read by OCR: PNG, JPEG and multi-page TIFF made from the real corpus."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from ingest.errors import IngestError
from ingest.formats.base import FileProbe
from ingest.formats.image import ImageAdapter
from ingest.formats.registry import pick
from ingest.ocr import OcrOptions
from ingest.pipeline import ParseOptions, parse_file
from tests.conftest import POLICY_PDF
from tests.ingest.scans import DPI, char_accuracy, flex_accuracy


def top_of_page(number: int) -> tuple[Image.Image, str]:
    """The top third of a corpus page as a 200 dpi greyscale scan, and its text layer."""
    with pdfium.PdfDocument(POLICY_PDF) as doc:
        page = doc[number - 1]
        width, height = page.get_size()
        image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
        textpage = page.get_textpage()
        # The body below the running header, down to a third of the page.
        text = textpage.get_text_bounded(0, height * 2 / 3, width, height - 60)
    crop = image.crop((0, 60 * DPI // 72, image.width, image.height // 3))
    return crop, text


def test_png_is_read_as_one_page(tmp_path: Path) -> None:
    image, text = top_of_page(4)
    image.save(tmp_path / "page.png", dpi=(DPI, DPI))
    parsed = parse_file(tmp_path / "page.png", "page.png", ParseOptions())
    assert parsed.format == "image" and parsed.page_count == 1
    assert parsed.pagination == "rendered"
    assert [(s.page, s.text_source) for s in parsed.page_sources] == [(1, "ocr")]
    assert char_accuracy(text, parsed.text) >= 0.95
    assert flex_accuracy(text, parsed.text) >= 0.95


def test_multi_page_tiff_keeps_its_pages(tmp_path: Path) -> None:
    (first, text1), (second, text2) = top_of_page(4), top_of_page(13)
    first.save(tmp_path / "pages.tiff", save_all=True, append_images=[second], dpi=(DPI, DPI))
    seen: list[tuple[int, int]] = []
    result = ImageAdapter().extract(tmp_path / "pages.tiff", _progress(seen))
    assert result.page_count == 2 and seen == [(1, 2), (2, 2)]
    by_page = {1: "", 2: ""}
    for element in result.elements:
        by_page[element.metadata.page_number] += "\n" + element.text
    assert char_accuracy(text1, by_page[1]) >= 0.95 and char_accuracy(text2, by_page[2]) >= 0.95
    assert flex_accuracy(text1, by_page[1]) >= 0.95 and flex_accuracy(text2, by_page[2]) >= 0.95


def test_jpeg_is_recognised_by_its_bytes(tmp_path: Path) -> None:
    image, _ = top_of_page(8)
    image.save(tmp_path / "scan.bin", "JPEG", quality=85)
    probe = FileProbe.of(tmp_path / "scan.bin", "scan from phone")
    assert isinstance(pick(probe), ImageAdapter)


def test_damaged_image_is_a_clear_error(tmp_path: Path) -> None:
    image, _ = top_of_page(4)
    image.save(tmp_path / "page.png")
    (tmp_path / "cut.png").write_bytes((tmp_path / "page.png").read_bytes()[:2000])
    with pytest.raises(IngestError, match="damaged or incomplete"):
        ImageAdapter().extract(tmp_path / "cut.png")


def _progress(seen: list[tuple[int, int]]) -> OcrOptions:
    return OcrOptions(progress=lambda page, pages: seen.append((page, pages)))
