"""The one query language, parsed into an AST that every engine compiles.

    query   := or
    or      := and ( ("OR" | "|") and )*
    and     := unary ( ["AND" | "+"] unary )*      adjacent terms mean AND
    unary   := ("NOT" | "-") unary | atom
    atom    := PHRASE ["~" INT] | TERM ["*" | "~" [INT]] | "(" or ")"

Errors carry the 0-based character position of the problem.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from search.analysis import STOPWORDS, fold, words
from search.errors import QuerySyntaxError

MAX_QUERY_CHARS = 1000
MAX_FUZZY = 2
MAX_SLOP = 50
MIN_PREFIX = 2
MAX_DEPTH = 32  # nested brackets and NOTs; deeper is a mistake, and the parser recurses


@dataclass(frozen=True)
class Term:
    text: str  # folded (lower case, no accents), one word
    prefix: bool = False
    fuzzy: int | None = None
    # The word as typed (without '*' or '~N'): engines with their own analysis
    # (Elasticsearch) analyse it themselves, with THE folding too.
    raw: str = field(default="", compare=False)


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]  # folded words, matched unstemmed
    slop: int | None = None  # "a b"~N: within N positions


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]
    # At least this many children must match (Elasticsearch's minimum_should_match);
    # the parser writes 1, relax() more.
    min_match: int = 1


@dataclass(frozen=True)
class Not:
    child: Node
    pos: int = field(default=0, compare=False)  # where the NOT stood, for error messages


Node = Term | Phrase | And | Or | Not

_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<lparen>\()|(?P<rparen>\))|(?P<bar>\|)"
    r'|(?P<phrase>"[^"]*"(?:~\d*)?)|(?P<quote>")|(?P<word>[^\s()|"]+)'
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # lparen rparen or and not phrase word
    text: str
    pos: int


def parse(text: str) -> Node:
    """Parse a user's query; raise QuerySyntaxError pointing at the problem."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"the query is longer than {MAX_QUERY_CHARS} characters", 0)
    tokens = _tokenize(text)
    if not tokens:
        raise QuerySyntaxError("the query is empty", 0)
    parser = _Parser(tokens, len(text))
    node = parser.parse_or()
    if (tok := parser.peek()) is not None:  # only a stray ')' stops the parser early
        raise QuerySyntaxError("unbalanced bracket: ')' without a matching '('", tok.pos)
    _check_positive(node)
    return node


