"""Office files rendered by LibreOffice: the pages a reader sees.

`soffice --headless --convert-to pdf` lays the file out as Word would (the
constitution DOCX is 48 pages in both); pdfium reads each page's text. Each
process has its own LibreOffice profile (two instances sharing one refuse to
start or corrupt it), and conversions within a process take turns. Renderings
are remembered per file content for the life of the process, so re-reading the
same bytes (tests, retries) does not start LibreOffice again.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections import OrderedDict
from contextlib import closing
from pathlib import Path

import pypdfium2 as pdfium

from ingest.formats.base import Rendering
from ingest.formats.pdf import PDFIUM_LOCK

TIMEOUT_SECONDS = float(os.environ.get("EVIDENCE_RENDER_TIMEOUT", "180"))
CACHE_SIZE = 16
NOT_INSTALLED = (
    "LibreOffice is not installed on this server (install libreoffice-writer-nogui for "
    "exact pages); page numbers are Word's own saved page breaks: approximate."
)

_lock = threading.Lock()
_cache: OrderedDict[str, list[str]] = OrderedDict()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def rendered_pages(path: Path, kind: str = "docx") -> Rendering:
    """`kind` is the file's real format: the stored name may say otherwise."""
    binary = soffice()
    if binary is None:
        return Rendering(None, NOT_INSTALLED)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with _lock:
        if digest in _cache:
            _cache.move_to_end(digest)
            return Rendering(list(_cache[digest]))
        try:
            pages = _render(binary, path, kind)
        except RenderError as exc:
            return Rendering(None, f"{exc} Page numbers are Word's saved page breaks: approximate.")
        _cache[digest] = pages
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return Rendering(list(pages))


class RenderError(Exception):
    pass


def _profile() -> Path:
    root = Path(tempfile.gettempdir()) / f"evidence-soffice-{os.getuid()}-{os.getpid()}"
    if not root.exists():
        root.mkdir(mode=0o700)
        # The profile lives as long as this process (a few MB; a first start costs seconds).
        atexit.register(shutil.rmtree, root, True)
    return root


def _render(binary: str, path: Path, kind: str) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="evidence-render-") as out:
        # A plain name: LibreOffice derives the output name from the input's.
        source = Path(out) / f"source.{kind}"
        shutil.copyfile(path, source)
        command = [
            binary,
            f"-env:UserInstallation={_profile().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            out,
            str(source),
        ]
        _run(command)
        pdf = Path(out) / "source.pdf"
        if not pdf.is_file():
            raise RenderError("LibreOffice could not render this file.")
        return _page_texts(pdf)


def _run(command: list[str]) -> None:
    # Its own process group, so a timeout kills LibreOffice's child processes too.
    with subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "HOME": str(_profile())},
    ) as process:
        try:
            process.wait(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise RenderError(
                f"LibreOffice did not finish rendering within {TIMEOUT_SECONDS:.0f} s."
            ) from exc


def _page_texts(pdf: Path) -> list[str]:
    try:
        with PDFIUM_LOCK, closing(pdfium.PdfDocument(pdf)) as doc:
            texts = []
            for index in range(len(doc)):
                with closing(doc[index]) as page, closing(page.get_textpage()) as textpage:
                    texts.append(textpage.get_text_range())
            return texts
    except pdfium.PdfiumError as exc:
        raise RenderError("LibreOffice's rendering of this file could not be read.") from exc
