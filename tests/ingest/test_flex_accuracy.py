"""Flexible character accuracy on hand-computed examples, and the page-text wrapper that
normalises each line on its own."""

from __future__ import annotations

import pytest

from tests.ingest.flex_accuracy import Fit, Weights, _Matcher, fit, flexible_accuracy, grid
from tests.ingest.scans import char_accuracy, flex_accuracy, normalise_lines


def test_identical_texts_score_one() -> None:
    lines = ["commissioning policy", "version 3, 8 february 2023"]
    assert flexible_accuracy(lines, list(lines)) == 1.0


def test_blocks_in_another_order_score_one() -> None:
    reference = ["classification: official", "publication reference: pr2086"]
    assert flexible_accuracy(reference, reference[::-1]) == 1.0


def test_one_substitution_is_one_error() -> None:
    # 11 + 11 reference characters, one of them misread.
    assert flexible_accuracy(["hello world", "second line"], ["second line", "hello w0rld"]) == (
        pytest.approx(1 - 1 / 22)
    )


def test_a_dropped_character_is_one_error_not_three() -> None:
    # Sliding "abdef" along "abcdef" finds no window closer than 2 edits and leaves "a" or
    # "f" over; the best part of any length is all of "abcdef", one deletion away.
    assert fit("abcdef", "abdef") == Fit(distance=1, offset=0, start=0, end=6, length=5)
    assert flexible_accuracy(["abcdef"], ["abdef"]) == pytest.approx(1 - 1 / 6)
    # The same inside a longer block, where OCR merged two reference lines.
    reference = ["funding requests", "version 3 of the policy"]
    ocr = ["version 3 of te policy funding requests"]
    assert flexible_accuracy(reference, ocr) == pytest.approx(1 - 1 / 39)


def test_extra_ocr_text_counts_as_errors() -> None:
    # A logo read as a line of its own: 11 inserted characters against 12.
    assert flexible_accuracy(["policy title"], ["policy title", "nhs england"]) == (
        pytest.approx(1 - 11 / 12)
    )
    # The same logo word merged into the line: split off, 3 insertions (the space at the cut
    # is the line break's).
    assert flexible_accuracy(["policy title"], ["policy title nhs"]) == pytest.approx(1 - 3 / 12)


def test_missing_ocr_text_counts_as_errors() -> None:
    accuracy = flexible_accuracy(["first block", "second"], ["first block"])
    assert accuracy == pytest.approx(1 - 6 / 17)


def test_a_line_split_in_two_and_reordered_is_found() -> None:
    # The reference line is cut where the first OCR line matched; both parts are then found.
    assert fit("the quick brown fox jumps", "jumps") == Fit(0, 0, 20, 25, 5)
    assert flexible_accuracy(["the quick brown fox jumps"], ["jumps", "the quick brown fox"]) == 1.0


def test_lines_are_found_in_blocks() -> None:
    # The reference as a page's visual lines, OCR as its paragraphs.
    reference = ["one two three", "four five", "six seven eight", "nine"]
    assert flexible_accuracy(reference, ["one two three four five", "six seven eight nine"]) == 1.0


def test_unrelated_lines_are_not_paired() -> None:
    # "abc" against "xyz" keeps no character: 3 deletions and 3 insertions, not 3 substitutions;
    # nor is a line paired where it keeps only half of its characters.
    assert fit("abc", "xyz") is None and fit("abcd", "abxy") is None
    assert fit("abcd", "abcy") == Fit(1, 0, 0, 4, 4)
    assert _Matcher(["abc"], ["xyz"]).errors(Weights(15, 0, 0, 0)) == 6
    assert flexible_accuracy(["abc"], ["xyz"]) == 0.0  # 1 - 6/3, reported as 0


@pytest.mark.parametrize(
    ("reference", "ocr", "expected"),
    [([], [], 1.0), ([], ["extra"], 0.0), (["text"], [], 0.0), (["", "text"], ["", "text"], 1.0)],
)
def test_empty_texts(reference: list[str], ocr: list[str], expected: float) -> None:
    assert flexible_accuracy(reference, ocr) == expected


def test_the_weight_grid_is_the_papers() -> None:
    weights = grid()
    # Table 1: 4 x 8 x 4 x 6 = 768 combinations, 42 of them a multiple of another.
    assert len(weights) == 726
    assert {w.distance for w in weights} == {15, 20, 25, 30}
    assert {w.length_diff for w in weights} == set(range(0, 22, 3))
    assert {w.offset for w in weights} == {0, 1, 2, 3}
    assert {w.length for w in weights} == set(range(6))


def test_the_penalty_picks_the_better_partner() -> None:
    # "the" fits exactly into both OCR lines. Against "xx the yy zz": length difference 9,
    # offset 3, penalty 3*9 + 1*3 = 30; against "the end": difference 4, offset 0, penalty 12.
    matcher = _Matcher([], [])
    assert matcher.best_partner("the", ["xx the yy zz", "the end"], Weights(15, 3, 1, 0)) == (
        1,
        Fit(0, 0, 0, 3, 3),
    )


def test_page_text_keeps_its_blocks_and_normalises_each() -> None:
    text = "Commissioning  Policy\n\nVersion 3 – 8 February\nOverview ........ 5\n\n"
    assert normalise_lines(text) == ["commissioning policy", "version 3 - 8 february", "overview 5"]


def test_a_cover_read_top_to_bottom_scores_by_its_real_errors() -> None:
    # The cover's blocks in the text layer's order, and as OCR reads them: top to bottom,
    # with the logo's words merged into two blocks. Flexible accuracy counts only the logo's
    # 10 letters (128 reference characters); the 12-word runs span blocks read apart.
    reference = (
        "Commissioning policy: individual funding requests\n\nVersion 3, 8 February 2023\n\n"
        "Classification: Official\n\nPublication reference: PR2086\n\n"
    )
    ocr = (
        "Classification: Official NHS\n\nPublication reference: PR2086 England\n\n"
        "Commissioning policy: individual funding requests\n\nVersion 3, 8 February 2023\n\n"
    )
    assert flex_accuracy(reference, ocr) == pytest.approx(1 - 10 / 128)
    assert char_accuracy(reference, ocr) < 0.9
