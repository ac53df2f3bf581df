"""Reciprocal rank fusion: one ranking from several, done once in the app so every
engine gives the same order for the same two rankings."""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60  # Cormack et al.'s constant, also Elasticsearch's rank_constant default


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], k: int = RRF_K
) -> list[tuple[int, float]]:
    """(id, score) best first; score = sum over rankings of 1 / (k + rank), rank from 1.
    Ties go to the smaller id, so the order is total and the same everywhere."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
