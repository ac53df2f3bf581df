"""Scanned pages: which PDF pages need OCR, rendering them, and OCR output as lines.

A page is OCR'd when its text layer is missing (fewer than MIN_CHARS characters of body
text) or when a full-page image carries it with only a stamp of text on top (a scanned
page with a digital header). Lines from OCR take the same path through paragraph and
heading detection as lines from a text layer, so passages, pages and headings are the
same for both.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from ingest import ocr, ocr_beside, ocr_leaders, ocr_paras
from ingest.formats.lines import MARGIN, MARGIN_MIN_PT, Line

MIN_CHARS = 20  # body characters below which a page has no usable text layer
STAMP_CHARS = 100  # a few words over a page-sized image: a scan with a digital stamp
IMAGE_COVER = 0.8  # share of the page an image must cover to count as a scanned page
TEXT_LAYER, OCR = "text_layer", "ocr"


def needs_ocr(page: pdfium.PdfPage, lines: list[Line]) -> bool:
    chars = sum(len(line.text) for line in lines if not line.zone)
    if chars < MIN_CHARS:
        return True
    return chars < STAMP_CHARS and _image_cover(page) >= IMAGE_COVER


def _image_cover(page: pdfium.PdfPage) -> float:
    """The largest share of the page one image object covers."""
    width, height = page.get_size()
    area = max(width * height, 1.0)
    best = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_pos()
        best = max(best, (right - left) * (top - bottom) / area)
    return best


def render(page: pdfium.PdfPage) -> Image.Image:
    """The page as a greyscale image at the OCR resolution (call under the pdfium lock)."""
    bitmap = page.render(scale=ocr.DPI / 72, grayscale=True)
    return bitmap.to_pil().copy()  # a copy owns its pixels: the bitmap can be freed


def ocr_lines(
    image: Image.Image, page: int, languages: str, dpi: float = ocr.DPI
) -> tuple[list[Line], ocr.PageSource]:
    """OCR one page image into lines on a page of points, like a text layer's."""
    result = ocr_beside.split_beside(ocr.recognise(image, languages))
    result = ocr_leaders.tidy(result, image, languages)
    result = ocr_paras.join_continuations(result)
    scale = 72 / dpi
    height_pt = result.height * scale
    margin = max(height_pt * MARGIN, MARGIN_MIN_PT)
    para_size: dict[int, list[float]] = {}
    for line in result.lines:
        para_size.setdefault(line.para, []).append(line.height)
    lines = []
    for line in result.lines:
        heights = sorted(para_size[line.para])
        # One size per paragraph, to the point: single-pixel jitter must not split it.
        size = float(round(heights[len(heights) // 2] * scale))
        y = height_pt - line.bottom * scale
        zone = "bottom" if y < margin else "top" if y > height_pt - margin else ""
        lines.append(
            Line(line.text, page, size, False, y, y, zone, para=line.para, aside=line.beside)
        )
    return lines, ocr.PageSource(page, OCR, result.confidence)


def image_dpi(image: Image.Image) -> float:
    """The resolution an image file declares, or the OCR default when it declares none."""
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if 50 <= value <= 2400 else float(ocr.DPI)
