"""Stored embeddings: the database keeps every passage's vector, so a rebuilt index
never has to embed again (embedding is the slow part of indexing).

A passage has one vector per model: during a model change it has the old model's,
which keep answering queries, and, once embedded, the new one's. EmbeddingServing
names the model whose vectors queries use (backend/embedding/service.py says when
it changes)."""

from __future__ import annotations

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel


class PassageEmbedding(SQLModel, table=True):
    """One vector per passage and model: float32 little-endian
    (search.vectors.embedder.to_blob), made by the model whose identity key
    (name@version#sha256) is `model`."""

    passage_id: int = Field(foreign_key="passage.id", primary_key=True)
    model: str = Field(max_length=120, index=True, primary_key=True)
    vector: bytes = Field(sa_column=Column(LargeBinary(), nullable=False))


class EmbeddingServing(SQLModel, table=True):
    """One row (id 1): the identity key of the model that semantic search uses."""

    id: int = Field(default=1, primary_key=True)
    model: str = Field(max_length=120)
