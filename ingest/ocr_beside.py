"""Text beside a paragraph on OCR'd pages, in another size, read as a block of its own.

Tesseract's layout analysis can take a logo or a label standing beside a paragraph, in a
much larger type, into that paragraph: the cover of the shared commissioning policy came
out as "Classification: Official NHS" / "Publication reference: PR2086 England", the
"NHS England" logo at the right margin read into the two lines at the left. The logo's
words then made the first line four times its height and the paragraph "24 pt", so the
reference line became a heading, and the two lines no longer read on.

A paragraph's words are split where a clear vertical gap runs through the whole paragraph
(no word of it spans the gap), wider than a few heights of its larger type, and the type
on the two sides differs markedly in size. Word spaces and tab stops are far narrower, or
the type on both sides is the same size (a table row, a label and its value), so those
stay. What stands to the right is read after the paragraph, as the right-hand column is
read after the left one; such pieces of consecutive paragraphs that stand over one
another (the logo's two lines) are read together, as one block.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from ingest.ocr import OcrLine, OcrPage, Word, line_of

GAP = 3.0  # in heights of the larger type: no word space or tab stop is that wide
SIZE = 2.5  # ratio of type heights: an x-height word against a tall one is up to about 2.2


@dataclass
class _Piece:
    words: list[Word]
    left: float
    right: float
    height: float  # the tallest word's height: the type's size (a short word's is its x-height)


def split_beside(page: OcrPage) -> OcrPage:
    """The page with the text beside each paragraph made paragraphs of their own."""
    out: list[tuple[list[list[Word]], bool]] = []  # paragraphs (lines' words), beside or not
    beside: list[_Piece] = []  # pieces not yet placed, standing over one another
    for _, group in groupby(page.lines, key=lambda line: line.para):
        main, pieces = _split(page, list(group))
        if beside and not (pieces and _over(beside[-1], pieces[0])):
            out.append(([piece.words for piece in beside], True))
            beside = []
        out.append((main, False))
        beside.extend(pieces)
    if beside:
        out.append(([piece.words for piece in beside], True))
    image = (page.height, page.width) if page.turn in (90, 270) else (page.width, page.height)
    page.lines = []
    for number, (para, aside) in enumerate(out):
        for words in para:
            page.lines.append(line_of(words, number, page.turn, *image))
            page.lines[-1].beside = aside
    return page


def _split(page: OcrPage, lines: list[OcrLine]) -> tuple[list[list[Word]], list[_Piece]]:
    """The paragraph's lines left of a gap, and the pieces right of it, line by line."""
    image = (page.height, page.width) if page.turn in (90, 270) else (page.width, page.height)
    words = [word for line in lines for word in line.words]
    cut = _gap(words, page.turn, image)
    if cut is None:
        return [line.words for line in lines], []
    main, pieces = [], []
    for line in lines:
        left = [w for w in line.words if w.across(page.turn, *image)[1] <= cut]
        right = [w for w in line.words if w.across(page.turn, *image)[1] > cut]
        if left:
            main.append(left)
        if right:
            pieces.append(_piece(right, page.turn, image))
    return main, pieces


def _gap(words: list[Word], turn: int, image: tuple[int, int]) -> float | None:
    """Where the paragraph splits (an x on the upright page), if it does."""
    spans = sorted((w.across(turn, *image), w.upright(turn, *image), w) for w in words)
    reach = spans[0][0][1]
    for index in range(1, len(spans)):
        (left, _), _, _ = spans[index]
        if left > reach:
            a = _piece([s[2] for s in spans[:index]], turn, image)
            b = _piece([s[2] for s in spans[index:]], turn, image)
            big, small = max(a.height, b.height), min(a.height, b.height)
            if left - reach > GAP * big and big > SIZE * small:
                return reach
        reach = max(reach, spans[index][0][1])
    return None


def _piece(words: list[Word], turn: int, image: tuple[int, int]) -> _Piece:
    across = [w.across(turn, *image) for w in words]
    tall = max(w.upright(turn, *image)[1] - w.upright(turn, *image)[0] for w in words)
    return _Piece(words, min(a[0] for a in across), max(a[1] for a in across), tall)


def _over(above: _Piece, below: _Piece) -> bool:
    """Whether two pieces stand over one another (share some of their width)."""
    return min(above.right, below.right) > max(above.left, below.left)
