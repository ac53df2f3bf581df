"""Where a span's words came from: a PDF's text layer or OCR, and how sure OCR was.

A version's `page_sources` says it per page; a citation carries it for the pages its span
covers, so an exported quote says when its words are OCR's reading of a scan.
"""

from __future__ import annotations

from typing import Any, Protocol


class _Provenance(Protocol):
    text_source: str | None
    ocr_confidence: float | None


def pages_provenance(
    page_sources: list[dict[str, Any]], first: int | None, last: int | None
) -> dict[str, Any]:
    """text_source ("ocr" if OCR read any of pages first..last) and OCR's lowest page
    confidence there; nothing for a version without pages."""
    if first is None or not page_sources:
        return {}
    pages = [p for p in page_sources if first <= p["page"] <= (last or first)]
    scores = [p["confidence"] for p in pages if p.get("confidence") is not None]
    return {
        "text_source": "ocr" if any(p["text_source"] == "ocr" for p in pages) else "text_layer",
        "ocr_confidence": min(scores) if scores else None,
    }


def note(where: _Provenance) -> str | None:
    """What a reader of a quote must know about its words: OCR read them, and how sure it
    was. None for a text layer or a file's own text."""
    if where.text_source != "ocr":
        return None
    if where.ocr_confidence is None:
        return "text read by OCR"
    # Imported here, for OCR's text only: citing (as `evidence search` does) need not load
    # the OCR module otherwise.
    from ingest.ocr import is_low_confidence

    low = ", low confidence" if is_low_confidence(where.ocr_confidence) else ""
    return f"text read by OCR{low}: {where.ocr_confidence:.0f}% confidence"
