"""Choosing the terms of a "more like this" query for the embedded engine.

Elasticsearch has `more_like_this`; SQLite has none, so we do what it does: keep
the excerpt's words that are frequent in it and rare in the index (tf x idf), and
ask for passages with any of them, ranked by BM25.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable

from search.analysis import STOPWORDS, stem, words

MAX_TERMS = 25  # Elasticsearch's max_query_terms default
MIN_WORD_CHARS = 3


def candidate_stems(text: str) -> dict[str, tuple[int, str]]:
    """stem -> (count in text, first folded word with that stem, for highlighting)."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for word in words(text):
        if word in STOPWORDS or len(word) < MIN_WORD_CHARS or word.isdigit():
            continue
        key = stem(word)
        counts[key] += 1
        first.setdefault(key, word)
    return {key: (n, first[key]) for key, n in counts.items()}


def salient(
    candidates: dict[str, tuple[int, str]],
    doc_freq: Callable[[Iterable[str]], dict[str, int]],
    total_docs: int,
    max_terms: int = MAX_TERMS,
) -> list[tuple[str, str]]:
    """The best (stem, word) pairs by tf-idf; terms the index lacks are useless."""
    df = doc_freq(candidates)
    scored = [
        (tf * math.log(1 + total_docs / df[key]), key, word)
        for key, (tf, word) in candidates.items()
        if df.get(key)
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [(key, word) for _, key, word in scored[:max_terms]]
