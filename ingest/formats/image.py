"""Image files (PNG, JPEG, TIFF including multi-page TIFF): every frame is a page, read by OCR.

Pillow decodes one frame at a time, so a long multi-page TIFF is read a page at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from PIL import Image, UnidentifiedImageError

from ingest import ocr
from ingest.errors import IngestError, NeedsOCR
from ingest.formats import pdf, scan
from ingest.formats.base import Extracted, FileProbe
from ingest.formats.lines import Line
from ingest.ocr import OcrOptions, PageSource

_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
MAX_PIXELS = 200_000_000  # a page at 600 dpi is ~35M; beyond this it is a decompression bomb


class ImageAdapter:
    name: ClassVar[str] = "image"
    extensions: ClassVar[tuple[str, ...]] = ("png", "jpg", "jpeg", "tif", "tiff")

    def score(self, probe: FileProbe) -> int:
        return 100 if probe.head.startswith(_MAGIC) else 0

    def extract(self, path: Path, ocr_options: OcrOptions | None = None) -> Extracted:
        options = ocr_options or OcrOptions()
        if not ocr.available():
            raise IngestError(
                "This is an image; reading it needs the OCR engine, which is not installed "
                "here (scripts/setup.sh installs tesseract-ocr)."
            )
        lines: list[Line] = []
        sources: list[PageSource] = []
        with _open(path) as image:
            count = getattr(image, "n_frames", 1)
            dpi = scan.image_dpi(image)
            try:
                for number, frame in enumerate(ocr.frames(image), start=1):
                    page_lines, source = scan.ocr_lines(frame, number, options.languages, dpi)
                    lines += page_lines
                    sources.append(source)
                    if options.progress is not None:
                        options.progress(number, count)
            except (OSError, EOFError) as exc:  # a later frame of a TIFF cut short
                raise IngestError(f"Page {len(sources) + 1} of the image cannot be read.") from exc
        if sum(len(line.text) for line in lines) < scan.MIN_CHARS:
            raise NeedsOCR("OCR found no readable text in the image (blank, or too faint).", count)
        return Extracted(
            elements=pdf.elements_of(lines, count),
            page_count=count,
            pagination="rendered",
            page_sources=sources,
        )


def _open(path: Path) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(path)
        image.load()  # decodes the first frame: a truncated file fails here, clearly
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise IngestError(f"The image is damaged or incomplete and cannot be read: {exc}") from exc
    return image
