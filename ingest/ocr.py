"""OCR of one page image with Tesseract (Debian's `tesseract-ocr` and language packs).

The engine runs as a subprocess per page: nothing is downloaded at run time, a crash or
a hang in the engine cannot take the worker down, and memory is one page at a time.
`--psm 1` lets Tesseract detect the page's orientation (pages scanned at 90/180/270
degrees) and its own layout analysis deskews mildly tilted scans and reads columns in
order; its blocks and paragraphs become our paragraphs (a paragraph's last line that it
makes a block of its own is joined back in ingest/ocr_paras.py).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from statistics import median
from typing import TYPE_CHECKING

from ingest.errors import IngestError

if TYPE_CHECKING:
    # For annotations only: the callers bring the images, and what the database models
    # use from here (is_low_confidence, check_languages) must not load the imaging library.
    from PIL import Image

DPI = 200  # the resolution scans are rendered at: enough for 9pt text, a fifth of 600 dpi's pixels
LOW_CONFIDENCE = 80.0  # mean word confidence (0-100) below which a page is flagged for review
DEFAULT_LANGUAGES = "eng"
PAGE_TIMEOUT_S = 300  # one page; a pathological image must not block the worker forever
_NOT_LANGUAGES = frozenset({"osd", "equ"})  # orientation and equation data, not languages


def is_low_confidence(confidence: object) -> bool:
    """Is an OCR mean word confidence (0-100) low enough to flag the text for review? The
    one test of it: pages, passages, versions and citations all ask here."""
    return isinstance(confidence, int | float) and confidence < LOW_CONFIDENCE


# (page number, page count), called after each page is read: progress in the worker/CLI.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class OcrOptions:
    languages: str = DEFAULT_LANGUAGES  # Tesseract codes joined by "+", e.g. "eng+cym"
    progress: Progress | None = None


@dataclass(slots=True)
class OcrLine:
    text: str
    top: float  # pixels from the top of the image
    bottom: float
    height: float  # median word height in pixels (ascender to descender of the line)
    para: int  # running paragraph number on the page (Tesseract's block+paragraph)
    words: list[Word] = field(default_factory=list)  # boxes in the image's own frame
    left: float = 0.0  # pixels from the left of the page turned upright
    right: float = 0.0
    lead: float = 0.0  # width of the first word: whether it would have fitted on the line above
    # Read from beside a paragraph in another size (a logo, a label): never a heading
    # (ingest.ocr_beside).
    beside: bool = False


@dataclass
class OcrPage:
    width: int  # pixels, of the image as Tesseract read it
    height: int
    lines: list[OcrLine] = field(default_factory=list)
    confidence: float | None = None  # mean word confidence, 0-100; None when no words
    turn: int = 0  # degrees the image was turned (0, 90, 180, 270)

    @property
    def chars(self) -> int:
        return sum(len(line.text) for line in self.lines)


@dataclass(frozen=True)
class PageSource:
    """Where one page's text came from: its own text layer or OCR (with its confidence)."""

    page: int  # 1-based
    text_source: str  # "text_layer" or "ocr"
    confidence: float | None = None  # OCR mean word confidence 0-100; None for text layers

    @property
    def low_confidence(self) -> bool:
        return is_low_confidence(self.confidence)

    def as_dict(self) -> dict[str, object]:
        return {"page": self.page, "text_source": self.text_source, "confidence": self.confidence}


def available() -> bool:
    return shutil.which("tesseract") is not None


@cache
def installed_languages() -> frozenset[str]:
    """The language packs Tesseract can use here (e.g. {"eng", "cym", "pol", "urd"})."""
    if not available():
        return frozenset()
    out = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, check=False, timeout=30
    ).stdout
    names = {line.strip() for line in out.splitlines()[1:] if line.strip()}
    return frozenset(names - _NOT_LANGUAGES)


def check_languages(languages: str) -> str:
    """The "+"-joined codes, each installed, or an IngestError saying which are not."""
    wanted = [code.strip() for code in languages.replace(",", "+").split("+") if code.strip()]
    if not wanted:
        return DEFAULT_LANGUAGES
    missing = [code for code in wanted if code not in installed_languages()]
    if missing:
        have = ", ".join(sorted(installed_languages())) or "none"
        raise IngestError(
            f"OCR language pack not installed: {', '.join(missing)} (installed: {have})."
        )
    return "+".join(wanted)


def recognise(image: Image.Image, languages: str = DEFAULT_LANGUAGES) -> OcrPage:
    """Read one page image. Raises IngestError if the engine fails on it."""
    return parse_tsv(run(image, languages, psm=1), *image.size)


