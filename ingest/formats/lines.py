"""One line of a page, from a PDF's text layer or from OCR, before it joins a paragraph."""

from __future__ import annotations

from dataclasses import dataclass

MARGIN = 0.07  # share of the page height, top and bottom, where running headers live
MARGIN_MIN_PT = 56  # footers sit a fixed distance from the edge, so landscape pages need this


@dataclass(slots=True)
class Line:
    text: str
    page: int  # 1-based
    size: float  # effective font size in points, to the half point
    bold: bool
    y: float  # baseline, up from the page bottom
    y_end: float  # baseline of the last char (pdfium may join hyphenated lines into one)
    zone: str  # "top"/"bottom" when in the page margin, else ""
    role: str = ""  # "top"/"bottom" (running header/footer), "page" (page number) or ""
    # OCR'd lines: the paragraph the OCR engine's layout analysis put the line in (its
    # paragraphs and columns are more reliable than spacing measured on a scan); -1 when
    # the line comes from a text layer.
    para: int = -1
    # OCR'd text read from beside a paragraph in a markedly different size (a logo, a
    # label: ingest.ocr_beside): body text, never a heading, so never a title either.
    aside: bool = False
