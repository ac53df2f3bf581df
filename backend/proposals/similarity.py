"""How proposals are ranked, and why each was proposed.

Hybrid: the engine's "more like this" ranking (the starting text's distinctive
words, BM25) fused by reciprocal rank fusion with the nearest passages by meaning
(cosine of embeddings), so a paraphrase that shares no word can be proposed and a
passage sharing one common word no longer wins on that alone. Each proposal says
which words it shares with the starting text and its cosine similarity. With
embeddings off (EMBEDDING_MODEL=off) the ranking is lexical alone, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.config import Settings
from backend.embedding.service import query_vector
from search.base import Filters, NearestRequest, SearchEngine, SearchHit, SimilarRequest
from search.similar import candidate_stems
from search.vectors.embedder import ModelUnavailable
from search.vectors.fusion import reciprocal_rank_fusion

CANDIDATES = 50  # from each ranking, before fusion
MAX_SHARED = 12


@dataclass(frozen=True)
class Ranked:
    passage_id: int
    score: float  # the fused score (hybrid) or BM25 (lexical)
    lexical_rank: int | None  # 1-based, None: not among the word matches
    semantic_rank: int | None
    similarity: float | None  # cosine with the starting text
    highlights: tuple[str, ...]


async def rank(
    session: AsyncSession,
    engine: SearchEngine,
    settings: Settings,
    text: str,
    filters: Filters,
    exclude: tuple[int, ...],
    limit: int,
) -> tuple[list[Ranked], str]:
    """Best first, and the method used: "hybrid" or "lexical"."""
    words = await engine.similar(SimilarRequest(text, filters, CANDIDATES, exclude))
    try:
        vector, model = await query_vector(session, settings, text)
    except ModelUnavailable:
        return [_lexical(h, i) for i, h in enumerate(words[:limit], 1)], "lexical"
    k = CANDIDATES + len(exclude)
    nearest = [
        (pid, cos)
        for pid, cos in await engine.nearest(NearestRequest(vector, model, filters, k))
        if pid not in exclude
    ][:CANDIDATES]
    fused = reciprocal_rank_fusion([[h.passage_id for h in words], [pid for pid, _ in nearest]])
    lexical_ranks = {h.passage_id: i for i, h in enumerate(words, 1)}
    semantic_ranks = {pid: i for i, (pid, _) in enumerate(nearest, 1)}
    cosines = dict(nearest)
    marks = {h.passage_id: h.highlights for h in words}
    return [
        Ranked(
            pid,
            score,
            lexical_ranks.get(pid),
            semantic_ranks.get(pid),
            cosines.get(pid),
            marks.get(pid, ()),
        )
        for pid, score in fused[:limit]
    ], "hybrid"


def _lexical(hit: SearchHit, rank_: int) -> Ranked:
    return Ranked(hit.passage_id, hit.score, rank_, None, None, hit.highlights)


def shared_terms(origin: str, passage: str) -> list[str]:
    """Distinctive words (not stop words, stems compared) both texts have, most
    frequent in the starting text first."""
    ours = candidate_stems(origin)
    theirs = candidate_stems(passage)
    common = sorted(set(ours) & set(theirs), key=lambda s: (-ours[s][0], ours[s][1]))
    return [ours[s][1] for s in common[:MAX_SHARED]]
