"""Embedding passages: after ingest (worker and CLI), in batches with progress, and
in the background for whatever has no vector of the configured model yet (new
passages, or all of them after a model change).

Vectors are stored in the database (PassageEmbedding, one per passage and model) and
reach the index through the outbox like text: each batch marks its documents for
indexing. A model change does not interrupt semantic search: EmbeddingServing names
the model queries use, and it stays the old one, whose vectors are complete, until
the new model has embedded every current passage; then the new model serves, the old
vectors are deleted and every document is indexed again without them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import anyio
from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from backend.core.config import Settings
from backend.core.ids import stored
from backend.core.runtime import Runtime
from backend.documents.models import Document, Passage
from backend.embedding import OFF
from backend.embedding.models import EmbeddingServing, PassageEmbedding
from backend.indexing.service import mark_for_index
from search.vectors.embedder import (
    Embedder,
    ModelUnavailable,
    embedder_for,
    load_embedder,
    to_blob,
)

log = logging.getLogger(__name__)
BATCH = 64  # passages per transaction: a crash loses at most this much work

Progress = Callable[[int, int], None]  # (embedded so far, to embed in all)


async def embedder(settings: Settings) -> Embedder:
    """The configured model, loaded once per process (off the event loop)."""
    if settings.embedding_model == OFF:
        raise ModelUnavailable("semantic search is turned off on this server (EMBEDDING_MODEL=off)")
    return await anyio.to_thread.run_sync(load_embedder, settings.embedding_model)


async def serving_key(session: AsyncSession) -> str | None:
    row = await session.get(EmbeddingServing, 1)
    return row.model if row else None


async def query_vector(session: AsyncSession, settings: Settings, text: str) -> tuple[bytes, str]:
    """A query's vector and the identity key of the model that made it: the serving
    model's (the old one during a model change, if still installed), else the
    configured one's."""
    model = await embedder(settings)
    serving = await serving_key(session)
    if serving is not None and serving != model.identity.key:
        old = await anyio.to_thread.run_sync(embedder_for, serving)
        if old is not None:
            model = old
        else:
            log.warning("the serving model %s is not installed; using %s", serving, model)
    vector = await anyio.to_thread.run_sync(model.embed_query, text)
    return to_blob(vector), model.identity.key


def _pending(model_key: str, document_ids: Sequence[int] | None) -> Select[int | None, int, str]:
    """Current passages without a vector of this model."""
    stmt = (
        select(col(Passage.id), Passage.document_id, Passage.text)
        .join(Document, col(Document.id) == col(Passage.document_id))
        .outerjoin(
            PassageEmbedding,
            (col(PassageEmbedding.passage_id) == col(Passage.id))
            & (col(PassageEmbedding.model) == model_key),
        )
        .where(Passage.version_id == Document.current_version_id)
        .where(col(PassageEmbedding.passage_id).is_(None))
        .order_by(col(Passage.id))
    )
    if document_ids is not None:
        stmt = stmt.where(col(Passage.document_id).in_(document_ids))
    return stmt


async def count_pending(session: AsyncSession, model_key: str) -> int:
    sub = _pending(model_key, None).subquery()
    return (await session.exec(select(func.count()).select_from(sub))).one()


async def embed_pending(
    rt: Runtime,
    document_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    limit: int | None = None,
) -> int:
    """Embed what has no vector of the configured model (of these documents, or all;
    at most `limit` passages); returns how many passages were embedded."""
    if rt.settings.embedding_model == OFF:
        return 0
    model = await embedder(rt.settings)
    key = model.identity.key
    async with rt.sessions() as session:
        if await serving_key(session) is None:  # the first vectors: nothing to keep serving
            session.add(EmbeddingServing(id=1, model=key))
            await session.commit()
        sub = _pending(key, document_ids).subquery()
        total = (await session.exec(select(func.count()).select_from(sub))).one()
    total = min(total, limit) if limit is not None else total
    done = 0
    while done < total:
        async with rt.sessions() as session:
            stmt = _pending(key, document_ids).limit(min(BATCH, total - done))
            rows = (await session.exec(stmt)).all()
            if not rows:
                break
            vectors = await anyio.to_thread.run_sync(model.embed, [r[2] for r in rows])
            await _store(
                session,
                key,
                [(stored(r[0]), to_blob(v)) for r, v in zip(rows, vectors, strict=True)],
            )
            for document_id in sorted({r[1] for r in rows}):
                await mark_for_index(session, document_id)
            await session.commit()
        done += len(rows)
        if progress:
            progress(done, total)
        log.info("embedded %d of %d passages", done, total)
    await _settle(rt, key)
    return done


async def _store(session: AsyncSession, key: str, vectors: list[tuple[int, bytes]]) -> None:
    ids = [pid for pid, _ in vectors]
    same = col(PassageEmbedding.passage_id).in_(ids) & (col(PassageEmbedding.model) == key)
    await session.exec(delete(PassageEmbedding).where(same))
    session.add_all(PassageEmbedding(passage_id=pid, model=key, vector=v) for pid, v in vectors)


async def _settle(rt: Runtime, key: str) -> None:
    """Once the configured model has a vector for every current passage, it serves,
    and other models' vectors leave the database and (by re-indexing) the index."""
    async with rt.sessions() as session:
        # The usual case first, by two indexed look-ups: this model serves and no other
        # model's vectors are left. Only otherwise count what is still to embed (a join
        # over every current passage, too much for each worker pass).
        others = col(PassageEmbedding.model) != key
        stale = select(PassageEmbedding.passage_id).where(others).limit(1)
        serving = await session.get(EmbeddingServing, 1)
        if serving is not None and serving.model == key and not (await session.exec(stale)).first():
            return
        if await count_pending(session, key):
            return
        documents = (
            select(Passage.document_id)
            .join(PassageEmbedding, col(PassageEmbedding.passage_id) == Passage.id)
            .where(others)
            .distinct()
        )
        stale_documents = set((await session.exec(documents)).all())
        await session.exec(delete(PassageEmbedding).where(others))
        if serving is None:
            session.add(EmbeddingServing(id=1, model=key))
        else:
            serving.model = key
            session.add(serving)
        for document_id in sorted(stale_documents):
            await mark_for_index(session, document_id)
        await session.commit()
    log.info("embedding model %s now serves semantic search", key)


async def embed_quietly(
    rt: Runtime,
    document_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    limit: int | None = None,
) -> int:
    """For the worker: a model that cannot load leaves passages lexical-only, logged.
    How many passages were embedded (0 after a failure)."""
    try:
        return await embed_pending(rt, document_ids, progress, limit)
    except ModelUnavailable as exc:
        log.warning("passages not embedded (%s)", exc.message)
    except Exception:  # the worker must keep ingesting whatever goes wrong here
        log.exception("embedding failed; will retry")
    return 0
