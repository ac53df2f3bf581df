"""How the embedded engine reads a search: its count and facets come from another
connection than its ranking, and must still describe the same index."""

import sqlite3
from contextlib import closing

import pytest

from search import sqlite_search
from search.base import Filters, PassageDoc, SearchRequest
from search.query import prepare
from search.sqlite_fts import SqliteFtsEngine, to_match


def _doc(pid: int, doc: int, organisation: str) -> PassageDoc:
    return PassageDoc(
        passage_id=pid,
        document_id=doc,
        version_id=doc,
        text=f"the board discussed system leadership, item {pid}",
        source_type="document",
        document_type="board_paper",
        organisation=organisation,
        project_id=1,
    )


@pytest.fixture
async def engine(tmp_path):
    engine = SqliteFtsEngine(tmp_path / "search.db")
    await engine.ensure_ready()
    await engine.replace_documents([1], [_doc(pid, 1, "North") for pid in range(1, 4)])
    yield engine
    await engine.close()


async def test_a_write_between_ranking_and_counting_is_counted_in_the_ranking_snapshot(engine):
    # The counting connection reads before two passages are added; the ranking one
    # after. Unchecked, the search would show 5 hits under a count of 3.
    stale = engine._connect()
    stale.execute("BEGIN")
    stale.execute("SELECT count(*) FROM search_passage").fetchone()
    await engine.replace_documents([2], [_doc(pid, 2, "South") for pid in (10, 11)])
    connections = iter([engine._connect(), stale])
    query = prepare("leadership")
    request = SearchRequest(query, Filters(project_ids=(1,)), limit=10)

    result = sqlite_search.search(lambda: next(connections), request, to_match(query))

    assert [hit.passage_id for hit in result.hits] == [1, 2, 3, 10, 11]
    assert result.total == 5
    organisations = {f.value: f.count for f in result.facets["organisation"]}
    assert organisations == {"North": 3, "South": 2}


async def test_a_query_fts5_refuses_is_a_search_error_and_closes_both_connections(engine):
    opened: list[sqlite3.Connection] = []

    def connect() -> sqlite3.Connection:
        opened.append(engine._connect())
        return opened[-1]

    request = SearchRequest(prepare("leadership"))
    with pytest.raises(sqlite_search.SearchError, match="could not run this query"):
        sqlite_search.search(connect, request, 'exact : "unclosed')
    assert len(opened) == 2
    for conn in opened:
        with pytest.raises(sqlite3.ProgrammingError):  # closed
            conn.execute("SELECT 1")
    with closing(engine._connect()) as conn:  # and the index still answers
        assert conn.execute("SELECT count(*) FROM search_passage").fetchone()[0] == 3


def test_a_failing_database_is_not_blamed_on_the_query(tmp_path):
    # Only FTS5 refusing the query (SQLITE_ERROR) is the query's fault, a 400; a busy,
    # read-only or broken database must not be reported as a bad query.
    path = tmp_path / "x.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE x (a)")
    read_only = closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    with read_only as conn, pytest.raises(sqlite3.OperationalError) as raised:
        sqlite_search._matching(conn, "INSERT INTO x VALUES (?)", [1])
    assert raised.value.sqlite_errorname == "SQLITE_READONLY"
