"""The vector half of the search contract, and relaxed word queries: every engine
runs these (mixed into each engine's contract class). Vectors are made by hand
here, so the engines are tested without a model."""

from __future__ import annotations

import math

import numpy as np

from search.base import Filters, NearestRequest, OwnCodings, PassageDoc, SearchRequest, coded_mark
from search.query import Or, Term, prepare, relax
from search.vectors.embedder import VECTOR_DIMS, to_blob

MODEL = "test-model@1#abc"
OTHER = "other-model@1#def"


def unit(*weights: float) -> bytes:
    """A normalised vector whose first coordinates are `weights`."""
    v = np.zeros(VECTOR_DIMS, dtype=np.float32)
    v[: len(weights)] = weights
    return to_blob(v / np.linalg.norm(v))


def _doc(pid: int, doc: int, text: str, vector: bytes | None, **kw) -> PassageDoc:
    return PassageDoc(
        passage_id=pid,
        document_id=doc,
        version_id=doc,
        text=text,
        source_type=kw.pop("source_type", "document"),
        document_type=kw.pop("document_type", "strategy"),
        vector=vector,
        vector_model=kw.pop("vector_model", MODEL if vector else None),
        **kw,
    )


# Query direction: (1, 0). Cosines: 21 -> 1.0, 22 -> 0.8, 23 -> 0.6, 24 -> 0 (orthogonal).
VECTOR_DOCS = [
    _doc(21, 30, "Colleagues said their views were sought and acted on.", unit(1, 0)),
    _doc(22, 30, "The engagement survey showed better voice scores.", unit(0.8, 0.6)),
    _doc(23, 31, "Parking permits for the estates team.", unit(0.6, 0.8), document_type="policy"),
    _doc(24, 31, "Insulin needles of 4 mm suit most adults.", unit(0, 1), document_type="policy"),
    _doc(25, 32, "A passage not embedded yet.", None),
    _doc(26, 32, "Embedded by another model.", unit(1, 0), vector_model=OTHER),
    _doc(27, 33, "Another project's passage.", unit(1, 0), project_id=2),
]
QUERY = unit(1, 0)


async def nearest(engine, k: int = 10, **filters) -> list[tuple[int, float]]:
    found = await engine.nearest(NearestRequest(QUERY, MODEL, Filters(**filters), k))
    return list(found)


class VectorContract:
    async def _load(self, engine) -> None:
        await engine.replace_documents(sorted({d.document_id for d in VECTOR_DOCS}), VECTOR_DOCS)

    async def test_nearest_orders_by_cosine(self, engine):
        await self._load(engine)
        found = await nearest(engine, project_ids=(0,))
        assert [pid for pid, _ in found] == [21, 22, 23, 24]
        for (_, got), want in zip(found, [1.0, 0.8, 0.6, 0.0], strict=True):
            assert math.isclose(got, want, abs_tol=0.02)  # Elasticsearch quantises

    async def test_nearest_keeps_k_best(self, engine):
        await self._load(engine)
        assert [pid for pid, _ in await nearest(engine, k=2, project_ids=(0,))] == [21, 22]

    async def test_nearest_compares_only_the_same_models_vectors(self, engine):
        await self._load(engine)
        found = {pid for pid, _ in await nearest(engine)}
        assert 26 not in found and 25 not in found  # other model; no vector at all
        assert 27 in found  # no project filter given: every project

    async def test_nearest_honours_filters(self, engine):
        await self._load(engine)
        policy = await nearest(engine, project_ids=(0,), document_types=("policy",))
        assert [pid for pid, _ in policy] == [23, 24]
        assert [pid for pid, _ in await nearest(engine, document_ids=(30,))] == [21, 22]
        assert [pid for pid, _ in await nearest(engine, project_ids=(2,))] == [27]

    async def test_nearest_honours_blind_coding(self, engine):
        coded = [
            _doc(41, 40, "Mine.", unit(1, 0), coder_ids=(7,), coded=(coded_mark(7),)),
            _doc(42, 40, "Theirs.", unit(1, 0.1), coder_ids=(8,), coded=(coded_mark(8),)),
        ]
        await engine.replace_documents([40], coded)
        own = OwnCodings(document_ids=(40,), coder_id=7)
        found = await nearest(engine, annotated=True, own_codings=own)
        assert [pid for pid, _ in found] == [41]

    async def test_replacing_a_document_replaces_its_vectors(self, engine):
        await self._load(engine)
        moved = [_doc(21, 30, "Now about needles.", unit(0, 1))]
        await engine.replace_documents([30], moved, seq=5)
        found = await nearest(engine, project_ids=(0,))
        # 21 now points away from the query; 22 went with the rest of document 30.
        assert [pid for pid, _ in found] == [23, 21, 24]
        await engine.replace_documents([31], [], seq=6)
        assert [pid for pid, _ in await nearest(engine, project_ids=(0,))] == [21]

    async def test_rebuild_carries_vectors(self, engine):
        async def batches():
            yield VECTOR_DOCS

        await engine.rebuild(batches(), seq=1)
        found = await nearest(engine, k=3, project_ids=(0,))
        assert [pid for pid, _ in found] == [21, 22, 23]

    async def test_minimum_should_match(self, loaded):
        """Or(min_match=2): passages with at least two of the words, and no others."""
        words = Or((Term("governance"), Term("board"), Term("trust")), min_match=2)
        found = await loaded.search(SearchRequest(words, limit=50))
        assert {h.passage_id for h in found.hits} == {5, 6, 10}
        anyone = await loaded.search(SearchRequest(Or(words.children), limit=50))
        assert {h.passage_id for h in anyone.hits} > {5, 6, 10}

    async def test_relaxed_plain_words_find_partial_matches(self, loaded):
        strict = prepare("board governance meets quarterly")
        assert (await loaded.search(SearchRequest(strict))).total == 0
        loose = relax(strict)
        assert loose is not None and loose.min_match == 2
        found = await loaded.search(SearchRequest(loose, limit=50))
        assert [h.passage_id for h in found.hits][0] == 6  # three of the four words
        assert {h.passage_id for h in found.hits} == {6, 10}
