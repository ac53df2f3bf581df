"""The Elasticsearch engine against a real node: the whole contract, plus its specifics."""

import uuid

import pytest

from search.elastic.dsl import to_query
from search.elastic.engine import ElasticsearchEngine
from search.elastic.mapping import MAPPING_VERSION
from search.errors import EngineUnavailable
from search.query import prepare
from tests.search.contract import DOCS, EngineContract, idset


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


class TestElasticsearchContract(EngineContract):
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


def test_phrases_and_prefixes_use_the_unstemmed_field():
    assert to_query(prepare('"the board"')) == {
        "match_phrase": {"text.exact": {"query": "the board", "slop": 0}}
    }
    assert to_query(prepare("lead*")) == {"prefix": {"text.exact": {"value": "lead"}}}


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
