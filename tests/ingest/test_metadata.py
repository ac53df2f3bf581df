"""ingest.metadata: best guesses for title, date, organisation and document type."""

from __future__ import annotations

import pytest

from ingest.clean import Block
from ingest.metadata import (
    ORG_SCAN_CHARS,
    guess_document_type,
    guess_organisation,
    guess_title,
    organisation_guess,
    title_guess,
)

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


def test_the_author_beats_the_most_named() -> None:
    councils = "Bin waste advice - Fenland Council. Fenland Council collects sharps. " * 3
    text = councils + "x" * ORG_SCAN_CHARS + " Authored by: Cambridgeshire and Peterborough ICB"
    assert organisation_guess(text) == ("Cambridgeshire and Peterborough ICB", "author")
    assert organisation_guess(councils) == ("Fenland Council", "most_named")
    assert organisation_guess("Approved by the ICB board.") == (None, "none")


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


# --- which rule chose the title -----------------------------------------------------------------


def test_each_title_says_its_rule() -> None:
    blocks = [title("Winter plan")]
    assert title_guess(blocks, "Winter plan 2024", "f.pdf").source == "file_metadata"
    assert title_guess(blocks, None, "f.pdf").source == "heading"
    assert title_guess([], None, "winter_plan.pdf").source == "filename"


@pytest.mark.parametrize(
    "meta",
    [
        "o Replacement transmitters for glucose monitors",  # a bullet Word made the title
        "• Replacement transmitters",
        "- Replacement transmitters",
        "1. Introduction",
        "a) Eligibility",
        "Contents",
        "Table of Contents",
        "Pen-needles-guidance-NEL-v1_07.2023",  # a file name, not a title
        "replacement transmitters continue to be",  # a fragment from mid-sentence
    ],
)
def test_metadata_titles_that_are_no_titles_are_passed_over(meta: str) -> None:
    guess = title_guess([title("Continuous glucose monitoring")], meta, "f.pdf")
    assert (guess.value, guess.source) == ("Continuous glucose monitoring", "heading")


def test_list_markers_and_contents_are_never_the_heading_title() -> None:
    blocks = [
        title("o Replacement transmitters for glucose monitors"),
        title("Contents"),
        title("Continuous glucose monitoring"),
    ]
    assert guess_title(blocks, None, "f.pdf") == "Continuous glucose monitoring"
    assert title_guess(blocks[:2], None, "cgm_policy.pdf").value == "cgm policy"
