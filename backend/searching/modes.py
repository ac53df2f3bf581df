"""Search modes beyond plain lexical: the rankings, their fusion, and the relaxing of
plain-word queries. One place for both engines, so they give the same order.

- lexical: the engine's BM25 over the query as written; a query of plain words that
  matches fewer than RELAX_BELOW passages is run again as "at least half of these
  words" (search.query.relax), and the response says so.
- semantic: the K passages nearest the query's embedding (cosine), K = CANDIDATES or
  the page's end, whichever is larger (Elasticsearch's kNN `k`).
- hybrid: reciprocal rank fusion of the relaxed lexical top K and the semantic top K.

Semantic and hybrid results are those K candidates: `total` counts them and facets
count over them, as Elasticsearch does for kNN with aggregations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from search.base import Filters, NearestRequest, SearchEngine, SearchRequest, SearchResult
from search.errors import QuerySyntaxError
from search.query import Node, Or, parse, plain_terms, relax
from search.vectors.fusion import reciprocal_rank_fusion

CANDIDATES = 100
MAX_CANDIDATES = 1000  # deeper than this, semantic and hybrid pages are refused
RELAX_BELOW = 3  # fewer hits than this for plain words: relax the query


class SearchMode(StrEnum):
    lexical = "lexical"
    semantic = "semantic"
    hybrid = "hybrid"


class ModeChoice(StrEnum):
    """What a request may ask for: a mode, or `auto`, the default of the web app and
    the CLI: hybrid, which ranks the evaluation set's answers far better than words
    alone (nDCG@10 0.423 against 0.173, README "Benchmarks"), or lexical when the
    server has semantic search off, the request pages by cursor (lexical only) or the
    query uses quotes or operators (an exact request)."""

    lexical = "lexical"
    semantic = "semantic"
    hybrid = "hybrid"
    auto = "auto"


def resolve(
    choice: ModeChoice, embedding_on: bool, cursor: str | None = None, q: str | None = None
) -> SearchMode:
    if choice != ModeChoice.auto:
        return SearchMode(choice.value)
    if not embedding_on or cursor or (q is not None and _exact(q)):
        return SearchMode.lexical
    return SearchMode.hybrid


def _exact(q: str) -> bool:
    """A query with quotes, operators, prefixes or fuzziness asks for exactly what it
    says (as in the lexical mode's relaxing): `auto` must not add passages found by
    meaning to it. A query that does not parse is left to the search to refuse."""
    try:
        return plain_terms(parse(q)) is None
    except QuerySyntaxError:
        return False


@dataclass(frozen=True)
class Relaxed:
    query: Or
    note: str


def relaxed(query: Node, always: bool = False) -> Relaxed | None:
    loose = relax(query)
    if loose is None:
        return None
    n, m = len(loose.children), loose.min_match
    if always:
        note = f"Word matches count passages with at least {m} of the {n} words."
    else:
        note = (
            f"Few or no passages have all {n} words; showing passages with at least "
            f"{m} of them, best first."
        )
    return Relaxed(loose, note)


async def lexical(
    engine: SearchEngine, query: Node, request: SearchRequest
) -> tuple[SearchResult, Relaxed | None]:
    """The query as written, relaxed when it is plain words and finds (almost) nothing."""
    result = await engine.search(request)
    loose = relaxed(query) if result.total < RELAX_BELOW else None
    if loose is None:
        return result, None
    again = SearchRequest(
        loose.query, request.filters, request.offset, request.limit, request.facets, request.cursor
    )
    retried = await engine.search(again)
    # The retry answers in place of the query as written: what the engine said of that
    # query still holds (today a relaxable query has no proximity, so none to carry).
    kept = tuple(dict.fromkeys(result.caveats + retried.caveats))
    return replace(retried, caveats=kept), loose


def caveats(engine: SearchEngine, query: Node, mode: SearchMode) -> list[str]:
    """Why the hits may differ from what the query means: the engine's caveats on the
    query its lexical search ran, in lexical mode and in hybrid's lexical half (which
    keeps only the ids of its SearchResult; a relaxed query is plain words, on which
    no engine has any). Semantic mode ranks by the query's embedding alone."""
    if mode == SearchMode.semantic:
        return []
    return list(engine.caveats(query))


def candidates_for(offset: int, limit: int) -> int:
    return max(CANDIDATES, offset + limit)


async def semantic(
    engine: SearchEngine, query_vector: tuple[bytes, str], filters: Filters, k: int
) -> tuple[tuple[int, float], ...]:
    """(passage id, cosine) best first, for the query's (vector, model key)."""
    vector, model = query_vector
    return await engine.nearest(NearestRequest(vector, model, filters, k))


async def hybrid(
    engine: SearchEngine, query_vector: tuple[bytes, str], query: Node, filters: Filters, k: int
) -> tuple[list[tuple[int, float]], Relaxed | None]:
    """RRF of the lexical and semantic top k. The lexical half is always relaxed (a
    sentence rarely has every word in the passage it means)."""
    loose = relaxed(query, always=True)
    words = SearchRequest(loose.query if loose else query, filters, 0, k, ranking_only=True)
    lexical_hits = (await engine.search(words)).hits
    nearest = await semantic(engine, query_vector, filters, k)
    fused = reciprocal_rank_fusion(
        [[h.passage_id for h in lexical_hits], [pid for pid, _ in nearest]]
    )
    return fused[:k], loose


def page(ranked: Sequence[tuple[int, float]], offset: int, limit: int) -> list[tuple[int, float]]:
    return list(ranked[offset : offset + limit])
