"""DOCX: pages from LibreOffice's real rendering, checked against that rendering page by
page and against Word's own table of contents; structure and numbering from the DOCX."""

from __future__ import annotations

import bisect
import re
from collections import OrderedDict
from functools import cache
from pathlib import Path

import docx
import pytest

from ingest import align
from ingest.formats import render
from ingest.formats.docx import read_docx
from ingest.pipeline import ParsedDocument, ParseOptions, parse_file
from tests.conftest import CONSTITUTION_DOCX

# Word's cached table of contents: "6.1 Conflicts of Interest 33" (number, title, page).
TOC_LINE = re.compile(r"^(\d+(?:\.\d+)*)\.? (.+) (\d+)$")


@cache
def constitution() -> ParsedDocument:
    return parse_file(CONSTITUTION_DOCX, CONSTITUTION_DOCX.name, ParseOptions())


@cache
def rendering() -> list[str]:
    pages = render.rendered_pages(CONSTITUTION_DOCX).pages  # cached: the same rendering
    assert pages is not None, "LibreOffice must be installed (scripts/setup.sh)"
    return pages


def page_of(doc: ParsedDocument, offset: int) -> int:
    return bisect.bisect_right(doc.page_offsets, offset)


def words_at(text: str, offset: int, n: int = 6) -> list[str]:
    return [key for _, key in align.words(text[offset:])[:n]]


def on_page(keys: list[str], page: str) -> bool:
    page_keys = [key for _, key in align.words(page)]
    return any(page_keys[i : i + len(keys)] == keys for i in range(len(page_keys)))


def test_constitution_has_libreoffice_s_48_pages() -> None:
    doc = constitution()
    assert (doc.page_count, doc.pagination, doc.warnings) == (48, "rendered", [])
    assert len(rendering()) == 48


def test_every_page_starts_where_libreoffice_s_page_starts() -> None:
    """Page by page: the words at each page's start offset are on that rendered page."""
    doc, pages = constitution(), rendering()
    starts = [o for i, o in enumerate(doc.page_offsets) if i == 0 or o > doc.page_offsets[i - 1]]
    assert len(starts) >= 46  # only pages with no text of their own share a start
    for number, offset in enumerate(doc.page_offsets, start=1):
        if offset in starts and offset < len(doc.text):
            assert on_page(words_at(doc.text, offset), pages[number - 1]), number


def test_every_passage_starts_and_ends_on_its_cited_pages() -> None:
    doc, pages = constitution(), rendering()
    for p in doc.passages:
        assert on_page(words_at(doc.text, p.start, 4), pages[p.page_start - 1]), p.ordinal
        last = align.words(p.text)[-3:]
        tail = [key for _, key in last]
        assert on_page(tail, pages[p.page_end - 1]) or on_page(tail[-1:], pages[p.page_end - 1])


def test_the_conflicts_of_interest_section_is_on_page_33_as_numbered_in_word() -> None:
    doc = constitution()
    offset = doc.text.index("6.1.1 As required by section 14Z30 of the 2006 Act")
    assert page_of(doc, offset) == 33
    (passage,) = [p for p in doc.passages if p.start <= offset < p.end]
    assert passage.heading_path == [
        "6 Arrangements for conflict of interest management and standards of business conduct",
        "6.1 Conflicts of Interest",
    ]
    assert on_page(words_at(doc.text, offset), rendering()[32])


def test_headings_numbered_and_paged_as_word_s_table_of_contents_says() -> None:
    """Word's cached table of contents gives each numbered heading's number and page.
    Every heading has that number; its page is Word's, or (LibreOffice without Word's
    keep-with-next at a page foot) the page before with the heading at its foot."""
    doc, pages = constitution(), rendering()
    blocks = doc.text.split("\n\n")
    toc_end = next(i for i, b in enumerate(blocks) if b.startswith("Glossary and definitions"))
    appendix = next(i for i, b in enumerate(blocks) if b.startswith("Appendix 1: Standing"))
    # The constitution's own sections (the appendix numbers its sections anew).
    entries = [m.groups() for b in blocks[:appendix] if (m := TOC_LINE.match(b))]
    assert len(entries) >= 50
    headings: dict[str, int] = {}  # number -> offset of the first heading with it
    cursor = len("\n\n".join(blocks[:toc_end]))
    for block in blocks[toc_end:]:
        cursor = doc.text.index(block, cursor)
        headings.setdefault(block.split(" ", 1)[0].rstrip("."), cursor)
    exact = 0
    for number, _title, page in entries:
        offset = headings[number]
        found = page_of(doc, offset)
        assert found in (int(page), int(page) - 1), (number, found, page)
        if found == int(page):
            exact += 1
        else:  # at the foot of LibreOffice's page: only headings before the next page
            assert doc.page_offsets[found] - offset < 300, number
            assert on_page(words_at(doc.text, offset, 3), pages[found - 1])
    assert exact >= 0.8 * len(entries)