def _tokenize(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        kind, value, pos = m.lastgroup or "", m.group(), m.start()  # every branch is named
        if kind == "space":
            continue
        if kind == "quote":
            raise QuerySyntaxError("unbalanced quote: this '\"' is never closed", pos)
        if kind == "bar":
            out.append(_Tok("or", value, pos))
        elif kind == "word":
            out.extend(_word_tokens(value, pos))
        else:
            out.append(_Tok(kind, value, pos))
    return out


def _word_tokens(value: str, pos: int) -> list[_Tok]:
    if value in ("AND", "OR", "NOT"):
        return [_Tok(value.lower(), value, pos)]
    out: list[_Tok] = []
    while value and value[0] in "+-":  # leading operators: "-lead", "+-x"
        out.append(_Tok("and" if value[0] == "+" else "not", value[0], pos))
        value, pos = value[1:], pos + 1
    if value:
        out.append(_Tok("word", value, pos))
    return out


class _Parser:
    def __init__(self, tokens: list[_Tok], length: int) -> None:
        self.tokens = tokens
        self.i = 0
        self.length = length
        self.depth = 0

    def deeper(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError(f"brackets and NOTs nest deeper than {MAX_DEPTH}", tok.pos)

    def peek(self) -> _Tok | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while (tok := self.peek()) is not None and tok.kind == "or":
            self.take()
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_unary()]
        while (tok := self.peek()) is not None and tok.kind not in ("or", "rparen"):
            if tok.kind == "and":
                self.take()
            children.append(self.parse_unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise QuerySyntaxError("the query ends where a term was expected", self.length)
        if tok.kind == "not":
            self.take()
            self.deeper(tok)
            node = Not(self.parse_unary(), tok.pos)
            self.depth -= 1
            return node
        return self.parse_atom()

    def parse_atom(self) -> Node:
        tok = self.take()
        if tok.kind == "lparen":
            if (nxt := self.peek()) is not None and nxt.kind == "rparen":
                raise QuerySyntaxError("empty brackets '()'", tok.pos)
            self.deeper(tok)
            node = self.parse_or()
            self.depth -= 1
            close = self.peek()
            if close is None or close.kind != "rparen":
                raise QuerySyntaxError("unbalanced bracket: this '(' is never closed", tok.pos)
            self.take()
            return node
        if tok.kind == "phrase":
            return _phrase(tok)
        if tok.kind == "word":
            return _term(tok)
        if tok.kind == "rparen":
            raise QuerySyntaxError("unbalanced bracket: ')' without a matching '('", tok.pos)
        raise QuerySyntaxError(f"'{tok.text}' needs a term after it", tok.pos)


def _phrase(tok: _Tok) -> Node:
    body, _, slop_text = tok.text[1:].partition('"')
    found = words(body)
    if not found:
        raise QuerySyntaxError("empty phrase: put words between the quotes", tok.pos)
    slop = _int_suffix(slop_text, tok, "~", MAX_SLOP, "proximity")
    if len(found) == 1:
        return Term(found[0])
    return Phrase(tuple(found), slop)


def _term(tok: _Tok) -> Node:
    raw = tok.text
    prefix = raw.endswith("*")
    fuzzy: int | None = None
    if prefix:
        raw = raw[:-1]
    elif "~" in raw:
        raw, _, suffix = raw.partition("~")
        fuzzy = _int_suffix("~" + suffix, tok, "~", MAX_FUZZY, "fuzziness")
        fuzzy = MAX_FUZZY if fuzzy is None else fuzzy
    found = words(raw)
    if not found:
        raise QuerySyntaxError(
            f"'{tok.text}' is not a search term; use AND, OR, NOT, quotes or brackets", tok.pos
        )
    if len(found) > 1:  # "self-care", "3.5": the words must stand together
        if prefix or fuzzy:
            raise QuerySyntaxError(f"'*' and '~' apply to one word, not '{raw}'", tok.pos)
        return Phrase(tuple(found))
    if prefix and len(found[0]) < MIN_PREFIX:
        raise QuerySyntaxError(f"a prefix needs at least {MIN_PREFIX} letters before '*'", tok.pos)
    return Term(found[0], prefix=prefix, fuzzy=fuzzy, raw=raw)


def _int_suffix(text: str, tok: _Tok, mark: str, limit: int, what: str) -> int | None:
    if not text:
        return None
    digits = text.removeprefix(mark)
    if digits == "":
        return None
    if not digits.isdigit() or int(digits) > limit:
        raise QuerySyntaxError(f"{what} after '{mark}' must be a number from 0 to {limit}", tok.pos)
    return int(digits)


_ONLY_NOT = "NOT needs a term to match alongside it, e.g. 'a NOT b'"


def _check_positive(node: Node) -> None:
    """Every engine needs something to match: reject queries made only of exclusions."""
    if isinstance(node, Not):
        raise QuerySyntaxError(_ONLY_NOT, node.pos)
    if isinstance(node, Or):
        for child in node.children:
            if isinstance(child, Not):
                raise QuerySyntaxError(
                    "NOT cannot be an alternative of OR; use 'a NOT b'", child.pos
                )
            _check_positive(child)
    if isinstance(node, And):
        negatives = [c for c in node.children if isinstance(c, Not)]
        if len(negatives) == len(node.children):
            raise QuerySyntaxError(_ONLY_NOT, negatives[0].pos)
        for child in node.children:
            if isinstance(child, Not):
                _check_negated(child.child)
            else:
                _check_positive(child)


def _check_negated(node: Node) -> None:
    if isinstance(node, Not):
        raise QuerySyntaxError("double negation is not supported", node.pos)
    if isinstance(node, And | Or):
        for child in node.children:
            _check_negated(child)


def drop_stopwords(node: Node) -> Node | None:
    """Remove bare stop-word terms (engines do not index them as terms)."""
    if isinstance(node, Term):
        return None if (node.text in STOPWORDS and not node.prefix) else node
    if isinstance(node, Phrase):
        return node
    if isinstance(node, Not):
        inner = drop_stopwords(node.child)
        return Not(inner, node.pos) if inner is not None else None
    kept = tuple(c for c in (drop_stopwords(c) for c in node.children) if c is not None)
    if not kept:
        return None
    if len(kept) == 1:
        return kept[0]
    return type(node)(kept)


def positive_leaves(node: Node) -> list[Term | Phrase]:
    """The terms and phrases a hit matched (not those it had to avoid), for highlighting."""
    if isinstance(node, Term | Phrase):
        return [node]
    if isinstance(node, Not):
        return []
    return [leaf for c in node.children for leaf in positive_leaves(c)]


def proximity_phrases(node: Node) -> tuple[Phrase, ...]:
    """The query's proximity phrases ("a b"~N), each once, in the order written; those
    under NOT too (a passage wrongly kept is as wrong as one wrongly dropped). The
    engines whose proximity differs from FTS5's NEAR, the language's meaning, pick
    theirs from these to say so (SearchResult.caveats)."""
    if isinstance(node, Phrase):
        return (node,) if node.slop is not None else ()
    if isinstance(node, Term):
        return ()
    children = (node.child,) if isinstance(node, Not) else node.children
    return tuple(dict.fromkeys(p for c in children for p in proximity_phrases(c)))


def written(phrases: Iterable[Phrase]) -> str:
    """Phrases as the user would type them (their folded words), to name them in a
    message: '"a b"~3, "c d e"~5'."""
    return ", ".join(
        f'"{" ".join(p.words)}"' + ("" if p.slop is None else f"~{p.slop}") for p in phrases
    )


def prepare(text: str) -> Node:
    """Parse, then drop stop words; raise if nothing searchable remains."""
    node = drop_stopwords(parse(text))
    if node is None or not positive_leaves(node):
        raise QuerySyntaxError("the query has only very common words (like 'the', 'and')", 0)
    _check_positive(node)
    return node


# Relaxing a query of plain words (no operators, quotes, prefixes or fuzziness): at
# least half of its words must match, as Elasticsearch's `match` with
# minimum_should_match "50%"; the embedded engine expands that into AND groups, so
# the number of groups is capped (both engines get the same, possibly smaller, bar).
RELAX_SHARE = 0.5
MAX_RELAX_GROUPS = 64


def plain_terms(node: Node) -> list[Term] | None:
    """The words of a query written as plain words (implicitly ANDed), else None."""
    if isinstance(node, Term):
        return [node] if not node.prefix and node.fuzzy is None else None
    if isinstance(node, And) and all(isinstance(c, Term) for c in node.children):
        terms = [c for c in node.children if isinstance(c, Term)]
        return terms if all(not t.prefix and t.fuzzy is None for t in terms) else None
    return None


def relax(node: Node) -> Or | None:
    """Any of a plain-words query's words, at least half of them; None when the query
    has operators or quotes (they keep their exact meaning) or only one word."""
    terms = plain_terms(node)
    if terms is None or len(terms) < 2:
        return None
    unique = tuple(dict.fromkeys(terms))
    need = max(1, math.ceil(len(unique) * RELAX_SHARE))
    while need > 1 and math.comb(len(unique), need) > MAX_RELAX_GROUPS:
        need -= 1
    return Or(unique, min_match=need)


__all__ = [
    "And",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Term",
    "fold",
    "parse",
    "prepare",
    "proximity_phrases",
    "relax",
    "written",
]
