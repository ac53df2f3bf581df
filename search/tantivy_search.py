"""How the tantivy engine reads a search: the page ranked by BM25 with ties broken by
passage id, the exact count, and the facets, all from one searcher (one snapshot).

tantivy's top-k breaks ties by its own document address; the embedded engine's
order is (score, passage id). So a page is cut from the best matches fetched up to
the last one scoring as the page's last: a tie straddling the page's edge is
fetched whole and sorted by passage id before the cut.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import tantivy

from search.base import (
    FACET_FIELDS,
    FacetCount,
    SearchHit,
    SearchRequest,
    SearchResult,
    SimilarRequest,
)
from search.cursor import decode_cursor, encode_cursor
from search.highlight import highlight
from search.query import Or, Term
from search.similar import candidate_stems, salient
from search.sqlite_search import FACET_SIZE
from search.tantivy_query import compile_request

# Buckets asked per facet field: the FACET_SIZE best are cut here by (count, value),
# the embedded engine's order (tantivy orders ties of a count its own way).
FACET_FETCH = 1000
# Values each segment hands on to the merge: every one. tantivy's default (10 x size)
# drops a segment's rarer values before the segments are summed, so a value rare in
# one segment and frequent in another was counted too low.
SEGMENT_FETCH = 2**31 - 1
# The facets of a search are counted beside its ranking, on another core (tantivy
# lets go of the GIL while it searches).
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tantivy-facets")

Row = tuple[float, int]  # (score, passage id)


@dataclass
class _Ranked:
    rows: list[Row]  # best first, (-score, passage id) order
    exhausted: bool  # every match is in rows
    total: int  # every match, counted when asked


def search(
    searcher: tantivy.Searcher,
    query: tantivy.Query,
    request: SearchRequest,
    texts: Callable[[list[int]], dict[int, str]],
) -> SearchResult:
    """Rank, count and facet; `texts` reads the page's passages for highlights."""
    if request.ranking_only:
        rows, _ = _page(searcher, query, request, count=False)
        hits = tuple(SearchHit(pid, score, ()) for score, pid in rows)
        return SearchResult(len(hits), hits, {}, _next_cursor(rows, request.limit))
    counting: Future[dict[str, tuple[FacetCount, ...]]] | None = None
    if request.facets:
        counting = _POOL.submit(facets, searcher, query)
    try:
        rows, total = _page(searcher, query, request, count=True)
        found = texts([pid for _, pid in rows])
        facet_counts = counting.result() if counting is not None else {}
    finally:
        if counting is not None and not counting.cancel():
            counting.exception()  # never leave it running behind a failed search
    hits = tuple(
        SearchHit(pid, score, highlight(found.get(pid, ""), request.query)) for score, pid in rows
    )
    return SearchResult(total, hits, facet_counts, _next_cursor(rows, request.limit))


def similar(
    searcher: tantivy.Searcher,
    request: SimilarRequest,
    texts: Callable[[list[int]], dict[int, str]],
) -> tuple[SearchHit, ...]:
    """ "More like this" as the embedded engine does it (search/similar.py): the text's
    salient stems, by document frequencies read from the index, any of them."""

    def doc_freq(keys: Iterable[str]) -> dict[str, int]:
        return {key: searcher.doc_freq("stem", key) for key in keys}

    terms = salient(candidate_stems(request.text), doc_freq, searcher.num_docs)
    if not terms:
        return ()
    node = Or(tuple(Term(word) for _, word in terms))
    query = compile_request(searcher, node, request.filters, request.exclude_ids)
    rows = _ranked(searcher, query, request.limit, count=False).rows[: request.limit]
    found = texts([pid for _, pid in rows])
    return tuple(SearchHit(pid, score, highlight(found.get(pid, ""), node)) for score, pid in rows)


def _page(
    searcher: tantivy.Searcher, query: tantivy.Query, request: SearchRequest, count: bool
) -> tuple[list[Row], int]:
    """The page's rows, after the cursor or from the offset, and the count."""
    if request.cursor:
        return _after_cursor(searcher, query, request, count)
    ranked = _ranked(searcher, query, request.offset + request.limit, count)
    return ranked.rows[request.offset : request.offset + request.limit], ranked.total


def _after_cursor(
    searcher: tantivy.Searcher, query: tantivy.Query, request: SearchRequest, count: bool
) -> tuple[list[Row], int]:
    """tantivy cannot start a search after a score: the best matches are fetched, more
    each round, until the page after the cursor is whole (as deep as an offset)."""
    rank, last_id = decode_cursor(request.cursor or "")
    score = -rank  # the cursor holds the embedded engine's rank: -score
    need, total = max(2 * request.limit, 32), -1
    while True:
        ranked = _ranked(searcher, query, need, count and total < 0)
        total = ranked.total if total < 0 else total
        after = [r for r in ranked.rows if r[0] < score or (r[0] == score and r[1] > last_id)]
        if len(after) >= request.limit or ranked.exhausted:
            return after[: request.limit], total
        need *= 4


def _ranked(searcher: tantivy.Searcher, query: tantivy.Query, need: int, count: bool) -> _Ranked:
    """At least the `need` best matches in (score, passage id) order (fewer when there
    are fewer), with every match tied with the last of them."""
    if need <= 0:
        result = searcher.search(query, limit=1, count=count)
        return _Ranked([], False, _count(result) if count else 0)
    # One past the page: when it scores below the page's last, no tie crosses the edge.
    fetch, total = need + 1, -1
    while True:
        result = searcher.search(query, limit=fetch, count=count and total < 0)
        total = _count(result) if total < 0 and count else total
        hits = result.hits
        if len(hits) < fetch or hits[-1][0] < hits[need - 1][0]:
            break
        fetch *= 2
    ids = searcher.fast_field_values("passage_id", [address for _, address in hits])
    rows = [(float(s), int(i or 0)) for (s, _), i in zip(hits, ids, strict=True)]
    exhausted = len(hits) < fetch
    if not exhausted:  # the last score's ties may go on past what was fetched
        edge = hits[need - 1][0]
        rows = [r for r in rows if r[0] >= edge]
    rows.sort(key=lambda r: (-r[0], r[1]))
    return _Ranked(rows, exhausted, total if count else len(rows))


def _count(result: tantivy.SearchResult) -> int:
    """The exact count asked with count=True (tantivy-py 0.27's stub lacks `count`)."""
    found: Any = result
    return int(found.count or 0)


def facets(searcher: tantivy.Searcher, query: tantivy.Query) -> dict[str, tuple[FacetCount, ...]]:
    """The FACET_SIZE most frequent values of each facet field among the matches."""
    aggs = {
        name: {"terms": {"field": name, "size": FACET_FETCH, "segment_size": SEGMENT_FETCH}}
        for name in FACET_FIELDS
    }
    found = searcher.aggregate(query, aggs)
    out: dict[str, tuple[FacetCount, ...]] = {}
    for name in FACET_FIELDS:
        counts = [(_key(b["key"]), int(b["doc_count"])) for b in found[name]["buckets"]]
        counts.sort(key=lambda item: (-item[1], item[0]))
        out[name] = tuple(FacetCount(str(value), n) for value, n in counts[:FACET_SIZE])
    return out


def _key(value: Any) -> int | str:
    """Numbers (document ids) sort as numbers, as they do in SQLite."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int | str) else str(value)


def _next_cursor(rows: list[Row], limit: int) -> str | None:
    if len(rows) < limit or not rows:
        return None
    score, pid = rows[-1]
    return encode_cursor(-score, pid)
