"""Tesseract against RapidOCR on the same scanned pages: the measurement behind the choice.

    python benchmarks/ocr_engines.py [--pages 1,4,8,13,21]

Each page of the shared commissioning policy is rendered to a greyscale 200 dpi image
(page 8 turned 90 degrees, page 13 skewed 1.5 degrees) and read by each engine found;
the text is compared with the page's own text layer (tests/ingest/scans.py's measure).
RapidOCR is not a dependency: to include it, run this with a scratch environment that has
it (`python -m venv /tmp/rv && /tmp/rv/bin/pip install rapidocr-onnxruntime pypdfium2
rapidfuzz`, then `PYTHONPATH=. /tmp/rv/bin/python benchmarks/ocr_engines.py`).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from tests.ingest.scans import DPI, char_accuracy

ROOT = Path(__file__).resolve().parents[1]
POLICY = (
    ROOT.parent / "shared" / "corpus" / "Commissioning-policy-individual-funding-requests-v3.pdf"
)


def tesseract(path: Path) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = ["tesseract", str(path), "stdout", "--psm", "1", "--dpi", str(DPI)]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout


def rapidocr() -> Callable[[Path], str] | None:
    try:
        from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-not-found]
    except ImportError:
        return None
    engine = RapidOCR()

    def read(path: Path) -> str:
        result, _ = engine(str(path))
        return "\n".join(item[1] for item in result or [])

    return read


def _cpu() -> float:
    """CPU seconds of this process and its finished children (Tesseract runs as one)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="1,4,8,13,21")
    parser.add_argument("--out", type=Path, default=Path("/tmp/ewb-ocr-engines"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = [int(p) for p in args.pages.split(",")]
    engines: dict[str, Callable[[Path], str]] = {"tesseract": tesseract}
    if (rapid := rapidocr()) is not None:
        engines["rapidocr"] = rapid
    with pdfium.PdfDocument(POLICY) as doc:
        for number in pages:
            page = doc[number - 1]
            reference = page.get_textpage().get_text_range()
            image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            if number == 8:
                image = image.rotate(90, expand=True)
            if number == 13:
                image = image.rotate(1.5, expand=True, fillcolor=255, resample=Image.BICUBIC)
            path = args.out / f"page{number}.png"
            image.save(path)
            for name, read in engines.items():
                started = _cpu(), time.perf_counter()
                text = read(path)
                cpu = _cpu() - started[0]
                wall = time.perf_counter() - started[1]
                accuracy = char_accuracy(reference, text)
                print(
                    f"{name:10s} page {number:3d} accuracy {accuracy:.4f} wall {wall:5.1f} s"
                    f" in-process cpu {cpu:5.1f} s"
                )
    print("load average:", os.getloadavg())


if __name__ == "__main__":
    main()
