"""Scanned copies of real PDFs, made at test time, and how close OCR comes to the original.

Used by the OCR tests and benchmarks/ocr.py: pages rendered with pypdfium2 to greyscale
images at 200 dpi (some turned 90 degrees, some slightly skewed, as a scanner leaves them),
written as an image-only PDF with no text layer.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
from PIL import Image
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from tests.ingest.flex_accuracy import flexible_accuracy

if TYPE_CHECKING:  # kept light: benchmarks/ocr_engines.py runs it outside the project's venv
    from ingest.pipeline import ParsedDocument

DPI = 200
_KEEP = re.compile(r"[^a-z0-9.,;:()'/%&£-]+")
_LEADER = re.compile(r"(?:\.\s?){3,}|…+")
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
WINDOW = 12  # words per piece of reference text aligned on its own (reading order may differ)


def make_scan(
    source: Path,
    out: Path,
    pages: list[int],
    rotate: dict[int, int] | None = None,
    skew: dict[int, float] | None = None,
    blur: dict[int, int] | None = None,
) -> Path:
    """An image-only PDF of the given 1-based pages of `source`; `blur` pages are shrunk by
    that factor and blown up again, as a poor fax or photocopy (6: OCR reads under 50%)."""
    rotate, skew, blur = rotate or {}, skew or {}, blur or {}
    images = []
    doc = pdfium.PdfDocument(source)
    try:
        for number in pages:
            page = doc[number - 1]
            image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            page.close()
            if number in blur:
                small = image.resize((image.width // blur[number], image.height // blur[number]))
                image = small.resize(image.size, Image.BILINEAR)
            if number in rotate:
                image = image.rotate(rotate[number], expand=True)
            if number in skew:
                image = image.rotate(
                    skew[number], expand=True, fillcolor=255, resample=Image.BICUBIC
                )
            images.append(image)
    finally:
        doc.close()
    images[0].save(out, "PDF", resolution=DPI, save_all=True, append_images=images[1:])
    return out


def page_texts(parsed: ParsedDocument) -> list[str]:
    """The stored text of each page, from the page map."""
    bounds = [*parsed.page_offsets, len(parsed.text)]
    return [parsed.text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def normalise(text: str) -> str:
    """Case, whitespace, typographic quotes and dashes folded; symbols other than common
    punctuation dropped; leader dots (a contents page's "Overview ...... 5") are layout,
    not text, and become one space."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD).lower()
    text = _LEADER.sub(" ", text)
    return " ".join(_KEEP.sub(" ", text).split())


def normalise_lines(text: str) -> list[str]:
    """Each line (for a page's stored text: each block) normalised on its own, blank ones
    dropped: the line breaks are what lets a block read in another order be found whole."""
    return [line for line in map(normalise, text.splitlines()) if line]


def char_accuracy(reference: str, ocr_text: str) -> float:
    """1 - character errors / reference characters, after normalising case, whitespace and
    symbols. Each run of WINDOW reference words is aligned with its best match anywhere in
    the OCR text, so a block read in another order is not counted as wrong; extra OCR text
    counts as errors."""
    ref, hyp = normalise(reference), normalise(ocr_text)
    if not ref:
        return 1.0 if not hyp else 0.0
    words = ref.split()
    errors = 0
    for i in range(0, len(words), WINDOW):
        piece = " ".join(words[i : i + WINDOW])
        match = fuzz.partial_ratio_alignment(piece, hyp)
        found = hyp[match.dest_start : match.dest_end] if match else ""
        errors += Levenshtein.distance(piece, found)
    errors += max(0, len(hyp) - len(ref))
    return max(0.0, 1 - errors / len(ref))


def flex_accuracy(reference: str, ocr_text: str) -> float:
    """The flexible character accuracy (tests/ingest/flex_accuracy.py) of the two texts' lines,
    each normalised as `normalise` does: the published reading-order-independent measure, beside
    `char_accuracy`'s own 12-word runs."""
    return flexible_accuracy(normalise_lines(reference), normalise_lines(ocr_text))


def sample_phrases(page_text: str, length: int = 5) -> list[str]:
    """Phrases of `length` words from a page's normalised text, near its start, middle and
    end (as the parse-level phrase test picks them): what a reader might search for."""
    words = normalise(page_text).split()
    if len(words) < length:
        return []
    starts = sorted(
        {min(max(s, 0), len(words) - length) for s in (10, len(words) // 2, len(words) - 20)}
    )
    return [" ".join(words[s : s + length]) for s in starts]


def phrase_pages(phrase: str, text: str, start: int, page_offsets: list[int]) -> list[int]:
    """The pages where a phrase's words occur in a passage's `text` (which starts at `start`
    in a document whose page n starts at page_offsets[n - 1]): a passage may run over a
    page break, the phrase's own page is where its first word is."""
    words = re.findall(r"\w+", phrase)
    pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b", re.IGNORECASE)
    return sorted({bisect_right(page_offsets, start + m.start()) for m in pattern.finditer(text)})
