"""The tantivy engine runs the whole search contract, gives the embedded engine's
answers, and handles its own index: one writer across processes, deletes that
delete, readers that follow commits and rebuilds."""

import asyncio
import itertools
import multiprocessing
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
import tantivy

from search import tantivy_index, tantivy_search
from search.base import FacetCount, Filters, SearchRequest, SimilarRequest
from search.errors import EngineUnavailable, UnsupportedQuery
from search.query import Phrase, prepare, relax
from search.sqlite_fts import SqliteFtsEngine
from search.tantivy_engine import TantivyEngine
from tests.search.contract import DOCS, EngineContract, _doc, idset
from tests.search.vector_contract import VectorContract


@pytest.fixture
async def engine(tmp_path):
    engine = TantivyEngine(tmp_path / "search.db")
    await engine.ensure_ready()
    yield engine
    await engine.close()


class TestTantivyContract(EngineContract, VectorContract):
    pass


def _documents(engine: TantivyEngine) -> int:
    """Live documents in the tantivy index itself (not SQLite's count)."""
    return engine.reader.searcher().num_docs


# --- the same answers as the embedded engine ---------------------------------------

QUERIES = [
    "governance",
    "lead*",
    "pa*",
    '"the board"',
    '"board the"',
    '"leaders vision"~10',
    '"vision leaders"~10',  # NEAR takes the words in any order
    '"vision leaders"~8',
    '"leaders vision"~7',
    "trust OR (panel -exceptional)",
    "(governance | health) NOT board",
    "self-care",
    "population health",
    "governance OR health OR panel OR trust OR leadership OR chair",
]
FILTERS = [
    Filters(),
    Filters(organisations=("ICB South", "NHS England")),
    Filters(document_types=("policy", "transcript"), source_types=("document",)),
    Filters(document_ids=(10, 14, 15)),
]


@pytest.fixture
async def both(tmp_path):
    sqlite, tantivy_engine = SqliteFtsEngine(tmp_path / "s.db"), TantivyEngine(tmp_path / "t.db")
    extra = [
        _doc(20, 16, "Self-care and self care: population health leaders lead."),
        _doc(21, 16, "The vision of leaders, the board, the panel pays.", organisation="ICB South"),
    ]
    for engine in (sqlite, tantivy_engine):
        await engine.ensure_ready()
        docs = DOCS + extra
        await engine.replace_documents(sorted({d.document_id for d in docs}), docs)
    return sqlite, tantivy_engine


async def test_same_matches_counts_and_facets_as_the_embedded_engine(both):
    sqlite, tantivy_engine = both
    for text in QUERIES:
        for filters in FILTERS:
            request = SearchRequest(prepare(text), filters, limit=100)
            want, got = await sqlite.search(request), await tantivy_engine.search(request)
            assert got.total == want.total, (text, filters)
            assert {h.passage_id for h in got.hits} == {h.passage_id for h in want.hits}
            assert got.facets == want.facets, (text, filters)
            highlights = {h.passage_id: h.highlights for h in want.hits}
            assert all(h.highlights == highlights[h.passage_id] for h in got.hits)


async def test_relaxed_queries_match_as_the_embedded_engine(both):
    sqlite, tantivy_engine = both
    for text in ("board governance meets quarterly", "population health leaders vision"):
        loose = relax(prepare(text))
        assert loose is not None
        request = SearchRequest(loose, limit=100)
        want, got = await sqlite.search(request), await tantivy_engine.search(request)
        assert {h.passage_id for h in got.hits} == {h.passage_id for h in want.hits}
        assert got.total == want.total


