"""The shared query AST compiled to Elasticsearch's query DSL, and filters."""

from __future__ import annotations

from search.base import Filters
from search.query import And, Node, Not, Or, Phrase, Term

FUZZY_MAX_EXPANSIONS = 50


def to_query(node: Node) -> dict:
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Phrase):
        return {
            "match_phrase": {"text.exact": {"query": " ".join(node.words), "slop": node.slop or 0}}
        }
    if isinstance(node, Or):
        return {"bool": {"should": [to_query(c) for c in node.children], "minimum_should_match": 1}}
    if isinstance(node, And):
        must = [to_query(c) for c in node.children if not isinstance(c, Not)]
        must_not = [to_query(c.child) for c in node.children if isinstance(c, Not)]
        return {"bool": {"must": must, "must_not": must_not}}
    raise ValueError("a bare NOT reaches no engine: the parser rejects it")


def _term(node: Term) -> dict:
    if node.prefix:
        return {"prefix": {"text.exact": {"value": node.text}}}
    if node.fuzzy is not None:
        return {
            "fuzzy": {
                "text.exact": {
                    "value": node.text,
                    "fuzziness": node.fuzzy,
                    "max_expansions": FUZZY_MAX_EXPANSIONS,
                }
            }
        }
    return {"match": {"text": {"query": node.text, "operator": "and"}}}


def to_filters(filters: Filters) -> list[dict]:
    clauses: list[dict] = []
    for field, values in (
        ("project_id", filters.project_ids),
        ("source_type", filters.source_types),
        ("document_type", filters.document_types),
        ("organisation", filters.organisations),
        ("document_id", filters.document_ids),
        ("code_ids", filters.code_ids),
        ("coder_ids", filters.coder_ids),
    ):
        if values:
            clauses.append({"terms": {field: list(values)}})
    if filters.annotated is not None:
        clauses.append({"term": {"annotated": filters.annotated}})
    bounds = {}
    if filters.date_from:
        bounds["gte"] = filters.date_from.isoformat()
    if filters.date_to:
        bounds["lte"] = filters.date_to.isoformat()
    if bounds:
        clauses.append({"range": {"date": bounds}})
    return clauses
