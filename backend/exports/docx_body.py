"""Writing a DOCX body fast and safely: paragraphs appended in linear time, every
text made XML-safe (cells.xml_safe: the report counts what it replaced), and
bookmarks with internal links for cross-references.

python-docx inserts each new paragraph before the section properties by
scanning every paragraph so far, and resolves a style name by scanning every
style: quadratic, 25 s for a 10,000-quote report. Here the section properties
are set aside while writing and put back last, and styles are set by id.
(Uses python-docx's element classes; the version is pinned.)
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from backend.exports.cells import xml_safe

LINK_COLOUR = RGBColor(0x1F, 0x4E, 0x99)


class Body:
    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        self.body = doc.element.body
        self.width = doc._block_width  # read while the section properties are there
        self.sect = self.body.sectPr
        if self.sect is not None:
            self.body.remove(self.sect)
        self.replaced = 0  # characters XML cannot hold, shown as U+FFFD
        self._bookmarks = 0

    def text(self, value: str) -> str:
        safe, n = xml_safe(value)
        self.replaced += n
        return safe

    def paragraph(self, text: str = "", style_id: str | None = None) -> Paragraph:
        element = OxmlElement("w:p")
        self.body.append(element)
        para = Paragraph(element, self.doc._body)
        if style_id:
            element.style = style_id
        if text:
            para.add_run(self.text(text))
        return para

    def run(self, para: Paragraph, text: str, *, bold: bool = False, italic: bool = False) -> Run:
        run = para.add_run(self.text(text))
        run.bold = bold or None
        run.italic = italic or None
        return run

    def heading(self, text: str, level: int) -> Paragraph:
        return self.paragraph(text, "Title" if level == 0 else f"Heading{level}")

    def labelled(self, label: str, text: str) -> Paragraph:
        para = self.paragraph()
        self.run(para, f"{label}: ", bold=True)
        self.run(para, text)
        return para

    def bookmark(self, para: Paragraph, name: str) -> None:
        """Marks the whole paragraph as the target `name` of internal links."""
        self._bookmarks += 1
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(self._bookmarks))
        start.set(qn("w:name"), name)
        end.set(qn("w:id"), str(self._bookmarks))
        para._p.insert(0 if para._p.pPr is None else 1, start)
        para._p.append(end)

    def link(self, para: Paragraph, text: str, anchor: str) -> None:
        """An internal link to bookmark `anchor` (Word: Ctrl+click)."""
        run = self.run(para, text)
        run.font.underline = True
        run.font.color.rgb = LINK_COLOUR
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), anchor)
        run._r.addprevious(link)
        link.append(run._r)

    def table(self, header: list[str], rows: list[list[str]]) -> Table:
        table = self.doc._body.add_table(1, len(header), self.width)
        table.style = self.doc.styles["Table Grid"]
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.paragraphs[0].add_run(self.text(text)).bold = True
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.paragraphs[0].add_run(self.text(text))
        return table

    def close(self) -> None:
        if self.sect is not None:
            self.body.append(self.sect)