async def test_two_word_proximity_matches_as_fts5_near_in_every_order(tmp_path):
    """NEAR takes its words in any order; tantivy's slop keeps theirs. Random texts of
    four words, every pair, both orders, slops 0 to 6: the same matches. (Three or
    more words differ at the edges: tantivy's slop over several words is not FTS5's
    span, and depends on which word is rarest; see tantivy_query.phrase.)"""
    rng = random.Random(7)
    vocabulary = ["alpha", "beta", "gamma", "delta"]
    docs = [
        _doc(i, i, " ".join(rng.choice(vocabulary) for _ in range(rng.randint(2, 9))))
        for i in range(1, 200)
    ]
    sqlite, tantivy_engine = SqliteFtsEngine(tmp_path / "s.db"), TantivyEngine(tmp_path / "t.db")
    for engine in (sqlite, tantivy_engine):
        await engine.ensure_ready()
        await engine.replace_documents([d.document_id for d in docs], docs)
    for words in itertools.permutations(vocabulary, 2):
        for slop in range(7):
            request = SearchRequest(Phrase(words, slop), limit=500)
            want, got = await sqlite.search(request), await tantivy_engine.search(request)
            assert {h.passage_id for h in got.hits} == {h.passage_id for h in want.hits}


async def test_proximity_over_too_many_words_is_refused(engine):
    """NEAR is an OR over every word order (n! phrases): 9 words took 9 s and 1.2 GB."""
    await engine.replace_documents([1], [_doc(1, 1, "alpha beta gamma delta epsilon zeta")])
    assert await idset(engine, '"delta gamma beta alpha"~10') == {1}
    with pytest.raises(UnsupportedQuery, match="at most 4 words"):
        await idset(engine, '"alpha beta gamma delta epsilon"~10')
    # A plain phrase has no word orders to try: any length.
    assert await idset(engine, '"alpha beta gamma delta epsilon zeta"') == {1}


async def test_inexact_proximity_says_so_where_it_misses(tmp_path):
    """Over three words (or a repeated one) tantivy's NEAR can miss a passage FTS5
    finds: here "alpha xx gamma xx beta", once "gamma" is the more frequent word. The
    result says so, also where the miss keeps a passage a NOT should have dropped;
    two different words are FTS5's answer exactly, and carry no caveat."""
    docs = [_doc(1, 1, "alpha xx gamma xx beta"), _doc(2, 2, "gamma")]
    sqlite, tantivy_engine = SqliteFtsEngine(tmp_path / "s.db"), TantivyEngine(tmp_path / "t.db")
    for engine in (sqlite, tantivy_engine):
        await engine.ensure_ready()
        await engine.replace_documents([1, 2], docs)
    inexact = {
        '"alpha beta gamma"~3': ({1}, set()),
        'beta NOT "alpha beta gamma"~3': (set(), {1}),
        '"alpha alpha"~0': ({1}, set()),  # NEAR lets one "alpha" stand for both
    }
    for text, (fts5, found) in inexact.items():
        request = SearchRequest(prepare(text))
        assert {h.passage_id for h in (await sqlite.search(request)).hits} == fts5
        got = await tantivy_engine.search(request)
        assert {h.passage_id for h in got.hits} == found, text
        (caveat,) = got.caveats
        assert caveat.startswith(text[text.index('"') :] + ": the tantivy search engine")
        assert "can overlook a few passages" in caveat
    for text in ('"beta alpha"~3', '"alpha beta"~3 OR "gamma xx"~0'):
        got = await tantivy_engine.search(SearchRequest(prepare(text)))
        assert [h.passage_id for h in got.hits] == [1] and got.caveats == (), text
    await sqlite.close()
    await tantivy_engine.close()


async def test_similar_finds_what_the_embedded_engine_finds(both):
    sqlite, tantivy_engine = both
    for text in (
        "How do partners build trust between them? Honest conversations about money.",
        "Population health leaders and the board's vision for governance.",
    ):
        for request in (SimilarRequest(text, limit=50), SimilarRequest(text, FILTERS[1])):
            want, got = await sqlite.similar(request), await tantivy_engine.similar(request)
            assert {h.passage_id for h in got} == {h.passage_id for h in want}, text


async def test_the_store_writes_no_fts5_index_and_switching_engines_rebuilds(engine, tmp_path):
    await engine.replace_documents([10], DOCS[:2])
    with closing(sqlite3.connect(tmp_path / "search.db")) as conn:
        assert conn.execute("SELECT count(*) FROM search_fts_docsize").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM search_text").fetchone()[0] == 2
    assert await SqliteFtsEngine(tmp_path / "search.db").ensure_ready() is True  # dropped
    assert await TantivyEngine(tmp_path / "search.db").ensure_ready() is True  # and back


