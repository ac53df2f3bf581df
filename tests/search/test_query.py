"""The query AST helpers the engines share (search/query.py)."""

from search.query import Phrase, prepare, proximity_phrases, written


def test_proximity_phrases_are_found_anywhere_in_the_query_each_once():
    query = prepare(
        '"board trust"~3 (chair OR "lead panel vision"~5) NOT "money risk"~2 "board trust"~3'
    )
    assert proximity_phrases(query) == (
        Phrase(("board", "trust"), 3),
        Phrase(("lead", "panel", "vision"), 5),
        Phrase(("money", "risk"), 2),  # under NOT too: it decides what is dropped
    )


def test_plain_phrases_and_terms_are_not_proximity():
    assert proximity_phrases(prepare('"integrated care board" self-care lead* board')) == ()
    assert proximity_phrases(prepare('"board"~3')) == ()  # one word: a term


def test_written_names_phrases_as_typed_in_their_folded_words():
    query = prepare('"Café Board"~3 OR "Lead Panel Vision"~0')
    assert written(proximity_phrases(query)) == '"cafe board"~3, "lead panel vision"~0'
    assert written([Phrase(("integrated", "care"))]) == '"integrated care"'
