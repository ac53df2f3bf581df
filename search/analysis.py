"""Text analysis shared by the engines and the highlighter.

Words are runs of letters and digits, folded by THE folding (search/folding.py:
no accents, ß → ss, ø → o, lower case); the stemmed form drops English stop words
and applies the Porter stemmer. The Elasticsearch mapping's analyzers
(search/elastic/mapping.py) are built from the same definitions, and
tests/search/test_folding.py checks both engines' real analysis agree.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import Stemmer

from search.folding import FOLDING_VERSION, WORD
from search.folding import fold as fold_word

# Lucene's English stop words, and "s" (what a possessive leaves: "ICS's"; the one
# word Porter stems to nothing): the same list the Elasticsearch mapping uses.
STOPWORDS = frozenset(
    [
        "s",
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

_stemmer = Stemmer.Stemmer("porter")
# Identifies this analysis; indexes written by a different one are rebuilt.
ANALYSIS_VERSION = hashlib.sha256(
    "|".join([FOLDING_VERSION, "porter", Stemmer.version(), *sorted(STOPWORDS)]).encode()
).hexdigest()[:12]


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """A word as both engines index it (search/folding.py)."""
    return fold_word(word)


def words(text: str) -> list[str]:
    """The folded words of `text`, in order (a run of loose accents alone is no word)."""
    return [w for w in map(fold, WORD.findall(text)) if w]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter stem of a folded word."""
    return _stemmer.stemWord(word)


def stems(text: str) -> list[str]:
    """The stemmed, stop-word-free words of `text`, in order."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]
