"""Contents entries on OCR'd pages: made-up lines shaped like Tesseract's reading of a dot
leader (dots running into dot-shaped letters), and made-up word boxes."""

from __future__ import annotations

import pytest

from ingest import ocr, ocr_leaders
from ingest.ocr_leaders import leaders_cleaned, split


@pytest.mark.parametrize(
    ("line", "cleaned"),
    [
        ("Rainfall tables .....cceeeceeseeeeaeeesee 4", "Rainfall tables " + "." * 25 + " 4"),
        ("Kite flying...........cecececeeeeecesseeeees 31", "Kite flying " + "." * 33 + " 31"),
        (
            "Harbour walls 2.2.0.0. ....ceceeeseeesceeeeeeeeee 9",
            "Harbour walls " + "." * 34 + " 9",
        ),
        ("Moths seceeesceecceeeesenseeesecccsseeeeeeseeeesee 12", "Moths " + "." * 44 + " 12"),
    ],
)
def test_ocr_leaders_become_dots(line: str, cleaned: str) -> None:
    assert leaders_cleaned(line) == cleaned


@pytest.mark.parametrize(
    "line",
    [
        "We waited... and then 3",  # an ellipsis in a sentence is text
        "The boats left at dawn and none came back until 2019",  # no leader at all
        "He paused... said nothing and then walked off along the quay 4",  # words, not dots
        "................ 4",  # no title in front of it
        "Rainfall tables ....cceeeceeseeeeaeee",  # no page number at the end
        "Summary of the walk. 2",
    ],
)
def test_lines_that_are_not_contents_entries_are_left_alone(line: str) -> None:
    assert leaders_cleaned(line) == line


def test_a_flat_word_starts_the_leader_even_when_it_reads_as_words() -> None:
    # Dots sit on the baseline: their box is a sliver of the line's height, whatever
    # letters OCR made of them ("sees", "Semen" are words to the text rule).
    words = ["Wet", "Weather", "Sees", "ee", "7"]
    entry = split(words, [False, False, True, True, False])
    assert entry is not None
    assert (entry.title, entry.number, entry.start, entry.whole) == ("Wet Weather", "7", 2, True)
    assert split(words) is None  # without the boxes, nothing says it is a leader


def word(left: int, top: int, width: int, height: int, text: str) -> ocr.Word:
    return ocr.Word(left, top, width, height, 0.0 if height < 10 else 95.0, text)


def test_tidy_writes_the_leader_as_dots_and_drops_its_confidence() -> None:
    line = ocr.OcrLine(
        "Wet Weather sees ee 7",
        100,
        130,
        3,
        0,
        [
            word(100, 100, 60, 30, "Wet"),
            word(170, 100, 110, 30, "Weather"),
            word(300, 127, 200, 3, "sees"),
            word(510, 127, 300, 3, "ee"),
            word(820, 100, 15, 30, "7"),
        ],
    )
    page = ocr.OcrPage(1000, 1400, [line], confidence=57.0, turn=180)  # upside down: not read again
    ocr_leaders.tidy(page, None, "eng")  # type: ignore[arg-type]
    assert line.text == "Wet Weather ...... 7"
    assert line.height == 30 and page.confidence == 95.0


def test_pages_without_entries_are_untouched() -> None:
    line = ocr.OcrLine("Plain words 7", 100, 130, 30, 0, [word(100, 100, 200, 30, "Plain")])
    line.words.append(word(320, 100, 200, 30, "words"))
    page = ocr.OcrPage(1000, 1400, [line], confidence=95.0)
    assert ocr_leaders.tidy(page, None, "eng") is page  # type: ignore[arg-type]
    assert line.text == "Plain words 7"
