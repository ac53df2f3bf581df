"""Word's automatic numbering reproduced as the reader sees it (docx_numbering.Numbering)."""

from __future__ import annotations

import pytest

from ingest.formats.docx_numbering import Numbering, W, format_number


def numbering(levels: str, nums: str) -> Numbering:
    xml = f'<w:numbering xmlns:w="{W}">{levels}{nums}</w:numbering>'
    return Numbering.parse(xml.encode(), {})


def lvl(ilvl: int, text: str, fmt: str = "decimal", start: int = 1, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
    )


OUTLINE = (
    '<w:abstractNum w:abstractNumId="1">'
    + lvl(0, "%1")
    + lvl(1, "%1.%2")
    + lvl(2, "%1.%2.%3")
    + lvl(3, "%4)", "lowerLetter")
    + lvl(4, "", "bullet")
    + "</w:abstractNum>"
)


def labels(n: Numbering, items: list[tuple[str, int]]) -> list[str]:
    return [(n.label(num, ilvl) or ("-", False))[0] for num, ilvl in items]


def test_levels_count_and_reset_below() -> None:
    n = numbering(OUTLINE, '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>')
    items = [("5", 0), ("5", 1), ("5", 1), ("5", 2), ("5", 3), ("5", 3), ("5", 0), ("5", 1)]
    assert labels(n, items) == ["1", "1.1", "1.2", "1.2.1", "a)", "b)", "2", "2.1"]


def test_a_deeper_level_first_counts_the_upper_one_as_used() -> None:
    # The constitution: "1.1 Background" under a hand-typed "1. Introduction", then the
    # first numbered Heading 1 reads "2", as in Word's table of contents.
    n = numbering(OUTLINE, '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>')
    assert labels(n, [("5", 1), ("5", 1), ("5", 0), ("5", 1)]) == ["1.1", "1.2", "2", "2.1"]


def test_lists_sharing_a_definition_continue_unless_restarted() -> None:
    nums = (
        '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="6"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="7"><w:abstractNumId w:val="1"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    )
    n = numbering(OUTLINE, nums)
    assert labels(n, [("5", 0), ("6", 0), ("7", 0), ("7", 0)]) == ["1", "2", "1", "2"]


def test_bullets_none_and_unknown_lists() -> None:
    n = numbering(OUTLINE, '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>')
    assert n.label("5", 4) == ("", True)
    assert n.label("0", 0) is None  # numId 0 switches numbering off
    assert n.label("99", 0) is None


def test_legal_numbering_and_start_values() -> None:
    levels = (
        '<w:abstractNum w:abstractNumId="2">'
        + lvl(0, "Article %1", "upperRoman", start=3)
        + lvl(1, "%1.%2", "lowerLetter", extra="<w:isLgl/>")
        + "</w:abstractNum>"
    )
    n = numbering(levels, '<w:num w:numId="1"><w:abstractNumId w:val="2"/></w:num>')
    assert labels(n, [("1", 0), ("1", 1), ("1", 0)]) == ["Article III", "3.1", "Article IV"]


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (4, "lowerLetter", "d"),
        (28, "lowerLetter", "bb"),
        (14, "upperRoman", "XIV"),
        (9, "lowerRoman", "ix"),
        (7, "decimalZero", "07"),
        (12, "decimal", "12"),
    ],
)
def test_formats(value: int, fmt: str, text: str) -> None:
    assert format_number(value, fmt) == text