# --- ties, pages and cursors -------------------------------------------------------


async def test_ties_are_ordered_by_passage_id_across_pages(engine):
    """30 passages with the same text (same score), written in shuffled order over
    several commits (segments): pages by offset and by cursor run by passage id."""
    pids = [7, 3, 29, 11, 0, 18, 25, 5, 14, 22, 1, 9, 27, 16, 2]
    pids += [p + 30 for p in pids]
    for start in range(0, len(pids), 5):
        chunk = pids[start : start + 5]
        await engine.replace_documents(chunk, [_doc(p, p, "Same words on budgets") for p in chunk])
    q = prepare("budgets")
    by_offset = []
    for offset in range(0, len(pids), 7):
        page = await engine.search(SearchRequest(q, offset=offset, limit=7))
        by_offset += [h.passage_id for h in page.hits]
    assert by_offset == sorted(pids)
    by_cursor, cursor = [], None
    while True:
        page = await engine.search(SearchRequest(q, limit=4, cursor=cursor))
        by_cursor += [h.passage_id for h in page.hits]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert by_cursor == sorted(pids)


# --- writes ------------------------------------------------------------------------


async def test_reingest_really_deletes(engine):
    """Deletes go by term on signed fields (on unsigned ones tantivy-py deletes
    nothing, silently): the index holds each passage once, whatever was rewritten."""
    await engine.replace_documents([10, 11], DOCS[:4], seq=1)
    for seq in range(2, 5):
        await engine.replace_documents([10], [replace(DOCS[0], text=f"Version {seq} text")], seq)
        await engine.update_passages([replace(DOCS[2], code_ids=(seq,))], seq)
    assert _documents(engine) == await engine.count() == 3
    assert await idset(engine, "version") == {1}
    assert await idset(engine, "leaders OR leadership") == set()
    assert await idset(engine, "panel", filters=Filters(code_ids=(4,))) == {3}
    assert await idset(engine, "panel", filters=Filters(code_ids=(3,))) == set()


async def test_another_instance_sees_each_commit(engine, tmp_path):
    other = TantivyEngine(tmp_path / "search.db")
    assert await idset(other, "budgets") == set()  # its reader is open from here on
    await engine.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    assert await idset(other, "budgets") == {1}
    await engine.replace_documents([1], [])
    assert await idset(other, "budgets") == set()


async def test_rebuild_switches_every_reader_and_removes_the_old_generation(engine, tmp_path):
    other = TantivyEngine(tmp_path / "search.db")
    await engine.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    assert await idset(other, "budgets") == {1}
    old = engine.layout.current()

    async def batches():
        yield [_doc(2, 2, "Workforce plans")]

    await engine.rebuild(batches())
    assert engine.layout.current() != old
    assert not engine.layout.path(old).exists()
    assert await idset(other, "budgets") == set()
    assert await idset(other, "workforce") == {2}
    await other.replace_documents([3], [_doc(3, 3, "Workforce again")])  # the new generation
    assert await idset(engine, "workforce") == {2, 3}


async def test_a_failed_rebuild_keeps_the_index_in_use(engine):
    await engine.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    current = engine.layout.current()

    async def batches():
        yield [_doc(2, 2, "Workforce plans")]
        raise RuntimeError("the source failed")

    with pytest.raises(RuntimeError):
        await engine.rebuild(batches())
    assert engine.layout.current() == current
    assert [p.name for p in engine.layout.base.glob("g-*")] == [current.generation]
    assert await idset(engine, "budgets") == {1}
    assert await idset(engine, "workforce") == set()


async def test_a_changed_schema_starts_an_empty_index(engine, tmp_path):
    await engine.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    assert await engine.ensure_ready() is False
    engine.layout.switch(tantivy_index.Pointer(engine.layout.current().generation, "old"))
    assert await TantivyEngine(tmp_path / "search.db").ensure_ready() is True
    assert await idset(engine, "budgets") == set()  # the caller rebuilds


