"""The embedded engine's in-memory vector matrices: a process that searched keeps its
matrices and brings them up to date from what other processes wrote, incrementally,
and a rebuild makes it load them anew."""

from __future__ import annotations

import dataclasses

import pytest

from search import sqlite_vectors
from search.sqlite_fts import SqliteFtsEngine
from tests.search.vector_contract import VECTOR_DOCS, _doc, nearest, unit


@pytest.fixture
async def pair(tmp_path):
    """Two engines on one file: a searching process and a writing one."""
    reader, writer = SqliteFtsEngine(tmp_path / "s.db"), SqliteFtsEngine(tmp_path / "s.db")
    await writer.ensure_ready()
    await writer.replace_documents(sorted({d.document_id for d in VECTOR_DOCS}), VECTOR_DOCS)
    yield reader, writer
    await reader.close()
    await writer.close()


@pytest.fixture
def loads(monkeypatch):
    """How many full loads the cache does (the real loader, counted)."""
    count = {"n": 0}
    real = sqlite_vectors._load

    def counted(*args):
        count["n"] += 1
        return real(*args)

    monkeypatch.setattr(sqlite_vectors, "_load", counted)
    return count


def ids(found):
    return [pid for pid, _ in found]


async def test_a_write_reaches_a_cached_matrix_without_a_reload(pair, loads):
    reader, writer = pair
    assert ids(await nearest(reader, project_ids=(0,))) == [21, 22, 23, 24]
    assert loads["n"] == 1
    added = [_doc(51, 50, "Staff felt listened to.", unit(0.9, 0.1))]
    await writer.replace_documents([50], added, seq=2)
    assert ids(await nearest(reader, project_ids=(0,))) == [21, 51, 22, 23, 24]
    await writer.replace_documents([30], [_doc(21, 30, "Now about needles.", unit(0, 1))], seq=3)
    assert ids(await nearest(reader, project_ids=(0,))) == [51, 23, 21, 24]  # 22 went with 30
    assert loads["n"] == 1


async def test_a_removed_document_leaves_the_cached_matrix(pair, loads):
    reader, writer = pair
    assert 23 in ids(await nearest(reader, project_ids=(0,)))
    await writer.replace_documents([31], [], seq=2)
    assert ids(await nearest(reader, project_ids=(0,))) == [21, 22]
    assert loads["n"] == 1


async def test_a_passage_moved_to_another_project_moves_matrix(pair):
    reader, writer = pair
    assert ids(await nearest(reader, project_ids=(2,))) == [27]
    assert 22 in ids(await nearest(reader, project_ids=(0,)))
    moved = dataclasses.replace(VECTOR_DOCS[1], project_id=2, vector=None)  # fields only
    await writer.update_passages([moved], seq=2)
    assert ids(await nearest(reader, project_ids=(2,))) == [27, 22]
    assert 22 not in ids(await nearest(reader, project_ids=(0,)))


async def test_a_rebuild_loads_the_matrices_anew(pair, loads):
    reader, writer = pair
    assert ids(await nearest(reader, project_ids=(0,))) == [21, 22, 23, 24]

    async def batches():
        yield [_doc(61, 60, "Only this.", unit(1, 0))]

    await writer.rebuild(batches(), seq=5)
    assert ids(await nearest(reader, project_ids=(0,))) == [61]
    assert loads["n"] == 2


async def test_every_project_when_none_is_given(pair):
    reader, _ = pair
    assert ids(await nearest(reader, k=2)) == [21, 27]  # cosine 1.0 both: smaller id first


async def test_kept_filter_results_follow_writes(pair):
    reader, writer = pair
    policy = {"project_ids": (0,), "document_types": ("policy",)}
    assert ids(await nearest(reader, **policy)) == [23, 24]
    retyped = dataclasses.replace(VECTOR_DOCS[1], document_type="policy")
    await writer.update_passages([retyped], seq=2)
    assert ids(await nearest(reader, **policy)) == [22, 23, 24]