def run(image: Image.Image, languages: str, psm: int) -> str:
    """Tesseract's TSV for an image (`psm` 1: a whole page, 6: one block of lines)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    command = ["tesseract", "stdin", "stdout", "-l", languages, "--psm", str(psm)]
    command += ["--dpi", str(DPI), "tsv"]
    # One thread per page: OpenMP threads only fight each other on a busy, small machine.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            command, input=buffer.getvalue(), capture_output=True, env=env,
            timeout=PAGE_TIMEOUT_S, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise IngestError(f"OCR gave up on a page after {PAGE_TIMEOUT_S} s.") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no detail"]
        raise IngestError(f"OCR failed on a page: {detail[0]}")
    return done.stdout.decode("utf-8", "replace")


def parse_tsv(tsv: str, width: int, height: int) -> OcrPage:
    """Tesseract's TSV (one row per word, with block/paragraph/line numbers) -> lines.

    On a page scanned sideways or upside down Tesseract reads the text upright but gives
    boxes in the image's own frame; lines are turned back upright here (from their shape
    and the order they are read in), so margins, sizes and line spacing mean the same as
    on a page that was scanned straight.
    """
    words: dict[tuple[int, int, int], list[Word]] = {}
    for row in (line.split("\t") for line in tsv.splitlines()[1:]):
        if len(row) == 12 and row[0] == "5" and row[11].strip():
            left, top, width_, height_ = (int(v) for v in row[6:10])
            box = Word(left, top, width_, height_, float(row[10]), row[11].strip())
            words.setdefault((int(row[2]), int(row[3]), int(row[4])), []).append(box)
    turn = _turn(list(words.values()))
    size = (height, width) if turn in (90, 270) else (width, height)
    page = OcrPage(width=size[0], height=size[1], turn=turn)
    paras: dict[tuple[int, int], int] = {}
    for (block, par, _), boxes in words.items():
        para = paras.setdefault((block, par), len(paras))
        page.lines.append(line_of(boxes, para, turn, width, height))
    page.confidence = mean_confidence(page.lines)
    return page


def line_of(boxes: list[Word], para: int, turn: int, width: int, height: int) -> OcrLine:
    """One line from its words' boxes (`width`, `height`: the image's, as Tesseract read it)."""
    upright = [box.upright(turn, width, height) for box in boxes]
    text = " ".join(box.text for box in boxes)
    size_px = median(b[1] - b[0] for b in upright)
    first, last = min(b[0] for b in upright), max(b[1] for b in upright)
    across = [box.across(turn, width, height) for box in boxes]
    line = OcrLine(text, first, last, size_px, para, boxes)
    line.left, line.right = min(a[0] for a in across), max(a[1] for a in across)
    line.lead = across[0][1] - across[0][0]
    return line


def mean_confidence(lines: list[OcrLine]) -> float | None:
    """The mean confidence of the lines' words (Tesseract gives -1 to non-words)."""
    confidences = [word.conf for line in lines for word in line.words if word.conf >= 0]
    return round(sum(confidences) / len(confidences), 1) if confidences else None


@dataclass(frozen=True, slots=True)
class Word:
    left: int
    top: int
    width: int
    height: int
    conf: float
    text: str

    def upright(self, turn: int, width: int, height: int) -> tuple[float, float]:
        """(top, bottom) of the word on the page turned upright."""
        if turn == 90:  # lines run down the image, read from its left edge rightwards
            return self.left, self.left + self.width
        if turn == 270:
            return width - self.left - self.width, width - self.left
        if turn == 180:
            return height - self.top - self.height, height - self.top
        return self.top, self.top + self.height

    def across(self, turn: int, width: int, height: int) -> tuple[float, float]:
        """(left, right) of the word on the page turned upright."""
        if turn == 90:  # the page's left edge is at the image's bottom
            return height - self.top - self.height, height - self.top
        if turn == 270:
            return self.top, self.top + self.height
        if turn == 180:
            return width - self.left - self.width, width - self.left
        return self.left, self.left + self.width


def _turn(lines: list[list[Word]]) -> int:
    """How far the page is turned (0, 90, 180, 270), from its lines' boxes and order."""
    spans = [(min(b.left for b in ws), min(b.top for b in ws)) for ws in lines]
    along = sum(max(b.left + b.width for b in ws) - min(b.left for b in ws) for ws in lines)
    across = sum(max(b.top + b.height for b in ws) - min(b.top for b in ws) for ws in lines)
    sideways = across > along
    axis = 0 if sideways else 1
    steps = [b[axis] - a[axis] for a, b in zip(spans, spans[1:], strict=False)]
    backwards = sum(step < 0 for step in steps) > sum(step > 0 for step in steps)
    if sideways:
        return 270 if backwards else 90
    return 180 if backwards else 0


def frames(image: Image.Image) -> Iterator[Image.Image]:
    """Each page of an image file (a multi-page TIFF has several), as greyscale."""
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        yield image.convert("L")