async def test_a_missing_index_is_an_unavailable_engine(engine):
    await engine.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    shutil.rmtree(engine.layout.base)
    with pytest.raises(EngineUnavailable, match="missing"):
        await engine.count()
    with pytest.raises(EngineUnavailable, match="missing"):
        await idset(engine, "budgets")
    assert await engine.ensure_ready() is True  # a new, empty index: the caller rebuilds
    assert await idset(engine, "budgets") == set()


async def test_an_index_created_empty_beside_full_sqlite_is_rebuilt_later(engine, tmp_path):
    """The CLI's ensure_ready creates a missing index and does not rebuild: a later
    start must still see that the index lacks what SQLite holds."""
    await engine.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    shutil.rmtree(engine.layout.base)
    assert await TantivyEngine(tmp_path / "search.db").ensure_ready() is True  # not rebuilt
    later = TantivyEngine(tmp_path / "search.db")
    assert await later.ensure_ready() is True
    assert await later.count() == 0


async def test_a_rebuild_interrupted_after_an_empty_index_is_redone_later(engine, tmp_path):
    await engine.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    engine.layout.switch(tantivy_index.Pointer(engine.layout.current().generation, "old"))
    assert await engine.ensure_ready() is True  # an empty index, a rebuild to come

    async def batches():
        yield [_doc(1, 1, "Budgets were cut")]
        raise RuntimeError("the process stopped")

    await engine.replace_documents([2], [_doc(2, 2, "Workforce plans")])  # a live write
    with pytest.raises(RuntimeError):
        await engine.rebuild(batches())
    assert await TantivyEngine(tmp_path / "search.db").ensure_ready() is True

    async def whole():
        yield [_doc(1, 1, "Budgets were cut"), _doc(2, 2, "Workforce plans")]

    await engine.rebuild(whole())
    assert await TantivyEngine(tmp_path / "search.db").ensure_ready() is False
    assert await engine.count() == 2


async def test_facets_count_values_past_a_segment_s_best(engine, monkeypatch):
    """A terms aggregation keeps a segment's best values only (10 x size by default):
    a value below them in one segment and on top in another was counted too low."""
    monkeypatch.setattr(tantivy_search, "FACET_FETCH", 2)
    crowd = [_doc(p, 100 + p % 30, "Budgets", organisation=f"O{p % 30}") for p in range(60)]
    crowd.append(_doc(100, 1, "Budgets", organisation="X"))  # X is last in this segment
    await engine.replace_documents(sorted({d.document_id for d in crowd}), crowd)
    later = [_doc(200 + n, 2, "Budgets", organisation="X") for n in range(5)]
    await engine.replace_documents([2], later)  # another segment: X on top there
    assert engine.reader.searcher().num_segments >= 2
    result = await engine.search(SearchRequest(prepare("budgets"), facets=True, limit=1))
    assert result.facets["organisation"][0] == FacetCount("X", 6)


# --- the writer lock ---------------------------------------------------------------

_HOLD = """
import sys, time, tantivy
writer = tantivy.Index.open(sys.argv[1]).writer(15_000_000, 1)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _hold_writer(engine: TantivyEngine, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the index's writer for `seconds`."""
    path = engine.layout.path(engine.layout.current())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


async def test_a_write_waits_for_another_process_writer(engine):
    proc = _hold_writer(engine, 0.6)
    started = time.monotonic()
    await engine.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    assert time.monotonic() - started > 0.3  # it waited, then wrote
    assert proc.wait(timeout=10) == 0
    assert await idset(engine, "budgets") == {1}


async def test_a_write_gives_up_after_its_wait(engine, tmp_path):
    impatient = TantivyEngine(tmp_path / "search.db", writer_wait=0.2)
    proc = _hold_writer(engine, 2)
    try:
        with pytest.raises(EngineUnavailable, match="busy"):
            await impatient.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    finally:
        proc.kill()
        proc.wait()
    assert await engine.count() == 0  # nothing half-written: SQLite was never touched
    await impatient.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    assert await idset(engine, "budgets") == {1}


