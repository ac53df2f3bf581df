"""ingest.clean: elements -> blocks (normalising text, dropping running heads and page numbers)."""

from __future__ import annotations

import pytest
from unstructured.documents.elements import (
    Element,
    ElementMetadata,
    Footer,
    Header,
    Image,
    ListItem,
    NarrativeText,
    PageBreak,
    PageNumber,
    Table,
    Title,
)

from ingest.clean import REPEAT_MAX_CHARS, Block, clean, normalise


def el(kind: type[Element], text: str, page: int | None = None, depth: int | None = None):
    return kind(text, metadata=ElementMetadata(page_number=page, category_depth=depth))


# --- normalise -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("the \ufb01nance and \ufb02ow team", "the finance and flow team"),  # ﬁ, ﬂ ligatures
        ("inter\u00adnational", "international"),  # soft hyphen
        ("10\u00a0mg daily", "10 mg daily"),  # NBSP
        ("wide\u3000space\u2003here", "wide space here"),  # ideographic, em spaces
        ("commis-\nsioning", "commissioning"),  # word hyphenated across lines
        ("commis-  \n   sioning", "commissioning"),
        ("NHS-\nEngland", "NHS- England"),  # a capital after the break: not a broken word
        ("self-care", "self-care"),  # a hyphen inside a line stays
        ("  two\t\tspaces   here  ", "two spaces here"),
        ("line one\n\n\nline two\r\nline three", "line one line two line three"),
        ("\n \n\t\n", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


# --- clean: categories, kinds, depths ------------------------------------------------------------


def test_drops_layout_categories_keeps_content() -> None:
    elements = [
        el(Header, "Running header", 1),
        el(Title, "Background", 1, depth=1),
        el(NarrativeText, "Body text.", 1),
        el(ListItem, "A bullet", 1),
        el(Table, "A 1 B 2", 1),
        el(Image, "logo", 1),
        el(PageBreak, "", None),
        el(PageNumber, "1", 1),
        el(Footer, "Footer text", 1),
    ]
    blocks = clean(elements)
    assert blocks == [
        Block("title", "Background", 1, depth=1),
        Block("text", "Body text.", 1),
        Block("list", "A bullet", 1),
        Block("table", "A 1 B 2", 1),
    ]


@pytest.mark.parametrize("depth", [None, -1])
def test_missing_or_negative_depth_is_top_level(depth: int | None) -> None:
    (block,) = clean([el(Title, "Heading", 1, depth=depth)])
    assert block.depth == 0


def test_empty_and_whitespace_elements_are_dropped() -> None:
    assert clean([el(NarrativeText, "", 1), el(NarrativeText, " \n\t ", 1)]) == []


def test_block_text_is_normalised() -> None:
    (block,) = clean([el(NarrativeText, "The \ufb01rst\nline and a commis-\nsioner", 2)])
    assert block == Block("text", "The first line and a commissioner", 2)


# --- page numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["12", "Page 3", "page 3 of 14", "PAGE 2/9", "- 5 -", "– 7 –", "(7)", "3/10", "3 of 10"]
)
def test_page_number_text_is_dropped(text: str) -> None:
    assert clean([el(NarrativeText, text, 1)]) == []


@pytest.mark.parametrize(
    "text", ["12 patients", "Page three", "Pages 3 to 7", "Section 3", "12345", "1.5"]
)
def test_text_with_numbers_is_kept(text: str) -> None:
    assert [b.text for b in clean([el(NarrativeText, text, 1)])] == [text]


# --- repeated running heads ----------------------------------------------------------------------


def pages_with(text: str, on_pages: range, total: int) -> list[Element]:
    """`total` pages of body text; `text` (its digits replaced by the page) on `on_pages`."""
    elements: list[Element] = []
    for page in range(1, total + 1):
        if page in on_pages:
            elements.append(el(NarrativeText, text.replace("#", str(page)), page))
        elements.append(
            el(NarrativeText, f"Body of page {page} with its own words {'x' * page}", page)
        )
    return elements


def texts(elements: list[Element]) -> list[str]:
    return [b.text for b in clean(elements)]


@pytest.mark.parametrize(
    ("on_pages", "total", "dropped"),
    [
        (range(1, 4), 4, True),  # 3 of 4 pages: threshold is max(3, 2) = 3
        (range(1, 3), 4, False),  # 2 of 4: under the floor of 3
        (range(1, 6), 10, True),  # 5 of 10: half the pages
        (range(1, 5), 10, False),  # 4 of 10: under half
        (range(1, 3), 2, False),  # fewer than 3 pages: nothing is a running head
    ],
)
def test_repeated_line_threshold(on_pages: range, total: int, dropped: bool) -> None:
    result = texts(pages_with("Annual report 2024", on_pages, total))
    assert ("Annual report 2024" in result) is not dropped


def test_repeated_lines_match_with_different_digits() -> None:
    result = texts(pages_with("# | quarterly report", range(1, 6), 6))
    assert not any("quarterly report" in t for t in result)
    assert len(result) == 6  # the body text of every page stays


def test_long_repeated_text_is_content_not_a_running_head() -> None:
    long = "A" + "b" * REPEAT_MAX_CHARS  # over the limit for a running head
    assert long in texts(pages_with(long, range(1, 5), 4))


def test_elements_without_pages_never_count_as_repeated() -> None:
    elements = [el(NarrativeText, "Same line", None) for _ in range(5)]
    assert texts(elements) == ["Same line"] * 5
