"""Write small PDFs for tests: text at given places, sizes and fonts, and file metadata."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# (x, y, font size, text, one of the 14 standard PDF fonts)
Item = tuple[float, float, float, str, str]


def make_pdf(path: Path, pages: list[list[Item]], size: tuple[int, int] = (595, 842)) -> Path:
    """Write a PDF; each page is a list of (x, y, font_size, text, standard_font_name)."""
    doc = pdfium.PdfDocument.new()
    for items in pages:
        page = doc.new_page(*size)
        for x, y, font_size, text, font_name in items:
            font = pdfium_c.FPDFText_LoadStandardFont(doc.raw, font_name.encode())
            obj = pdfium_c.FPDFPageObj_CreateTextObj(doc.raw, font, font_size)
            buf = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
            pdfium_c.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
            pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
            pdfium_c.FPDFPage_InsertObject(page.raw, obj)
        page.gen_content()
        page.close()
    doc.save(path)
    doc.close()
    return path


def with_title(path: Path, title: str) -> Path:
    """Set the PDF's document-information Title (as Word does from a first paragraph)."""
    writer = pypdf.PdfWriter(clone_from=path)
    writer.add_metadata({"/Title": title})
    with path.open("wb") as out:
        writer.write(out)
    return path


def body(y: float, text: str, x: float = 72) -> Item:
    return (x, y, 11, text, "Helvetica")


def heading(y: float, text: str, size: float = 16) -> Item:
    return (72, y, size, text, "Helvetica-Bold")


def paragraph(y: float, sentences: int, topic: str) -> list[Item]:
    """Lines of body text, 14 pt apart, from y downwards."""
    line = f"The {topic} service explains what the team does and why it matters here."
    return [body(y - 14 * i, line) for i in range(sentences)]