async def test_a_rebuild_that_cannot_switch_says_why_and_leaves_no_generation(engine, tmp_path):
    await engine.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    current = engine.layout.current()
    impatient = TantivyEngine(tmp_path / "search.db", writer_wait=0.2)

    async def batches():
        yield [_doc(2, 2, "Workforce plans")]

    proc = _hold_writer(engine, 5)
    try:
        with pytest.raises(EngineUnavailable, match="busy"):
            await impatient.rebuild(batches())
    finally:
        proc.kill()
        proc.wait()
    assert [p.name for p in engine.layout.base.glob("g-*")] == [current.generation]
    assert await idset(engine, "budgets") == {1}


async def test_a_failing_tantivy_write_is_an_unavailable_engine(engine):
    """The outbox drain records SearchErrors on their jobs; tantivy raises ValueError."""
    await engine.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    (engine.layout.path(engine.layout.current()) / "meta.json").write_text("not json")
    with pytest.raises(EngineUnavailable, match="tantivy index failed a write"):
        await engine.replace_documents([2], [_doc(2, 2, "Workforce plans")])
    with pytest.raises(EngineUnavailable, match="tantivy index failed a write"):
        await engine.update_passages([_doc(1, 1, "Budgets were raised")])


async def test_two_instances_in_one_process_take_turns(engine, tmp_path):
    other = TantivyEngine(tmp_path / "search.db")
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with tantivy_index.writing(engine.layout) as writer:
            assert isinstance(writer, tantivy.IndexWriter)
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    threading.Timer(0.3, release.set).start()
    await other.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    holder.join(5)
    assert await idset(engine, "budgets") == {1}


_WRITE = """
import asyncio, sys
from pathlib import Path
from search.base import PassageDoc
from search.tantivy_engine import TantivyEngine

async def main(path, first):
    engine = TantivyEngine(Path(path))
    for pid in range(first, first + 5):
        doc = PassageDoc(pid, pid, pid, f"Budgets round {pid}", "document", "strategy")
        spare = PassageDoc(pid + 1000, pid, pid, "Spare", "document", "strategy")
        await engine.replace_documents([pid], [doc, spare])
        await engine.replace_documents([pid], [doc])  # and the spare passage goes again

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


async def test_processes_writing_at_once_leave_both_stores_alike(engine, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITE, str(tmp_path / "search.db"), str(first)], env=env
        )
        for first in (1, 101, 201)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    assert _documents(engine) == await engine.count() == 15
    assert len(await idset(engine, "budgets", limit=100)) == 15
    assert await idset(engine, "spare") == set()


def _start_rounds(path: Path, first: bool, barrier, errors, rounds: int) -> None:
    """One process starting `rounds` times at once with the others (spawned)."""

    async def start() -> None:
        engine = TantivyEngine(path)
        try:
            await engine.ensure_ready()
            await engine.count()
        except Exception as exc:
            errors.put(repr(exc))
        finally:
            await engine.close()

    for _ in range(rounds):
        barrier.wait(30)
        if first:  # an outdated index: every process replaces it at once
            layout = tantivy_index.Layout(Path(f"{path}.tantivy"))
            pointer = layout.read() or tantivy_index.Pointer("g-none")
            layout.switch(tantivy_index.Pointer(pointer.generation, "old"))
        barrier.wait(30)
        asyncio.run(start())


async def test_processes_starting_at_once_leave_one_index_in_use(engine, tmp_path):
    await engine.replace_documents([1], [_doc(1, 1, "Budgets were cut")])
    context = multiprocessing.get_context("spawn")
    barrier, errors = context.Barrier(4), context.Queue()
    starters = [
        context.Process(
            target=_start_rounds, args=(tmp_path / "search.db", n == 0, barrier, errors, 12)
        )
        for n in range(4)
    ]
    for p in starters:
        p.start()
    for p in starters:
        p.join(90)
        if p.exitcode is None:
            p.kill()
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []
    assert [p.exitcode for p in starters] == [0, 0, 0, 0]
    current = engine.layout.current()  # CURRENT names a generation that is there
    assert [p.name for p in engine.layout.base.glob("g-*")] == [current.generation]
