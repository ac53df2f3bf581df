"""Contents entries on OCR'd pages, written as a text layer has them: "Overview ...... 5".

Tesseract reads a dot leader as dots running into dot-shaped letters and signs ("ccceee",
"sees", "®"), and the leader's noise often garbles the title in front of it ("Overview"
came out as "OU GIVI6 Wises"): its line recogniser reads the whole line at once. An entry
is a title, then a leader, then a page number ending the line. The leader starts at the
first word that is flat (dots sit on the baseline, so the box is a sliver of the line's
height), holds a run of dots, or is a long string of dot-shaped letters. On an upright
page each entry's title is read again from the image with the leader cut off (all titles
of the page stacked into one image: one more engine run per contents page), and the
leader is written as dots, about as many as were read, as the text layer has them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from PIL import Image

from ingest import ocr

JUNK = frozenset(".,:;'`‘’\"·•®©°*~_-–—|!")
DOTTY = frozenset("aceimnorsuvwxz")  # letters a row of small dots is misread as
DOT_RUN = re.compile(r"\.\s?\.\s?\.")
NUMBER = re.compile(r"\d{1,4}")
FLAT = 0.35  # a word lower than this share of the line's tallest word is dots, not text
DOTTY_WORD = 12  # a word this long of dot-shaped letters only is a leader, not a word
LEADER_DOTS, LEADER_LONG = 5, 25  # a leader has this many dots or is this long...
LEADER_SHARE = 0.8  # ...and this share of its characters are dots, signs or dot-shaped
PAD = 0.3  # of the line's height, around a title cut out for reading again
GAP = 40  # pixels between the titles stacked for reading again


@dataclass(frozen=True)
class Entry:
    title: str
    leader: str  # as OCR read it
    number: str
    start: int  # index of the word the leader starts in
    whole: bool  # the leader starts at that word's start (the title ends before it)

    def text(self, title: str | None = None) -> str:
        dots = max(3, sum(not c.isspace() for c in self.leader))
        return f"{title or self.title} {'.' * dots} {self.number}"


def split(words: list[str], flat: list[bool] | None = None) -> Entry | None:
    """The contents entry these words of one line make, or None if they are not one."""
    flat = flat or [False] * len(words)
    if len(words) < 2 or not NUMBER.fullmatch(words[-1]):
        return None
    for index, word in enumerate(words[:-1]):
        head = _leader_start(word, flat[index])
        if head is not None:
            break
    else:
        return None
    title = " ".join([*words[:index], words[index][:head]]).strip()
    leader = " ".join([words[index][head:], *words[index + 1 : -1]])
    if not any(c.isalpha() for c in title) or not _is_leader(leader, flat[index:-1]):
        return None
    return Entry(title, leader, words[-1], index, head == 0)


def leaders_cleaned(text: str) -> str:
    """One line's text with a contents entry's leader written as dots (text alone)."""
    entry = split(text.split())
    return entry.text() if entry else text


def _leader_start(word: str, flat: bool) -> int | None:
    if flat:
        return 0
    found = DOT_RUN.search(word)
    if found:
        return found.start()
    letters = [c for c in word if c.isalpha()]
    if word.count(".") >= 3 and not letters:  # "2.2.0.0.": dots read with digits
        return 0
    if len(word) >= DOTTY_WORD and set(word) <= DOTTY | JUNK:
        return 0
    return None


def _is_leader(leader: str, flat: list[bool]) -> bool:
    if any(flat):
        return True
    chars = [c for c in leader if not c.isspace()]
    if leader.count(".") < LEADER_DOTS and len(chars) < LEADER_LONG:
        return False
    dotty = sum(c in JUNK or c in DOTTY or c.isdigit() for c in chars)
    return dotty >= LEADER_SHARE * len(chars)


def tidy(page: ocr.OcrPage, image: Image.Image, languages: str) -> ocr.OcrPage:
    """The page with its contents entries' leaders as dots and their titles read again."""
    found: list[tuple[ocr.OcrLine, Entry]] = []
    for line in page.lines:
        entry = split([w.text for w in line.words], _flat(line, page.turn))
        if entry is not None:
            found.append((line, entry))
    if not found:
        return page
    again = [(line, entry) for line, entry in found if page.turn == 0 and entry.whole]
    titles = _read_titles(image, again, languages) if again else []
    reread = {id(line): words for (line, _), words in zip(again, titles, strict=True)}
    for line, entry in found:
        _rewrite(line, entry, reread.get(id(line)), page.turn)
    page.confidence = ocr.mean_confidence(page.lines)
    return page


def _size(word: ocr.Word, turn: int) -> int:
    """The word's height on the page turned upright."""
    return word.width if turn in (90, 270) else word.height


def _flat(line: ocr.OcrLine, turn: int) -> list[bool]:
    tallest = max(_size(w, turn) for w in line.words)
    return [_size(w, turn) < FLAT * tallest for w in line.words]


def _rewrite(line: ocr.OcrLine, entry: Entry, reread: list[ocr.Word] | None, turn: int) -> None:
    """The line's text as the entry; its words (for confidence) and its size (the leader's
    slivers made the median word tiny) without the leader."""
    title = _title_of(reread) if reread else ""
    kept, number = line.words[: entry.start], line.words[-1]
    line.text = entry.text(title or None)
    line.words = [*(reread if title and reread else kept), number]
    line.height = median(_size(w, turn) for w in [*kept, number])


def _title_of(words: list[ocr.Word]) -> str:
    """A title read again: any dots left at its end (the leader's first) cut off."""
    text = " ".join(w.text for w in words)
    found = DOT_RUN.search(text)
    text = text[: found.start()] if found else text
    return text.rstrip("".join(JUNK) + " ") if any(c.isalpha() for c in text) else ""


def _read_titles(
    image: Image.Image, entries: list[tuple[ocr.OcrLine, Entry]], languages: str
) -> list[list[ocr.Word]]:
    """Each entry's title cut from the image up to its leader, all stacked in one image and
    read as one block of lines; the words that fall in each title's band, in order."""
    crops = [_title_crop(image, line, entry) for line, entry in entries]
    width = max(crop.width for crop in crops) + 2 * GAP
    stacked = Image.new("L", (width, sum(c.height + GAP for c in crops) + GAP), 255)
    bands, y = [], GAP
    for crop in crops:
        stacked.paste(crop, (GAP, y))
        bands.append((y, y + crop.height))
        y += crop.height + GAP
    read = ocr.parse_tsv(ocr.run(stacked, languages, psm=6), *stacked.size)
    words = [word for line in read.lines for word in line.words]
    return [[w for w in words if top <= w.top + w.height / 2 < bottom] for top, bottom in bands]


def _title_crop(image: Image.Image, line: ocr.OcrLine, entry: Entry) -> Image.Image:
    title, number = line.words[: entry.start], line.words[-1]
    pad = round(PAD * max(w.height for w in [*title, number]))
    top = min(w.top for w in [*title, number]) - pad
    bottom = max(w.top + w.height for w in [*title, number]) + pad
    left = min(w.left for w in title) - pad
    right = line.words[entry.start].left
    return image.crop((max(0, left), max(0, top), right, min(image.height, bottom)))
