"""The query AST (search/query.py) and the filters as tantivy queries, with the
meaning sqlite_fts.to_match gives them in FTS5:

- a term is its stem in `stem` (several stems: a phrase there, as FTS5's "a b");
- a prefix is every `exact` term starting with it, each scored (FTS5 scores a
  prefix too; a regex query would give every match the same score);
- a phrase is a phrase in `exact`; "a b"~N is FTS5's NEAR(a b, N), the words in
  ANY order with at most N words between the first and the last: tantivy's slop
  keeps the order (a swap costs 2), so it is an OR of phrases, one per word order
  (n! of them, so at most MAX_NEAR_WORDS words: more is refused). Exact for two
  different words; over more it can miss a match, and the result says so (caveats);
- minimum_should_match is tantivy's own (FTS5 needs AND groups for it).

Filters score nothing: FTS5's bm25 ranks by the text alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import tantivy
from tantivy import Occur, Query

from search.analysis import stems
from search.base import Filters, coded_mark
from search.errors import QuerySyntaxError, UnsupportedQuery
from search.query import And, Node, Not, Or, Phrase, Term, proximity_phrases, written
from search.tantivy_index import SCHEMA, day

Clause = tuple[Occur, Query]

# NEAR is one phrase per word order. On 100k texts of 30 words from 50 (dense: the
# worst case), 4 words (24 phrases) search in 20 ms, 5 (120) in 108 ms, 6 in 600 ms,
# 9 took 9 s and 1.2 GB: beyond 4 words a search could stall a worker.
MAX_NEAR_WORDS = 4


def compile_request(
    searcher: tantivy.Searcher, node: Node, filters: Filters, exclude_ids: Sequence[int] = ()
) -> Query:
    """The query and its filters; `searcher` (the snapshot searched) expands prefixes."""
    clauses: list[Clause] = [(Occur.Must, Compiler(searcher).node(node))]
    found = filter_query(filters)
    if found is not None:
        clauses.append((Occur.Must, Query.const_score_query(found, 0.0)))
    if exclude_ids:
        clauses.append((Occur.MustNot, _any_of("passage_id", exclude_ids)))
    return Query.boolean_query(clauses)


class Compiler:
    def __init__(self, searcher: tantivy.Searcher) -> None:
        self.searcher = searcher

    def node(self, node: Node) -> Query:
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, Phrase):
            return phrase(node)
        if isinstance(node, Or):
            should = [(Occur.Should, self.node(c)) for c in node.children]
            return Query.boolean_query(should, node.min_match if node.min_match > 1 else None)
        if isinstance(node, And):
            return Query.boolean_query(
                [
                    (Occur.MustNot, self.node(c.child))
                    if isinstance(c, Not)
                    else (Occur.Must, self.node(c))
                    for c in node.children
                ]
            )
        raise QuerySyntaxError("NOT needs a term to match alongside it, e.g. 'a NOT b'", node.pos)

    def term(self, term: Term) -> Query:
        if term.fuzzy is not None:
            raise UnsupportedQuery(
                f"fuzzy search ('{term.text}~{term.fuzzy}') needs the Elasticsearch engine; "
                "the tantivy engine supports prefixes instead (e.g. 'lead*')"
            )
        if term.prefix:
            return self.prefix(term.text)
        keys = stems(term.text)
        if not keys:
            return Query.empty_query()
        if len(keys) == 1:
            return Query.term_query(SCHEMA, "stem", keys[0])
        return Query.phrase_query(SCHEMA, "stem", _words(keys))

    def prefix(self, text: str) -> Query:
        found = self.searcher.terms_with_prefix("exact", text)
        if not found:
            return Query.empty_query()
        return Query.boolean_query([(Occur.Should, _exact(word)) for word, _ in found])


def phrase(node: Phrase) -> Query:
    if node.slop is None:
        return Query.phrase_query(SCHEMA, "exact", _words(node.words))
    # FTS5's NEAR(w1 .. wn, N): the n words within a span of N + 1 positions (N words
    # between the first and the last, the others counted). A tantivy phrase with slop
    # S matches words in its order within a span of S + n - 1, and in another order
    # only within less: so S = N + 2 - n, and nothing when that is negative
    # (tests/search/test_tantivy.py compares both engines on every order).
    if len(node.words) > MAX_NEAR_WORDS:
        raise UnsupportedQuery(
            f"a proximity search ('\"...\"~{node.slop}') takes at most {MAX_NEAR_WORDS} "
            f"words on the tantivy engine, not {len(node.words)}; "
            "drop a word or search the phrase without ~"
        )
    slop = node.slop + 2 - len(node.words)
    if slop < 0:
        return Query.empty_query()
    orders = dict.fromkeys(itertools.permutations(node.words))
    return Query.boolean_query(
        [(Occur.Should, Query.phrase_query(SCHEMA, "exact", _words(o), slop)) for o in orders]
    )


def caveats(node: Node) -> tuple[str, ...]:
    """phrase() gives FTS5's NEAR for two different words; over three or more (and a
    repeated word, which NEAR lets one occurrence stand for twice) it can miss
    matches, never add one: a review found 276 of 16,800 missed on random texts."""
    inexact = [p for p in proximity_phrases(node) if not len(p.words) == len(set(p.words)) == 2]
    if not inexact:
        return ()
    return (
        f"{written(inexact)}: the tantivy search engine matches proximity exactly only "
        "for two different words; here it can overlook a few passages where the words "
        "are close enough: missing from the results, or kept in them under NOT.",
    )


def _words(words: Sequence[str]) -> list[str | tuple[int, str]]:
    return list(words)


def _exact(word: str) -> Query:
    return Query.term_query(SCHEMA, "exact", word)


def filter_query(filters: Filters) -> Query | None:
    """Every filter at once (sqlite_search.filter_sql's meaning); None: no filter."""
    clauses = [_any_of(name, values) for name, values in filters.terms() if values]
    clauses += _annotations(filters)
    if filters.date_from or filters.date_to:
        low = day(filters.date_from) if filters.date_from else None
        high = day(filters.date_to) if filters.date_to else None
        clauses.append(Query.range_query(SCHEMA, "day", tantivy.FieldType.Integer, low, high))
    if not clauses:
        return None
    return Query.boolean_query([(Occur.Must, c) for c in clauses])


def _any_of(name: str, values: Sequence[int | str]) -> Query:
    if not values:
        return Query.empty_query()  # SQL's "IN ()": nothing
    return Query.term_set_query(SCHEMA, name, list(values))


def _not(query: Query) -> Query:
    # A boolean query of MustNot alone matches nothing in tantivy: exclude from all.
    return Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, query)])


