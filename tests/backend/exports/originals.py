"""Checking a quote where its citation says it is, in the ORIGINAL file a reader
opens: for a PDF the text of the cited pages extracted from the file; for a DOCX
the cited pages of LibreOffice's rendering of it; for a text transcript the
cited lines of the file. The citation is read as a reader reads it (its text),
not from the database.

"Verbatim" ignores what layout changes and a reader's eye skips: whitespace
and line breaks, and list bullets (ingest keeps list items, not their glyphs).
A quote over a page break may have the running header or footer between its
two parts: it must then start on the first cited page and end on the last.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from docx import Document

_PAGES = re.compile(r"\bpp?\. ~?(\d+)(?:\u2013(\d+))?")
_LINES = re.compile(r"\b(?:ll?\.|paras?\.?) (\d+)(?:\u2013(\d+))?")
_LAYOUT = re.compile(r"[\s\u2022\u25e6\u25aa\u25cf\u25a0\uf0b7\uf0a7\u27a2\u2023]+")


@dataclass(frozen=True)
class Cited:
    title: str
    pages: tuple[int, int] | None
    lines: tuple[int, int] | None


def parse(citation: str, titles: list[str]) -> Cited:
    """What a reader takes from a citation: which document (its title starts the
    citation; the longest matching title wins) and which pages or lines."""
    title = max((t for t in titles if citation.startswith(t)), key=len)
    rest = citation[len(title) :]
    pages, lines = _PAGES.search(rest), _LINES.search(rest)
    return Cited(title, _range(pages), _range(lines))


def _range(found: re.Match[str] | None) -> tuple[int, int] | None:
    if found is None:
        return None
    first = int(found.group(1))
    return first, int(found.group(2) or first)


def squash(text: str) -> str:
    return _LAYOUT.sub("", text)


def pdf_pages(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def docx_pages(docx: bytes) -> list[str]:
    """The pages of LibreOffice's rendering (what `soffice --convert-to pdf` makes)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed to check DOCX pages (scripts/setup.sh installs it)"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "original.docx"
        source.write_bytes(docx)
        profile = f"-env:UserInstallation=file://{folder}/profile"
        subprocess.run(
            [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", folder, source],
            check=True,
            capture_output=True,
            timeout=300,
        )
        return pdf_pages((Path(folder) / "original.pdf").read_bytes())


def on_pages(quote: str, pages: list[str], first: int, last: int) -> bool:
    wanted = squash(quote)
    cited = [squash(p) for p in pages[first - 1 : last]]
    if wanted in "".join(cited):
        return True
    if first == last:
        return False
    # Over a page break: ends the first page (but for a footer), and goes on in the
    # last (after its header).
    return any(
        _ends(cited[0], wanted[:k]) and wanted[k:] in cited[-1] for k in range(1, len(wanted))
    )


def _ends(page: str, part: str, footer: int = 200) -> bool:
    at = page.rfind(part)
    return at != -1 and len(page) - (at + len(part)) <= footer


def on_lines(quote: str, text: str, first: int, last: int) -> bool:
    lines = text.splitlines()[first - 1 : last]
    return squash(quote) in squash("\n".join(lines))


def found_at(quote: str, cited: Cited, original: bytes, filename: str, pages: list[str]) -> bool:
    """Is `quote` in the original file at the cited pages or lines? (`pages`: a cache
    of the file's page texts, filled on first use: rendering a DOCX takes seconds.)"""
    suffix = Path(filename).suffix.lower()
    if cited.pages is not None:
        if not pages:
            pages.extend(pdf_pages(original) if suffix == ".pdf" else docx_pages(original))
        return on_pages(quote, pages, *cited.pages)
    text = original.decode("utf-8-sig")
    if cited.lines is None:  # a text file with no pages, turns or lines: the file is the place
        assert suffix in (".txt", ".md"), f"no page and no line to check in {filename}"
        return squash(quote) in squash(text)
    return on_lines(quote, text, *cited.lines)


def report_quotes(docx: bytes) -> list[tuple[str, str]]:
    """(quote, citation) for every quote of a DOCX report: a quote paragraph is
    “…” in the Intense Quote style; the next paragraph is '[part] citation (coded by …)'."""
    paragraphs = Document(io.BytesIO(docx)).paragraphs
    found = []
    for quote, cite in zip(paragraphs, paragraphs[1:], strict=False):
        if quote.style.name == "Intense Quote":
            assert quote.text[0] == "\u201c" and quote.text[-1] == "\u201d"
            citation = re.sub(r"^\[\w+\] ", "", cite.text).rsplit(" (coded by ", 1)[0]
            found.append((quote.text[1:-1], citation))
    return found


async def assert_found_in_originals(api: Any, cited: list[tuple[str, str]]) -> None:
    """Each quote at its cited location in the original file, fetched as a reader
    would (GET …/documents/{id}/original)."""
    documents = (await api.get(f"{api.base}/documents", params={"range": "[0,999]"})).json()
    by_title = {d["title"]: d for d in documents}
    originals: dict[int, bytes] = {}
    pages: dict[int, list[str]] = {}
    for quote, citation in cited:
        where = parse(citation, list(by_title))
        document = by_title[where.title]
        if document["id"] not in originals:
            r = await api.get(f"{api.base}/documents/{document['id']}/original")
            assert r.status_code == 200, r.text
            originals[document["id"]] = r.content
        assert found_at(
            quote,
            where,
            originals[document["id"]],
            document["original_filename"],
            pages.setdefault(document["id"], []),
        ), f"{quote!r} is not at {citation!r}"
