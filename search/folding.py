"""THE folding: how "Straße", "STRASSE" and "strasse" become one word, in both engines.

One definition, two steps, applied identically:
1. `FOLDING`, a table of single characters to what they fold to, built here once:
   precomposed letters lose their accents (their Unicode decomposition without the
   combining marks: é → e, Å → A, ǅ → Dz), ligatures and full-width forms become
   plain letters (ﬁ → fi, Ａ → A), letters that have no decomposition get their
   usual Latin spelling (ß → ss, ø → o, æ → ae, œ → oe, ł → l, đ → d, þ → th …),
   Greek final sigma is sigma, and loose combining accents (text typed as e + ´)
   are dropped, so decomposed and precomposed text fold alike.
2. Lower case, code point by code point (Java's `Character.toLowerCase`, which
   Lucene's `lowercase` filter uses: no context rules such as Greek final sigma).

Words are then runs of letters and digits (`WORD`). The table maps letters and
digits only to letters and digits, so folding never moves a word boundary, and
its results are already folded (folding twice changes nothing).

The SQLite engine folds in Python (search/analysis.py) and hands FTS5 the folded
words; the Elasticsearch mapping sends this same table as a `mapping` char filter
before its tokenizer and `lowercase` (search/elastic/mapping.py). Scripts outside
Latin and Greek (Cyrillic й and и stay two letters) are only lower-cased.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Letters with no Unicode decomposition, spelled as Latin text usually spells them.
_SPELLED = {
    "ß": "ss",
    "ẞ": "SS",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "þ": "th",
    "Þ": "TH",
    "ħ": "h",
    "Ħ": "H",
    "ı": "i",
    "ŧ": "t",
    "Ŧ": "T",
    "ŀ": "l",  # Catalan l·l: the dot is punctuation
    "Ŀ": "L",
    "ƀ": "b",
    "ƒ": "f",
    "ŋ": "n",
    "Ŋ": "N",
    "ĸ": "k",
    "ς": "σ",  # final sigma is sigma
}

# Blocks whose characters fold (Latin, Greek, ligatures, full-width letters, super-
# and subscript digits); other scripts are left to lower case alone.
_BLOCKS = (
    (0x00A0, 0x00FF),  # Latin-1 Supplement (ª, º, ¹, ², ³ and the accented letters)
    (0x0100, 0x024F),  # Latin Extended-A and -B
    (0x0370, 0x03FF),  # Greek
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese among others)
    (0x1F00, 0x1FFF),  # Greek Extended (polytonic)
    (0x2070, 0x209F),  # superscript and subscript digits and letters
    (0x2100, 0x214F),  # letterlike symbols (Å the Ångström sign, K the Kelvin sign, ℕ)
    (0xFB00, 0xFB06),  # Latin ligatures ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ
    (0xFF10, 0xFF5A),  # full-width digits and Latin letters
)
COMBINING = (0x0300, 0x036F)  # Combining Diacritical Marks: dropped wherever they stand


def _is_word(text: str) -> bool:
    return bool(text) and all(ch.isalnum() for ch in text)


def _fold_char(ch: str) -> str:
    if ch in _SPELLED:
        return _SPELLED[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    kept = "".join(c for c in decomposed if not COMBINING[0] <= ord(c) <= COMBINING[1])
    return "".join(_SPELLED.get(c, c) for c in kept)


def _build() -> dict[int, str]:
    table: dict[int, str] = {code: "" for code in range(COMBINING[0], COMBINING[1] + 1)}
    for first, last in _BLOCKS:
        for code in range(first, last + 1):
            ch = chr(code)
            folded = _fold_char(ch)
            small = ch.lower()
            if folded == ch and len(small) == 1 and _fold_char(small) != small:
                folded = _fold_char(small)  # Ƒ has no decomposition, its lower case ƒ has
            # Only letters and digits to letters and digits: word boundaries stay put.
            if folded != ch and _is_word(ch) and _is_word(folded):
                table[code] = folded
    return table


FOLDING: dict[int, str] = _build()
# A word: a run of letters and digits, or of the combining marks the table drops.
WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
# Identifies the folding; indexes written under another one are rebuilt.
FOLDING_VERSION = hashlib.sha256(
    repr((sorted(FOLDING.items()), WORD.pattern, unicodedata.unidata_version)).encode()
).hexdigest()[:12]


def lower(text: str) -> str:
    """Lower case code point by code point, as Java's Character.toLowerCase (Python's
    str.lower makes a final Σ into ς and İ into two characters)."""
    lowered = text.lower()
    if len(lowered) == len(text) and "ς" not in lowered:
        return lowered
    return "".join(ch.lower()[0] if ch != "Σ" else "σ" for ch in text)


def fold(word: str) -> str:
    """One word folded: the table, then lower case."""
    if word.isascii():
        return word.lower()
    return lower(word.translate(FOLDING))


def es_mappings() -> list[str]:
    """The table as the rules of an Elasticsearch `mapping` char filter ("\\u00df => ss"),
    every character escaped so no rule depends on how a client sends Unicode."""
    return [f"{_escape(chr(code))} => {_escape(value)}" for code, value in sorted(FOLDING.items())]


def _escape(text: str) -> str:
    return "".join(f"\\u{ord(ch):04x}" for ch in text)
