"""ingest.dates: a document's own date, and the rule that found it."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.dates import FRONT_CHARS, HISTORY_CHARS, DateGuess, guess


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
        ("Meeting held 05.03.2024 at noon", "x.pdf", dt.date(2024, 3, 5)),
        ("Review date: September 2026", "x.pdf", dt.date(2026, 9, 1)),
        ("Sept 2026", "x.pdf", dt.date(2026, 9, 1)),
        ("8 February 2023", "minutes-March-2024.pdf", dt.date(2024, 3, 1)),  # filename first
        ("31/02/2023, 2023-13-01, 00/10/2023, then 1 March 2023", "x", dt.date(2023, 3, 1)),
        ("30 February 2023", "x.pdf", dt.date(2023, 2, 1)),  # bad day: its month still counts
        ("02/28/2023", "x.pdf", None),  # US order: month 28 does not exist
        ("1 January 1850 and 12 May 2150", "x.pdf", None),  # outside 1990-2100
        ("No dates here at all, only 42 and 7.", "notes.txt", None),
        ("Marchant 2023 and Decision 2023", "x.pdf", None),  # month names must be whole words
    ],
)
def test_dates_as_written(text: str, filename: str, expected: dt.date | None) -> None:
    assert guess(text, filename).date == expected


CITES_NICE = (
    "This policy implements NICE technology appraisal guidance TA599, published on 12 March "
    "2019, for adults with type 1 diabetes.\n\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The document's own ratification beats the appraisal it cites, wherever it stands.
        (
            CITES_NICE + "Body. " * 2000 + "Date ratified: October 2023",
            DateGuess(dt.date(2023, 10, 1), "ratified"),
        ),
        (
            CITES_NICE + "Ratified by the Medicines Committee on 4 October 2023",
            DateGuess(dt.date(2023, 10, 4), "ratified"),
        ),
        (
            CITES_NICE + "Approved by the ICB Board, 19 June 2024.",
            DateGuess(dt.date(2024, 6, 19), "approved"),
        ),
        (CITES_NICE + "Publication date: 1 May 2024", DateGuess(dt.date(2024, 5, 1), "published")),
        (CITES_NICE + "Review date: December 2027", DateGuess(dt.date(2027, 12, 1), "review_date")),
        # Only the cited date: no date rather than another document's.
        (CITES_NICE, DateGuess(None, None)),
        ("In line with NICE NG28 (December 2015) the ICB agreed it.", DateGuess(None, None)),
        # Order: ratified > approved > published > version line > history > file name.
        (
            "Approved: 1 May 2023. Ratified: 2 June 2023.",
            DateGuess(dt.date(2023, 6, 2), "ratified"),
        ),
        (
            "Published 1 May 2023. Approved 2 April 2023.",
            DateGuess(dt.date(2023, 4, 2), "approved"),
        ),
        ("Version 2.1 - 3 March 2022", DateGuess(dt.date(2022, 3, 3), "version")),
        ("Drafted 1 May 2020.", DateGuess(dt.date(2020, 5, 1), "first_date")),
        # Re-ratified: the newest.
        ("Ratified: May 2021. Ratified: 9 May 2023.", DateGuess(dt.date(2023, 5, 9), "ratified")),
        # A label and a date with a number between them are two cells, not a statement:
        # not "approved", not "effective", only the first date.
        (
            "Date approved by the ICB Effective date v1.0 Not applicable 1 July 2022",
            DateGuess(dt.date(2022, 7, 1), "first_date"),
        ),
    ],
)
def test_own_dates_before_cited_ones(text: str, expected: DateGuess) -> None:
    assert guess(text, "policy.pdf") == expected


def test_a_label_of_another_documents_date_is_not_taken() -> None:
    text = "NICE TA123 was approved in March 2019. Our panel met.\n\nVersion 4, 2 May 2023"
    assert guess(text, "x.pdf") == DateGuess(dt.date(2023, 5, 2), "version")


def test_version_history_gives_its_newest_date() -> None:
    table = "Version history\n\nVersion Date Change 1.0 01/02/2020 First 2.0 15/03/2022 Second"
    assert guess("Intro.\n\n" + table, "x.pdf") == DateGuess(
        dt.date(2022, 3, 15), "version_history"
    )
    far = "x" * FRONT_CHARS + "Version history\n\n" + "x" * HISTORY_CHARS + " 15/03/2022"
    assert guess(far, "x.pdf") == DateGuess(None, None)


def test_labelled_dates_anywhere_but_unlabelled_ones_only_in_front() -> None:
    assert guess("x" * FRONT_CHARS + " 1 May 2023", "x.pdf") == DateGuess(None, None)
    near = "x" * (FRONT_CHARS - 20) + " 1 May 2023"
    assert guess(near, "x.pdf") == DateGuess(dt.date(2023, 5, 1), "first_date")
    late = "x" * FRONT_CHARS * 5 + " Date ratified: December 2024"
    assert guess(late, "x.pdf") == DateGuess(dt.date(2024, 12, 1), "ratified")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("RATIFICATION DATE: 3 May 2021", "ratified"),
        ("Date Of Issue - 3 May 2021", "published"),
        ("First publication 3 May 2021", "published"),
        ("It comes into effect on 3 May 2021", "effective"),
        ("In Force from 3 May 2021", "effective"),
        ("Last reviewed 3 May 2021", "review_date"),
        # Letters `re.IGNORECASE` matches but str.lower() does not give: long s, dotted
        # capital I, dotless i. The label's words are not found in lower case, the label is.
        ("Date of iſſue: 3 May 2021", "published"),
        ("İSSUED 3 May 2021", "published"),
        ("Ratıfıed 3 May 2021", "ratified"),
    ],
)
def test_labels_are_found_in_any_case(text: str, rule: str) -> None:
    # Far from the front, so only a label can find the date (a text without any label
    # word skips the label's scan; that skip must never lose one).
    assert guess("x " * FRONT_CHARS + text, "x.pdf") == DateGuess(dt.date(2021, 5, 3), rule)
