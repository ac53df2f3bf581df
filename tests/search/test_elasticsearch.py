"""The Elasticsearch engine against a real node: the whole contract, plus its specifics."""

import asyncio
import uuid

import pytest
from elasticsearch.helpers import async_bulk

from search.base import SearchRequest
from search.elastic.dsl import to_query
from search.elastic.engine import ElasticsearchEngine, _index_action
from search.elastic.mapping import MAPPING_VERSION, MAPPINGS, index_settings
from search.errors import EngineUnavailable
from search.query import prepare
from search.sqlite_fts import SqliteFtsEngine
from tests.search.contract import DOCS, EngineContract, _doc, idset
from tests.search.vector_contract import VectorContract


async def _drop(engine: ElasticsearchEngine) -> None:
    for index in await engine._alias_targets():
        await engine.client.indices.delete(index=index)


@pytest.fixture
async def engine(es_url):
    engine = ElasticsearchEngine(es_url, prefix=f"test-{uuid.uuid4().hex[:10]}")
    await engine.ensure_ready()
    yield engine
    await _drop(engine)
    await engine.close()


class TestElasticsearchContract(EngineContract, VectorContract):
    pass


async def test_index_is_versioned_behind_an_alias(engine):
    (index,) = await engine._alias_targets()
    assert index.startswith(f"{engine.prefix}-passages-v{MAPPING_VERSION}-")
    mapping = await engine.client.indices.get_mapping(index=index)
    assert mapping[index]["mappings"]["dynamic"] == "false"


async def test_rebuild_swaps_the_alias_and_drops_the_old_index(engine):
    (before,) = await engine._alias_targets()

    async def one_batch():
        yield DOCS

    assert await engine.rebuild(one_batch()) == len(DOCS)
    (after,) = await engine._alias_targets()
    assert after != before
    assert not await engine.client.indices.exists(index=before)


async def test_older_mapping_keeps_serving_until_the_rebuild_swaps(engine):
    await engine.replace_documents([10], DOCS[:2])
    (index,) = await engine._alias_targets()
    await engine.client.indices.put_mapping(index=index, meta={"mapping_version": 0})
    assert await engine.ensure_ready() is True  # outdated: the caller rebuilds
    assert await engine.count() == 2  # meanwhile searches still see the old index

    async def batches():
        yield DOCS

    assert await engine.rebuild(batches()) == len(DOCS)
    (new_index,) = await engine._alias_targets()
    assert new_index != index and await engine.ensure_ready() is False


async def test_processes_starting_together_share_one_index(es_url):
    import asyncio

    prefix = f"test-{uuid.uuid4().hex[:10]}"
    engines = [ElasticsearchEngine(es_url, prefix=prefix) for _ in range(3)]
    try:
        await asyncio.gather(*(e.ensure_ready() for e in engines))
        assert len(await engines[0]._alias_targets()) == 1
        await engines[1].replace_documents([10], DOCS[:2])
        assert await engines[2].count() == 2
    finally:
        await _drop(engines[0])
        for e in engines:
            await e.close()


async def test_fuzzy_finds_misspellings(engine):
    await engine.replace_documents([10, 12, 15], DOCS)
    assert await idset(engine, "goverance~1") == {5, 6, 10}
    assert await idset(engine, "govrnance~1") == {5, 6, 10}
    assert await idset(engine, "govrnanse~1") == set()


async def test_proximity_differs_from_near_and_says_so(engine, tmp_path):
    """match_phrase's slop is not FTS5's NEAR (search/elastic/dsl.py, caveats): a swap
    of two words costs two moves, so "beta xx alpha" is not within 1 of "alpha beta";
    and with 3 words the ones between are not counted, so "alpha xx beta xx gamma"
    (3 words between the first and the last) is within 2. Each result says so."""
    docs = [_doc(1, 1, "beta xx alpha"), _doc(2, 2, "alpha xx beta xx gamma")]
    fts5 = SqliteFtsEngine(tmp_path / "s.db")
    await fts5.ensure_ready()
    for each in (fts5, engine):
        await each.replace_documents([1, 2], docs)
    swap, between = '"alpha beta"~1', '"alpha beta gamma"~2'
    assert (await idset(fts5, swap), await idset(engine, swap)) == ({1, 2}, {2})
    assert (await idset(fts5, between), await idset(engine, between)) == (set(), {2})
    await fts5.close()

    (caveat,) = (await engine.search(SearchRequest(prepare(swap)))).caveats
    assert caveat.startswith(f"{swap}: Elasticsearch counts a swap of two words as two moves")
    order, count = (await engine.search(SearchRequest(prepare(between)))).caveats
    assert order.startswith(f"{between}: Elasticsearch counts a swap")
    assert count.startswith(f"{between}: Elasticsearch does not count the query's other words")
    assert (await engine.search(SearchRequest(prepare('"beta xx alpha"')))).caveats == ()


