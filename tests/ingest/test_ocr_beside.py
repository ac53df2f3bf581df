"""Text beside a paragraph in another size, read as a block of its own: made-up words laid
out as Tesseract reports a 200 dpi page (its TSV: block, paragraph and line numbers and
each word's box), read through `ocr.parse_tsv` as the app reads the engine's output."""

from __future__ import annotations

from ingest import ocr
from ingest.ocr_beside import split_beside

CHAR = 12  # pixels per character of 24 px type
WIDTH, HEIGHT = 1654, 2339  # an A4 page at 200 dpi


def tsv(*words: tuple[int, int, int, int, int, int, str]) -> str:
    """Rows of (block, paragraph, line, left, top, height, text), in reading order."""
    columns = "level page_num block_num par_num line_num word_num left top width height conf text"
    rows = ["\t".join(columns.split())]
    for number, (block, par, line, left, top, height, text) in enumerate(words, 1):
        width = len(text) * CHAR * height // 24
        fields = (5, 1, block, par, line, number, left, top, width, height, 95.0, text)
        rows.append("\t".join(str(field) for field in fields))
    return "\n".join(rows)


def lines(page_tsv: str) -> list[tuple[int, str, bool]]:
    page = split_beside(ocr.parse_tsv(page_tsv, WIDTH, HEIGHT))
    return [(line.para, line.text, line.beside) for line in page.lines]


# The shared policy's cover as Tesseract read it: the "NHS England" logo at the right
# margin, in type four times the height of the two labels at the left, taken into them.
COVER = tsv(
    (1, 1, 1, 150, 95, 24, "Classification:"),
    (1, 1, 1, 350, 95, 24, "Official"),
    (1, 1, 1, 1320, 90, 90, "NHS"),
    (1, 1, 2, 150, 190, 24, "Publication"),
    (1, 1, 2, 300, 190, 24, "reference:"),
    (1, 1, 2, 440, 190, 24, "PR2086"),
    (1, 1, 2, 1320, 205, 70, "England"),
    (2, 1, 1, 150, 830, 90, "Commissioning"),
)


def test_a_logo_beside_a_paragraph_is_read_after_it_as_one_block() -> None:
    assert lines(COVER) == [
        (0, "Classification: Official", False),
        (0, "Publication reference: PR2086", False),
        (1, "NHS", True),
        (1, "England", True),
        (2, "Commissioning", False),
    ]


def test_the_words_keep_their_boxes_and_the_lines_their_sizes() -> None:
    page = split_beside(ocr.parse_tsv(COVER, WIDTH, HEIGHT))
    assert [line.height for line in page.lines[:4]] == [24, 24, 90, 70]
    assert page.lines[2].left == 1320 and page.lines[0].right < 500
    assert page.confidence == 95.0


def test_a_label_and_its_value_in_the_same_size_stay_one_line() -> None:
    row = tsv((1, 1, 1, 150, 400, 24, "Ratified:"), (1, 1, 1, 1100, 400, 24, "October"))
    assert lines(row) == [(0, "Ratified: October", False)]


def test_a_large_word_close_to_the_text_stays_in_its_line() -> None:
    # A drop capital or an emphasised word: in another size but no wide gap before it.
    close = tsv((1, 1, 1, 150, 400, 24, "Welcome"), (1, 1, 1, 260, 380, 80, "ALL"))
    assert lines(close) == [(0, "Welcome ALL", False)]


def test_pieces_that_do_not_stand_over_one_another_are_two_blocks() -> None:
    apart = tsv(
        (1, 1, 1, 150, 100, 24, "First"),
        (1, 1, 1, 1300, 90, 90, "ONE"),
        (2, 1, 1, 150, 1500, 24, "Second"),
        (2, 1, 1, 1000, 1490, 90, "TWO"),
        (2, 1, 2, 150, 1540, 24, "paragraph"),
    )
    paras = [(para, text) for para, text, _ in lines(apart)]
    assert paras == [(0, "First"), (1, "ONE"), (2, "Second"), (2, "paragraph"), (3, "TWO")]
