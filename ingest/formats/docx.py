"""DOCX read from its XML: structure as Word defines it, pages from a real rendering.

Structure (headings by outline level, automatic numbering as the reader sees it,
lists, tables) comes from the DOCX itself. Page numbers come from LibreOffice's
rendering when it is installed (`ingest/formats/render.py`, aligned in the
pipeline); without it, from Word's own saved layout markers
(`w:lastRenderedPageBreak`, page breaks, section breaks), marked approximate.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from unstructured.documents import elements as el

from ingest.errors import IngestError
from ingest.formats import render
from ingest.formats.base import Extracted
from ingest.formats.docx_numbering import Numbering, w, wval
from ingest.formats.office import OfficeAdapter

MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIPPED = {w("del"), w("txbxContent"), MC_FALLBACK, w("instrText"), w("delText"), w("rPr")}
_HEADING_NAME = re.compile(r"^heading ([1-9])$", re.I)
_SECTION_NEW_PAGE = {None, "nextPage", "oddPage", "evenPage"}  # nextPage is the default


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    outline: int | None
    num_id: str | None
    ilvl: int | None


@dataclass
class _Reader:
    styles: dict[str, _Style]
    numbering: Numbering
    default_style: str | None
    elements: list[el.Element] = field(default_factory=list)
    page: int = 1
    text_since_break: bool = False
    breaks_seen: bool = False

    def page_break(self) -> None:
        # Word writes both an explicit break and a rendered-break marker for one new page.
        self.breaks_seen = True
        if self.text_since_break:
            self.page += 1
            self.text_since_break = False

    def body(self, parent: etree._Element) -> None:
        for child in parent:
            if child.tag == w("p"):
                self.paragraph(child)
            elif child.tag == w("tbl"):
                self.table(child)
            elif child.tag == w("sdt"):  # content controls (tables of contents...)
                content = child.find(w("sdtContent"))
                if content is not None:
                    self.body(content)

    def paragraph(self, p: etree._Element) -> None:
        text, page = self.paragraph_text(p)
        ppr = p.find(w("pPr"))
        style_id = wval(ppr, "pStyle") or self.default_style
        outline = self._outline(ppr, style_id)
        label = self._label(ppr, style_id)
        text = " ".join(text.split())
        if label and label[0] and text:
            text = f"{label[0]} {text}"
        if text:
            self.elements.append(_element(text, page, outline, style_id, label, self.styles))
        for box in _text_boxes(p):
            self.body(box)
        sect = ppr.find(w("sectPr")) if ppr is not None else None
        if sect is not None and wval(sect, "type") in _SECTION_NEW_PAGE:
            self.page_break()

    def paragraph_text(self, p: etree._Element) -> tuple[str, int]:
        ppr = p.find(w("pPr"))
        before = ppr.find(w("pageBreakBefore")) if ppr is not None else None
        if before is not None and before.get(w("val")) not in ("0", "false"):
            self.page_break()
        parts: list[str] = []
        first_page: list[int] = []
        self._runs(p, parts, first_page)
        return "".join(parts), first_page[0] if first_page else self.page

    def _runs(self, node: etree._Element, parts: list[str], first_page: list[int]) -> None:
        for child in node:
            tag = child.tag
            if tag in _SKIPPED or (tag == w("r") and _hidden(child)):
                continue
            if tag == w("t"):
                if child.text:
                    first_page[:] = first_page or [self.page]
                    parts.append(child.text)
                    self.text_since_break = True
            elif tag == w("lastRenderedPageBreak") or (
                tag == w("br") and child.get(w("type")) == "page"
            ):
                self.page_break()
            elif tag in (w("br"), w("cr")):
                parts.append("\n")
            elif tag in (w("tab"), w("ptab")):  # a positional tab is white space in Word too
                parts.append("\t")
            elif tag == w("noBreakHyphen"):
                parts.append("-")
            else:
                self._runs(child, parts, first_page)

    def table(self, tbl: etree._Element) -> None:
        """One Table element per table, row by row, cells left to right (reading order)."""
        start = len(self.elements)
        page = self.page
        for row in tbl.iter(w("tr")):
            if row.getparent() is not tbl:
                continue  # nested tables are read through their cell
            for cell in row.iter(w("tc")):
                if cell.getparent() is row:
                    self.body(cell)
        cells = self.elements[start:]
        del self.elements[start:]
        text = " ".join(e.text for e in cells)
        if text:
            first = cells[0].metadata.page_number if cells else page
            self.elements.append(el.Table(text, metadata=el.ElementMetadata(page_number=first)))

    def _style_chain(self, style_id: str | None) -> list[_Style]:
        chain: list[_Style] = []
        while style_id and style_id in self.styles and len(chain) < 20:
            style = self.styles[style_id]
            chain.append(style)
            style_id = style.based_on
        return chain

    def _outline(self, ppr: etree._Element | None, style_id: str | None) -> int | None:
        own = wval(ppr, "outlineLvl")
        if own is not None:
            return int(own) if own.isdigit() and int(own) < 9 else None
        for style in self._style_chain(style_id):
            if style.outline is not None:
                return style.outline if style.outline < 9 else None
            heading = _HEADING_NAME.match(style.name)
            if heading:
                return int(heading.group(1)) - 1
        return None

    def _label(self, ppr: etree._Element | None, style_id: str | None) -> tuple[str, bool] | None:
        numpr = ppr.find(w("numPr")) if ppr is not None else None
        num_id = wval(numpr, "numId")
        ilvl = wval(numpr, "ilvl")
        for style in self._style_chain(style_id):
            num_id = num_id if num_id is not None else style.num_id
            ilvl = ilvl if ilvl is not None else (str(style.ilvl) if style.ilvl else None)
        if num_id is None:
            return None
        return self.numbering.label(num_id, int(ilvl or 0))


def _hidden(run: etree._Element) -> bool:
    rpr = run.find(w("rPr"))
    vanish = rpr.find(w("vanish")) if rpr is not None else None
    return vanish is not None and vanish.get(w("val")) not in ("0", "false")


def _text_boxes(p: etree._Element) -> list[etree._Element]:
    boxes = []
    for box in p.iter(w("txbxContent")):
        ancestors = {a.tag for a in box.iterancestors()}
        if MC_FALLBACK not in ancestors and w("txbxContent") not in ancestors:
            boxes.append(box)
    return boxes


def _element(
    text: str,
    page: int,
    outline: int | None,
    style_id: str | None,
    label: tuple[str, bool] | None,
    styles: dict[str, _Style],
) -> el.Element:
    style_name = styles[style_id].name.lower() if style_id in styles else ""
    depth = outline if outline is not None else 0 if style_name in ("title", "subtitle") else None
    metadata = el.ElementMetadata(page_number=page)
    if depth is not None:
        metadata.category_depth = depth
        return el.Title(text, metadata=metadata)
    if label is not None:
        return el.ListItem(text, metadata=metadata)
    return el.NarrativeText(text, metadata=metadata)


def _styles(xml: bytes | None) -> tuple[dict[str, _Style], str | None]:
    if not xml:
        return {}, None
    styles: dict[str, _Style] = {}
    default = None
    for style in etree.fromstring(xml).iter(w("style")):
        if style.get(w("type")) != "paragraph":
            continue
        sid = style.get(w("styleId")) or ""
        ppr = style.find(w("pPr"))
        numpr = ppr.find(w("numPr")) if ppr is not None else None
        outline, ilvl = wval(ppr, "outlineLvl"), wval(numpr, "ilvl")
        styles[sid] = _Style(
            name=wval(style, "name") or sid,
            based_on=wval(style, "basedOn"),
            outline=int(outline) if outline and outline.isdigit() else None,
            num_id=wval(numpr, "numId"),
            ilvl=int(ilvl) if ilvl and ilvl.isdigit() else None,
        )
        if style.get(w("default")) in ("1", "true"):
            default = sid
    return styles, default


def read_docx(path: Path) -> tuple[list[el.Element], int | None]:
    """Elements in reading order, and the page count from Word's saved layout markers
    (None when the file has none: not saved by Word, or one page)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())

            def part(name: str) -> bytes | None:
                return zf.read(name) if name in names else None

            document, styles_xml = part("word/document.xml"), part("word/styles.xml")
            numbering_xml = part("word/numbering.xml")
        if document is None:
            raise IngestError(
                "This Word (DOCX) file could not be read: it has no word/document.xml."
            )
        styles, default = _styles(styles_xml)
        style_nums = {sid: s.num_id for sid, s in styles.items() if s.num_id}
        reader = _Reader(styles, Numbering.parse(numbering_xml, style_nums), default)
        body = etree.fromstring(document).find(w("body"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError, OSError) as exc:
        raise IngestError(f"This Word (DOCX) file could not be read: {exc}") from exc
    if body is not None:
        reader.body(body)
    if not reader.breaks_seen:  # not saved by Word (or one page): no layout to go by
        for element in reader.elements:
            element.metadata.page_number = None
        return reader.elements, None
    return reader.elements, reader.page


class DocxAdapter(OfficeAdapter):
    name = "docx"
    marker = "word/"

    def extract(self, path: Path) -> Extracted:
        elements, marked_pages = read_docx(path)
        return Extracted(
            elements=elements,
            page_count=marked_pages,
            pagination="approximate" if marked_pages else "none",
            renderer=lambda: render.rendered_pages(path, self.name),
        )
