"""Vectors in Elasticsearch: the `dense_vector` field and the kNN search.

The mapping (search/elastic/mapping.py) takes VECTOR_PROPERTIES; the engine adds
`vector_source(doc)` to each passage it indexes and sends `nearest_body(request)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from search.base import NearestRequest, PassageDoc
from search.elastic.dsl import to_filters
from search.vectors.embedder import VECTOR_DIMS, from_blob

# HNSW is approximate: it looks at this many candidates per shard for k results
# (Elasticsearch's own advice is 1.5 x k or more; filters are applied during the walk).
CANDIDATES_PER_RESULT = 4
MAX_CANDIDATES = 10_000  # Elasticsearch's limit on num_candidates

# Two slots: during a model change a passage carries the old model's vector and the
# new one's; a kNN search looks in both for its model (one of them is empty outside
# a change, and an empty field costs its HNSW walk nothing).
SLOTS = (("vector", "vector_model"), ("other_vector", "other_vector_model"))
VECTOR_PROPERTIES = {
    name: prop
    for field, model in SLOTS
    for name, prop in (
        (field, {"type": "dense_vector", "dims": VECTOR_DIMS, "similarity": "cosine"}),
        (model, {"type": "keyword"}),
    )
}


def vector_source(d: PassageDoc) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for (field, model_field), (model, vector) in zip(SLOTS, d.vectors(), strict=False):
        out[field] = from_blob(vector).tolist()
        out[model_field] = model
    return out


def nearest_body(request: NearestRequest) -> dict[str, Any]:
    """One kNN clause per slot, each restricted to the request's model: a passage has
    at most one vector of a model, so it is found once, scored by that vector."""
    query = np.frombuffer(request.vector, dtype="<f4").tolist()
    filters = to_filters(request.filters)
    return {
        "knn": [
            {
                "field": field,
                "query_vector": query,
                "k": request.k,
                "num_candidates": min(MAX_CANDIDATES, max(request.k * CANDIDATES_PER_RESULT, 100)),
                "filter": [{"term": {model_field: request.model}}, *filters],
            }
            for field, model_field in SLOTS
        ],
        "size": request.k,
        "_source": False,
    }


def nearest_hits(answer: dict[str, Any]) -> tuple[tuple[int, float], ...]:
    """Elasticsearch scores cosine as (1 + cos) / 2: turned back into the cosine, so
    both engines report the same number for the same pair."""
    found = [(int(h["_id"]), 2.0 * float(h["_score"]) - 1.0) for h in answer["hits"]["hits"]]
    return tuple(sorted(found, key=lambda pair: (-pair[1], pair[0])))