def _annotations(filters: Filters) -> list[Query]:
    """Code, coder and annotated filters; on `own_codings` documents they look at one
    coder's marks instead of everyone's codes and coders (as sqlite_search does)."""
    own = filters.own_codings
    me = own.coder_id if own else 0
    pairs: list[tuple[Query, Query]] = []
    if filters.code_ids:
        mine = [coded_mark(me, c) for c in filters.code_ids]
        pairs.append((_any_of("code", filters.code_ids), _any_of("mark", mine)))
    if filters.coder_ids:
        mine = [coded_mark(me)] if me in filters.coder_ids else []
        pairs.append((_any_of("coder", filters.coder_ids), _any_of("mark", mine)))
    if filters.annotated is not None:
        anyone = Query.term_query(SCHEMA, "tagged", 1)
        by_me = _any_of("mark", [coded_mark(me)])
        pairs.append((anyone, by_me) if filters.annotated else (_not(anyone), _not(by_me)))
    if own is None or not own.document_ids:
        return [everyone for everyone, _ in pairs]
    blind = _any_of("document_id", own.document_ids)
    return [
        Query.boolean_query(
            [
                (Occur.Should, Query.boolean_query([(Occur.Must, open_q), (Occur.MustNot, blind)])),
                (Occur.Should, Query.boolean_query([(Occur.Must, blind), (Occur.Must, own_q)])),
            ]
        )
        for open_q, own_q in pairs
    ]