def test_structure_comes_from_the_docx_not_the_rendering() -> None:
    elements, _ = read_docx(CONSTITUTION_DOCX)
    titles = [(e.text, e.metadata.category_depth) for e in elements if e.category == "Title"]
    assert ("CONSTITUTION", 0) in titles
    assert ("1. Introduction", 0) in titles  # outline level 0 set on the paragraph itself
    assert ("1.1 Background/ Foreword", 1) in titles  # Heading 2, numbered %1.%2
    assert ("3 Appointments process for the board", 0) in titles
    tables = [e for e in elements if e.category == "Table"]
    assert len(tables) == 4 and tables[0].text.startswith("Version Date approved by the ICB")
    assert not any("NHSCP ICB Constitution v1.6" in e.text for e in elements)  # footer


def test_without_libreoffice_pages_are_word_s_saved_breaks_and_approximate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(render, "soffice", lambda: None)
    doc = parse_file(CONSTITUTION_DOCX, CONSTITUTION_DOCX.name, ParseOptions())
    assert doc.pagination == "approximate"
    assert doc.warnings == [render.NOT_INSTALLED]
    # Word saved a marker at most page starts, not all: fewer pages than it shows.
    assert 30 < doc.page_count < 48
    assert doc.text == constitution().text


def three_pages(path: Path) -> Path:
    document = docx.Document()
    for n, text in enumerate(["Admissions rose.", "Discharges fell.", "Beds were reopened."]):
        if n:
            document.add_page_break()
        document.add_paragraph(text)
    document.save(path)
    return path


def test_generated_docx_rendered_by_libreoffice(tmp_path: Path) -> None:
    doc = parse_file(three_pages(tmp_path / "beds.docx"), "beds.docx", ParseOptions())
    assert (doc.page_count, doc.pagination) == (3, "rendered")
    assert doc.page_offsets == [0, doc.text.index("Discharges"), doc.text.index("Beds")]


def test_rendering_that_times_out_is_said_and_pages_are_approximate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "TIMEOUT_SECONDS", 0.05)
    # Renderings are cached by content: the same file rendered by an earlier test in this
    # process would come from the cache and never meet the timeout.
    monkeypatch.setattr(render, "_cache", OrderedDict())
    doc = parse_file(three_pages(tmp_path / "slow.docx"), "slow.docx", ParseOptions())
    assert (doc.pagination, doc.page_count) == ("approximate", 3)  # its explicit page breaks
    assert doc.warnings == [
        "LibreOffice did not finish rendering within 0 s. "
        "Page numbers are Word's saved page breaks: approximate."
    ]


def test_words_either_side_of_an_element_boundary_stay_apart(tmp_path: Path) -> None:
    """Where Word shows white space between two pieces of text (table cells, paragraphs,
    list items, a line break, a tab or a positional tab), the stored text has some: a
    proposal or hit snippet must never read "economiccare" (issue 13 item 11)."""
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "cell economic"
    table.cell(0, 1).text = "care cell"
    table.cell(0, 0).add_paragraph("para economic")
    table.cell(0, 0).add_paragraph("care para")
    document.add_paragraph("list economic", style="List Bullet")
    document.add_paragraph("care list", style="List Bullet")
    for kind in ("br", "tab", "ptab"):
        paragraph = document.add_paragraph(f"{kind} economic")
        run = paragraph.add_run()
        if kind == "br":
            run.add_break()
        elif kind == "tab":
            run.add_tab()
        else:
            run._r.append(docx.oxml.OxmlElement("w:ptab"))
        paragraph.add_run(f"care {kind}")
    path = tmp_path / "boundaries.docx"
    document.save(path)
    doc = parse_file(path, path.name, ParseOptions())
    assert "economiccare" not in doc.text
    for kind in ("cell", "para", "list", "br", "tab", "ptab"):
        assert re.search(rf"{kind} economic\s+care", doc.text) or re.search(
            rf"{kind} economic\s.*care {kind}", doc.text
        ), (kind, doc.text)
    assert all("economiccare" not in p.text for p in doc.passages)
