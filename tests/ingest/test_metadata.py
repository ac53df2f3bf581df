"""ingest.metadata: best guesses for title, date, organisation and document type."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.clean import Block
from ingest.metadata import (
    DATE_SCAN_CHARS,
    ORG_SCAN_CHARS,
    guess_date,
    guess_document_type,
    guess_organisation,
    guess_title,
)

# --- guess_date ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        ("", "Standard-operating-procedures-February-2023.pdf", dt.date(2023, 2, 1)),
        ("", "board_papers_14_March_2024.pdf", dt.date(2024, 3, 14)),
        ("", "minutes-2024-05-09.docx", dt.date(2024, 5, 9)),
        ("Version 3, 8 February 2023", "policy.pdf", dt.date(2023, 2, 8)),
        ("Approved on the 8th Feb. 2023 by the board", "x.pdf", dt.date(2023, 2, 8)),
        ("Published 2024-03-05.", "x.pdf", dt.date(2024, 3, 5)),
        ("Meeting held 05/03/2024 at noon", "x.pdf", dt.date(2024, 3, 5)),  # UK: 5 March
        ("Review date: September 2026", "x.pdf", dt.date(2026, 9, 1)),
        ("Sept 2026", "x.pdf", dt.date(2026, 9, 1)),
        ("Reviewed 1 June 2022. Approved 2 July 2023.", "x.pdf", dt.date(2022, 6, 1)),
        ("8 February 2023", "minutes-March-2024.pdf", dt.date(2024, 3, 1)),  # filename first
        ("31/02/2023, 2023-13-01, 00/10/2023, then 1 March 2023", "x", dt.date(2023, 3, 1)),
        ("30 February 2023", "x.pdf", dt.date(2023, 2, 1)),  # bad day: its month still counts
        ("02/28/2023", "x.pdf", None),  # US order: month 28 does not exist
        ("1 January 1850 and 12 May 2150", "x.pdf", None),  # outside 1990-2100
        ("No dates here at all, only 42 and 7.", "notes.txt", None),
        ("Marchant 2023 and Decision 2023", "x.pdf", None),  # month names must be whole words
    ],
)
def test_guess_date(text: str, filename: str, expected: dt.date | None) -> None:
    assert guess_date(text, filename) == expected


def test_guess_date_scans_only_the_start_of_the_text() -> None:
    assert guess_date("x" * DATE_SCAN_CHARS + " 1 May 2023", "x.pdf") is None
    assert guess_date("x" * (DATE_SCAN_CHARS - 20) + " 1 May 2023", "x.pdf") == dt.date(2023, 5, 1)


# --- guess_organisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "This policy of Cambridgeshire and Peterborough Integrated Care Board applies.",
            "Cambridgeshire and Peterborough Integrated Care Board",
        ),
        (
            "NHS Norfolk and Waveney Integrated Care Board",
            "NHS Norfolk and Waveney Integrated Care Board",
        ),
        ("Published by Norfolk County Council in 2024.", "Norfolk County Council"),
        ("North West Anglia NHS Foundation Trust", "North West Anglia NHS Foundation Trust"),
        (
            "Cambridgeshire Community Services NHS Trust",
            "Cambridgeshire Community Services NHS Trust",
        ),
        ("Mid and South Essex ICS partners", "Mid and South Essex ICS"),
        ("Suffolk\n   County Council", "Suffolk County Council"),  # whitespace normalised
        ("The Rotherham NHS Foundation Trust", "Rotherham NHS Foundation Trust"),
        # Not organisations: a dangling "and", a leading determiner, nothing at all.
        ("Close working between NHS England and ICB IFR teams.", None),
        ("Executive Director Corporate Services & ICB", None),
        ("The ICB will publish it. Each ICS must agree.", None),
        ("No organisation is named in this text.", None),
    ],
)
def test_guess_organisation(text: str, expected: str | None) -> None:
    assert guess_organisation(text) == expected


def test_most_mentioned_organisation_wins() -> None:
    text = (
        "Sharps bins from Fenland Council. Authored by Cambridgeshire and Peterborough ICB. "
        "Ratified by Cambridgeshire and Peterborough ICB. The ICB will review it. The ICB agreed. "
        "The ICB signed."
    )
    assert guess_organisation(text) == "Cambridgeshire and Peterborough ICB"


def test_guess_organisation_scans_only_the_start() -> None:
    late = "x" * ORG_SCAN_CHARS + " Norfolk County Council"
    assert guess_organisation(late) is None


# --- guess_document_type -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "filename", "source_type", "expected"),
    [
        ("Board meeting minutes", "x.pdf", "document", "minutes"),
        ("Minutes of the policy group", "x.pdf", "document", "minutes"),  # first rule wins
        ("Quarterly update", "agenda-item-5.pdf", "document", "board_paper"),
        ("Finance", "report_to_the_board.pdf", "document", "board_paper"),
        ("Joint Forward Plan 2024", "x.pdf", "document", "strategy"),
        ("Untitled", "digital_strategy-2024.pdf", "document", "strategy"),
        ("Infection control protocol", "x.pdf", "document", "policy"),
        ("Standard operating procedures", "sop.pdf", "document", "policy"),
        ("Prescribing of Insulin Needles", "x.pdf", "document", "other"),
        ("Board meeting minutes", "x.pdf", "interview", "transcript"),
        ("Ward round", "x.pdf", "observation", "field_notes"),
    ],
)
def test_guess_document_type(title: str, filename: str, source_type: str, expected: str) -> None:
    assert guess_document_type(title, filename, source_type) == expected


# --- guess_title ---------------------------------------------------------------------------------


def title(text: str, page: int | None = 1, depth: int = 0) -> Block:
    return Block("title", text, page, depth)


def test_file_metadata_title_wins() -> None:
    blocks = [title("Heading on the page")]
    assert guess_title(blocks, "Title from the file", "f.pdf") == "Title from the file"
    assert guess_title(blocks, "T" * 600, "f.pdf") == "T" * 500


def test_top_level_titles_of_the_first_pages() -> None:
    blocks = [
        title("Winter plan", depth=0),
        title("Background", depth=1),
        title("2024 to 2025", page=2, depth=0),
        title("Third one", page=2, depth=0),
    ]
    assert guess_title(blocks, None, "f.pdf") == "Winter plan — 2024 to 2025"


def test_titles_after_page_two_are_ignored() -> None:
    blocks = [Block("text", "Body", 1), title("Late heading", page=3)]
    assert guess_title(blocks, None, "winter_plan-2024.pdf") == "winter plan 2024"


def test_titles_without_pages_count_as_first_page() -> None:
    assert guess_title([title("Discharge review", page=None)], None, "f.docx") == "Discharge review"


@pytest.mark.parametrize("text", ["AB", "T" * 301])
def test_implausible_title_length_falls_back_to_filename(text: str) -> None:
    assert guess_title([title(text)], None, "ward_report.pdf") == "ward report"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("Winter_discharge-review.pdf", "Winter discharge review"),
        ("notes", "notes"),
        ("___.pdf", "___.pdf"),  # nothing left of the stem: the whole name
    ],
)
def test_filename_fallback(filename: str, expected: str) -> None:
    assert guess_title([Block("text", "Body", 1)], None, filename) == expected