def test_phrases_and_prefixes_use_the_unstemmed_field():
    assert to_query(prepare('"the board"')) == {
        "match_phrase": {"text.exact": {"query": "the board", "slop": 0}}
    }
    prefix = to_query(prepare("Lead*"))["simple_query_string"]
    assert prefix["query"] == "Lead*" and prefix["fields"] == ["text.exact"]
    assert prefix["analyze_wildcard"] is True  # analysed by Elasticsearch, not sent raw


async def test_unreachable_node_is_engine_unavailable():
    engine = ElasticsearchEngine("http://127.0.0.1:9", prefix="nowhere")
    try:
        with pytest.raises(EngineUnavailable, match="cannot be reached"):
            await engine.ensure_ready()
        with pytest.raises(EngineUnavailable):
            await engine.replace_documents([1], [])
    finally:
        await engine.close()


async def test_writes_never_auto_create_an_unmapped_index(es_url):
    engine = ElasticsearchEngine(es_url, prefix=f"test-{uuid.uuid4().hex[:10]}")
    try:
        await engine.replace_documents([10], DOCS[:2])  # prepares the index first
        (index,) = await engine._alias_targets()
        mapping = await engine.client.indices.get_mapping(index=index)
        assert mapping[index]["mappings"]["_meta"]["mapping_version"] == MAPPING_VERSION
        assert await engine.count() == 2
    finally:
        await _drop(engine)
        await engine.close()


async def test_an_index_from_before_the_alias_is_replaced_while_searches_answer(es_url):
    """An older install's index under the alias's own name: it serves until the
    rebuild, searches keep answering through the switch, and it is gone after."""
    engine = ElasticsearchEngine(es_url, prefix=f"test-{uuid.uuid4().hex[:10]}")
    legacy = engine.alias
    older = {**MAPPINGS, "_meta": {"mapping_version": 0}}
    await engine.client.indices.create(index=legacy, settings=index_settings(), mappings=older)
    await async_bulk(engine.client, [_index_action(legacy, d, 1) for d in DOCS[:2]], refresh=True)
    try:
        assert await engine.ensure_ready() is True  # the caller rebuilds
        assert await engine._alias_targets() == []
        answers: list[set[int]] = []
        finished = asyncio.Event()

        async def keep_searching():
            while not finished.is_set():
                answers.append(await idset(engine, "system"))
                await asyncio.sleep(0.005)

        async def batches():
            for d in DOCS:
                assert await idset(engine, "system") == {1, 2}  # the old index, meanwhile
                yield [d]

        searcher = asyncio.create_task(keep_searching())
        try:
            assert await engine.rebuild(batches()) == len(DOCS)
        finally:
            finished.set()
            await searcher  # raises if any search failed during the switch
        assert answers and all(found == {1, 2} for found in answers)
        (index,) = await engine._alias_targets()
        assert index != legacy and list(await engine.client.indices.get(index=legacy)) == [index]
        assert await idset(engine, "panel") == {3, 4}  # the new index answers
        assert await engine.ensure_ready() is False
    finally:
        await _drop(engine)
        await engine.client.indices.delete(index=legacy, ignore_unavailable=True)
        await engine.close()


async def test_replicas_change_in_place_and_a_new_shard_count_rebuilds(es_url):
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    engines = [
        ElasticsearchEngine(es_url, prefix),
        ElasticsearchEngine(es_url, prefix, replicas=1),
        ElasticsearchEngine(es_url, prefix, shards=2, replicas=1),
    ]
    single, replicated, sharded = engines
    try:
        await single.ensure_ready()
        (index,) = await single._alias_targets()
        assert await replicated.ensure_ready() is False  # same index, one replica more
        settings = await single.client.indices.get_settings(index=index)
        assert settings[index]["settings"]["index"]["number_of_replicas"] == "1"
        assert await sharded.ensure_ready() is True  # shards are fixed: a new index

        async def batches():
            yield DOCS

        await sharded.rebuild(batches())
        (new_index,) = await sharded._alias_targets()
        settings = await single.client.indices.get_settings(index=new_index)
        assert settings[new_index]["settings"]["index"]["number_of_shards"] == "2"
        assert await idset(single, "panel") == {3, 4}
    finally:
        await _drop(single)
        for e in engines:
            await e.close()


async def test_every_node_of_a_cluster_and_an_api_key_are_used(es_url):
    # The test node runs without security, so it accepts any key: this shows the key
    # is sent and that a comma-separated list of nodes answers.
    names = ("127.0.0.1", "localhost") if "127.0.0.1" in es_url else ("localhost", "127.0.0.1")
    other = es_url.replace(*names)
    nodes = f"{es_url}, {other}/,{es_url}/"  # one node under two names, one repeated
    engine = ElasticsearchEngine(
        nodes, prefix=f"test-{uuid.uuid4().hex[:10]}", api_key="a2V5OnNlY3JldA=="
    )
    try:
        assert len(engine.client.transport.node_pool.all()) == 2
        assert engine.client._headers["authorization"] == "ApiKey a2V5OnNlY3JldA=="
        await engine.replace_documents([10], DOCS[:2])
        assert await engine.count() == 2
    finally:
        await _drop(engine)
        await engine.close()


def test_an_index_needs_a_shard():
    with pytest.raises(ValueError, match="at least one shard"):
        index_settings(shards=0)
