"""Word's automatic numbering (numbering.xml), reproduced as a reader sees it.

A paragraph is numbered by `w:numPr` (its own, or its style's), naming a `w:num`
that points at an abstract list definition. Counters live per abstract list, so
two `w:num` sharing one definition continue each other, as in Word, unless a
`w:startOverride` restarts them. When a deeper level is used before the level
above it, Word shows the upper level at its start value and counts it as used,
so the next upper-level item is start + 1 (the corpus constitution's "1.1" then
"2 Composition of the Board" relies on it; LibreOffice does the same).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_ROMAN = [
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
]


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def wval(element: etree._Element | None, tag: str) -> str | None:
    """The w:val of a child `tag` of element, or None."""
    if element is None:
        return None
    child = element.find(w(tag))
    return None if child is None else child.get(w("val"))


@dataclass(frozen=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # restart after this (1-based) level; 0 = never
    legal: bool = False  # w:isLgl: show every level in decimal


@dataclass
class Numbering:
    levels: dict[str, dict[int, Level]] = field(default_factory=dict)  # abstract id -> levels
    nums: dict[str, str] = field(default_factory=dict)  # numId -> abstract id
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # numId -> start values
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)  # numIds whose overrides were applied

    @classmethod
    def parse(cls, xml: bytes | None, style_nums: dict[str, str]) -> Numbering:
        numbering = cls()
        if not xml:
            return numbering
        root = etree.fromstring(xml)
        links: dict[str, str] = {}  # abstract id -> style it links to (w:numStyleLink)
        for abstract in root.iter(w("abstractNum")):
            aid = abstract.get(w("abstractNumId")) or ""
            numbering.levels[aid] = {_ilvl(lvl): _level(lvl) for lvl in abstract.iter(w("lvl"))}
            if (link := wval(abstract, "numStyleLink")) is not None:
                links[aid] = link
        for num in root.iter(w("num")):
            num_id = num.get(w("numId")) or ""
            numbering.nums[num_id] = wval(num, "abstractNumId") or ""
            numbering.overrides[num_id] = {
                _ilvl(o): int(v)
                for o in num.iter(w("lvlOverride"))
                if (v := wval(o, "startOverride")) is not None
            }
        numbering._follow_style_links(links, style_nums)
        return numbering

    def _follow_style_links(self, links: dict[str, str], style_nums: dict[str, str]) -> None:
        # A definition that only says "use the list of style X" borrows X's list.
        for num_id, aid in self.nums.items():
            style_num = style_nums.get(links.get(aid, ""))
            if style_num is not None and style_num in self.nums:
                self.nums[num_id] = self.nums[style_num]

    def label(self, num_id: str, ilvl: int) -> tuple[str, bool] | None:
        """The visible label for the next paragraph of this list and level, and whether it
        is a bullet (bullets are not part of the text a reader cites)."""
        aid = self.nums.get(num_id)
        levels = self.levels.get(aid or "")
        if num_id == "0" or not levels or ilvl not in levels:
            return None
        counters = self._count(num_id, aid or "", levels, ilvl)
        level = levels[ilvl]
        if level.fmt == "bullet":
            return "", True
        if level.fmt == "none":
            return "", False
        text = level.text
        for i in range(9):
            if f"%{i + 1}" in text:
                counter = counters[i]
                value = counter if counter is not None else _start(levels, i)
                fmt = "decimal" if level.legal else levels.get(i, Level()).fmt
                text = text.replace(f"%{i + 1}", format_number(value, fmt))
        return text, False

    def _count(
        self, num_id: str, aid: str, levels: dict[int, Level], ilvl: int
    ) -> list[int | None]:
        counters = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in self.overrides.get(num_id, {}).items():
                counters[lvl] = start - 1 if 0 <= lvl < 9 else None
                counters[lvl + 1 :] = [None] * (8 - lvl)
        for upper in range(ilvl):  # a deeper level first: the upper ones stand at start
            if counters[upper] is None:
                counters[upper] = _start(levels, upper)
        current = counters[ilvl]
        counters[ilvl] = _start(levels, ilvl) if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            restart = levels.get(deeper, Level()).restart
            if restart is None or (restart != 0 and restart > ilvl):
                counters[deeper] = None
        return counters


def _ilvl(element: etree._Element) -> int:
    return int(element.get(w("ilvl")) or 0)


def _level(lvl: etree._Element) -> Level:
    restart = wval(lvl, "lvlRestart")
    return Level(
        start=int(wval(lvl, "start") or 1),
        fmt=wval(lvl, "numFmt") or "decimal",
        text=wval(lvl, "lvlText") or "",
        restart=int(restart) if restart is not None else None,
        legal=lvl.find(w("isLgl")) is not None and wval(lvl, "isLgl") not in ("0", "false"),
    )


def _start(levels: dict[int, Level], ilvl: int) -> int:
    return levels.get(ilvl, Level()).start


def format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = _letters(value)
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)  # decimal, and the spelled-out formats read as numbers


def _letters(value: int) -> str:
    # Word: a..z, then aa..zz, aaa..zzz (repeated letters, not base 26).
    if value < 1:
        return str(value)
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def _roman(value: int) -> str:
    if value < 1:
        return str(value)
    out = []
    for number, letters in _ROMAN:
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)
