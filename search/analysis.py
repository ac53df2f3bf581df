"""Text analysis shared by the engines and the highlighter.

It mirrors the Elasticsearch mapping's analyzers (search/elastic/mapping.py):
words are runs of letters and digits, folded to lower case without accents;
the stemmed form drops English stop words and applies the Porter stemmer.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

import Stemmer

# Lucene's English stop words: the same list the Elasticsearch mapping uses.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
    ]
)

WORD = re.compile(r"[^\W_]+")
_stemmer = Stemmer.Stemmer("porter")
# Identifies this analysis; indexes written by a different one are rebuilt.
ANALYSIS_VERSION = hashlib.sha256(
    "|".join([WORD.pattern, "porter", Stemmer.version(), *sorted(STOPWORDS)]).encode()
).hexdigest()[:12]


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case without diacritics, like unicode61's remove_diacritics and asciifolding."""
    lowered = word.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return [fold(w) for w in WORD.findall(text)]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter stem of a folded word."""
    return _stemmer.stemWord(word)


def stems(text: str) -> list[str]:
    """The stemmed, stop-word-free words of `text`, in order."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]
