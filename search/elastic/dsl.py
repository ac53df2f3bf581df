"""The shared query AST compiled to Elasticsearch's query DSL, and filters."""

from __future__ import annotations

from typing import Any

from search.base import Filters, coded_mark
from search.query import And, Node, Not, Or, Phrase, Term, proximity_phrases, written

FUZZY_MAX_EXPANSIONS = 50


def to_query(node: Node) -> dict:
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Phrase):
        return {
            "match_phrase": {"text.exact": {"query": " ".join(node.words), "slop": node.slop or 0}}
        }
    if isinstance(node, Or):
        should = [to_query(c) for c in node.children]
        return {"bool": {"should": should, "minimum_should_match": node.min_match}}
    if isinstance(node, And):
        must = [to_query(c) for c in node.children if not isinstance(c, Not)]
        must_not = [to_query(c.child) for c in node.children if isinstance(c, Not)]
        return {"bool": {"must": must, "must_not": must_not}}
    raise ValueError("a bare NOT reaches no engine: the parser rejects it")


def caveats(node: Node) -> tuple[str, ...]:
    """How match_phrase's slop differs from FTS5's NEAR, the language's meaning ("a
    b"~N: the words in any order, at most N words between the first and the last, the
    query's other words counted). Lucene counts a swap of two words as two moves: two
    words in reverse order are found only with at most N - 2 words between. And it
    measures how far each word stands from its place in the phrase, so the query's
    other words between the first and the last are not counted: with 3 or more words
    it also finds passages NEAR does not (README, "Differences that remain", has the
    counts on random texts). tests/search/test_elasticsearch.py shows both."""
    near = proximity_phrases(node)
    longer = [p for p in near if len(p.words) > 2]
    out: list[str] = []
    if near:
        out.append(
            f"{written(near)}: Elasticsearch counts a swap of two words as two moves, so "
            "it can miss passages where the words are close enough but in another order."
        )
    if longer:
        out.append(
            f"{written(longer)}: Elasticsearch does not count the query's other words "
            "between the first and the last, so it can also find passages where the "
            "words are further apart than asked."
        )
    return tuple(out)


def _term(node: Term) -> dict:
    """Prefixes and fuzzy terms are analysed by Elasticsearch (THE folding, lower case),
    not sent as raw terms: "Straß*" must find "strasse" as the SQLite engine does."""
    typed = node.raw or node.text
    if node.prefix:
        return {
            "simple_query_string": {
                "query": f"{typed}*",
                "fields": ["text.exact"],
                "flags": "PREFIX",  # nothing else in the typed word is an operator
                "analyze_wildcard": True,
                "default_operator": "and",
            }
        }
    if node.fuzzy is not None:
        return {
            "match": {
                "text.exact": {
                    "query": typed,
                    "fuzziness": node.fuzzy,
                    "max_expansions": FUZZY_MAX_EXPANSIONS,
                    "prefix_length": 0,
                    "operator": "and",
                }
            }
        }
    return {"match": {"text": {"query": node.text, "operator": "and"}}}


def to_filters(filters: Filters) -> list[dict]:
    clauses: list[dict] = []
    for field, values in filters.terms():
        if values:
            clauses.append({"terms": {field: list(values)}})
    clauses.extend(_annotation_filters(filters))
    bounds = {}
    if filters.date_from:
        bounds["gte"] = filters.date_from.isoformat()
    if filters.date_to:
        bounds["lte"] = filters.date_to.isoformat()
    if bounds:
        clauses.append({"range": {"date": bounds}})
    return clauses


def _annotation_filters(filters: Filters) -> list[dict]:
    """Code, coder and annotated filters; on `own_codings` documents they look at one
    coder's `coded` marks instead of everyone's codes and coders."""
    own = filters.own_codings
    me = own.coder_id if own else 0
    nothing: dict[str, Any] = {"bool": {"must_not": {"match_all": {}}}}
    pairs: list[tuple[dict, dict]] = []
    if filters.code_ids:
        mine = [coded_mark(me, c) for c in filters.code_ids]
        pairs.append(({"terms": {"code_ids": list(filters.code_ids)}}, {"terms": {"coded": mine}}))
    if filters.coder_ids:
        mine_only = {"term": {"coded": coded_mark(me)}} if me in filters.coder_ids else nothing
        pairs.append(({"terms": {"coder_ids": list(filters.coder_ids)}}, mine_only))
    if filters.annotated is not None:
        marked = {"term": {"coded": coded_mark(me)}}
        own_clause = marked if filters.annotated else {"bool": {"must_not": marked}}
        pairs.append(({"term": {"annotated": filters.annotated}}, own_clause))
    if own is None or not own.document_ids:
        return [everyone for everyone, _ in pairs]
    blind = {"terms": {"document_id": list(own.document_ids)}}
    return [
        {
            "bool": {
                "should": [
                    {"bool": {"must_not": blind, "filter": everyone}},
                    {"bool": {"filter": [blind, own_clause]}},
                ],
                "minimum_should_match": 1,
            }
        }
        for everyone, own_clause in pairs
    ]
