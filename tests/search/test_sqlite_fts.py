"""The embedded engine runs the whole search contract, plus its own specifics."""

import pytest

from search.base import SearchRequest
from search.errors import UnsupportedQuery
from search.query import prepare
from search.sqlite_fts import SqliteFtsEngine, to_match
from tests.search.contract import EngineContract, _doc
from tests.search.vector_contract import VectorContract


@pytest.fixture
async def engine(tmp_path):
    engine = SqliteFtsEngine(tmp_path / "search.db")
    await engine.ensure_ready()
    yield engine
    await engine.close()


class TestSqliteContract(EngineContract, VectorContract):
    pass


def test_terms_compile_to_stems_and_phrases_to_exact_words():
    assert to_match(prepare("leadership")) == 'stem : "leadership"'
    assert to_match(prepare("leading")) == 'stem : "lead"'
    assert to_match(prepare('"the board"')) == 'exact : "the board"'
    assert to_match(prepare("lead*")) == 'exact : "lead" *'


def test_negation_compiles_to_binary_not():
    assert to_match(prepare("a1 b2 -c3 -d4")) == (
        '(stem : "a1" AND stem : "b2") NOT (stem : "c3" OR stem : "d4")'
    )


async def test_proximity_is_near_itself_so_no_caveat(engine):
    """FTS5's NEAR is what "a b"~N means: of any number of words, none is a caveat."""
    await engine.replace_documents([1], [_doc(1, 1, "alpha xx gamma xx beta")])
    for text in ('"beta alpha"~3', '"alpha beta gamma"~3', '"alpha alpha"~0'):
        result = await engine.search(SearchRequest(prepare(text)))
        assert [h.passage_id for h in result.hits] == [1] and result.caveats == (), text


def test_fuzzy_is_refused_with_an_alternative():
    with pytest.raises(UnsupportedQuery, match="lead\\*"):
        to_match(prepare("leadr~1"))


async def test_schema_version_change_drops_the_index(tmp_path):
    engine = SqliteFtsEngine(tmp_path / "s.db")
    await engine.ensure_ready()
    from tests.search.contract import DOCS

    await engine.replace_documents([10], DOCS[:2])
    import sqlite3

    with sqlite3.connect(tmp_path / "s.db") as conn:
        conn.execute("UPDATE search_meta SET value='0' WHERE key='schema'")
    await engine.ensure_ready()
    assert await engine.count() == 0
