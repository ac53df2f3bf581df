"""A paragraph's last line that the OCR engine split off, joined back: made-up lines laid out
as Tesseract reads a 200 dpi page (24 px words, a line every 50 px, body text from 250 px
to about 1380 px), each with the engine's paragraph number."""

from __future__ import annotations

import pytest

from ingest import ocr
from ingest.ocr_paras import join_continuations

CHAR = 12  # pixels per character: a word's width from its length


def line(text: str, top: float, para: int, left: float = 250, height: float = 24) -> ocr.OcrLine:
    """A line whose words run from `left` at CHAR pixels a character."""
    made = ocr.OcrLine(text, top, top + height, height, para)
    made.left, made.right = left, left + CHAR * len(text)
    made.lead = CHAR * len(text.split()[0])
    return made


def paras(*lines: ocr.OcrLine) -> list[int]:
    page = ocr.OcrPage(width=1650, height=2340, lines=list(lines))
    return [made.para for made in join_continuations(page).lines]


FULL = "patient's clinical circumstances are exceptional and fulfil the criteria in this"
BODY = "detail, the clinical evidence and the basis on which they consider that the"


def test_last_word_split_off_joins_its_paragraph() -> None:
    assert paras(line(BODY, 900, 0), line(FULL, 950, 0), line("policy.", 1000, 1)) == [0, 0, 0]


def test_single_line_ending_mid_sentence_joins_the_lower_case_rest() -> None:
    first = line("will be taken in line with the ethical framework. In those cases,", 300, 0)
    rest = line("the request will not proceed through the process.", 353, 1)
    after = line("For specialised services, changes in routine policies are considered", 440, 2)
    assert paras(first, rest, after) == [0, 0, 1]


def test_capital_continuation_of_a_wrapped_paragraph_joins() -> None:
    lines = [line(BODY, 900, 0), line(FULL.replace(" this", " NHS"), 950, 0)]
    assert paras(*lines, line("England commissioning principles.", 1000, 1)) == [0, 0, 0]


def test_later_paragraphs_are_numbered_on_from_the_joined_one() -> None:
    lines = [line(BODY, 900, 0), line(FULL, 950, 0), line("policy.", 1000, 1)]
    assert paras(*lines, line("Decisions on funding", 1100, 2, height=48)) == [0, 0, 0, 1]


def test_a_finished_sentence_is_not_joined() -> None:
    ended = FULL.replace(" in this", " here.")
    assert paras(line(BODY, 900, 0), line(ended, 950, 0), line("policy.", 1000, 1)) == [0, 0, 1]


def test_a_short_line_the_next_word_would_have_fitted_on_is_not_joined() -> None:
    # The body text above shows how wide the column is: "Wellington" fitted on the line.
    lines = [line(BODY, 700, 0), line("Commissioning Team at NHS England", 800, 1)]
    lines.append(line("Waterloo Road office of the team", 850, 1))
    assert paras(*lines, line("Wellington House and London", 900, 2)) == [0, 1, 1, 2]


def test_lines_of_a_few_words_are_not_joined() -> None:
    # A page of short lines only (an address): no wider line shows the column's width.
    lines = [line("NHS England", 900, 0), line("Wellington House", 950, 0)]
    assert paras(*lines, line("Waterloo Road", 1000, 1)) == [0, 0, 1]


def test_a_title_over_a_subtitle_is_not_joined() -> None:
    title = line("Individual funding requests policy for specialised services", 718, 0, 155, 60)
    assert paras(title, line("Overview of the whole process", 871, 1, 155, 49)) == [0, 1]


def test_list_items_are_not_joined() -> None:
    lead = [line(BODY, 900, 0), line(FULL.replace(" this", " the"), 950, 0)]
    for item in ("2. following steps are taken", "a) following steps", "e the following steps"):
        assert paras(*lead, line(item, 1000, 1)) == [0, 0, 1], item


@pytest.mark.parametrize(
    ("next_line", "why"),
    [
        (line("policy and the following", 1000, 1, left=290), "another margin"),
        (line("policy.", 1090, 1), "after paragraph spacing"),
        (line("policy", 1000, 1, height=48), "a larger size"),
        (line("policy.", 300, 1), "the top of the next column"),
    ],
)
def test_a_line_that_does_not_wrap_the_one_above_is_not_joined(next_line, why) -> None:
    lead = [line(BODY, 900, 0), line(FULL, 950, 0)]
    assert paras(*lead, next_line) == [0, 0, 1], why
