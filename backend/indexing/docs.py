"""The searchable state of documents, read from the database as PassageDocs:
each current-version passage with its document's metadata and the codes and
coders of the annotations that overlap it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from backend.annotations.models import Annotation, AnnotationCode
from backend.annotations.overlap import overlapping
from backend.codes.models import Code
from backend.core.ids import stored
from backend.core.rows import wide_rows
from backend.documents.models import Document, Passage
from backend.embedding.models import PassageEmbedding
from search.base import PassageDoc, coded_mark

REBUILD_BATCH = 2000

Span = tuple[int, int, int, frozenset[int]]  # start, end, author, code ids


async def passage_docs(session: AsyncSession, document_ids: Sequence[int]) -> list[PassageDoc]:
    """Every current-version passage of these documents."""
    if not document_ids:
        return []
    return await _docs(session, col(Passage.document_id).in_(document_ids), by_version=True)


async def docs_of_passages(session: AsyncSession, passage_ids: Sequence[int]) -> list[PassageDoc]:
    """These passages alone (those of current versions), with the annotations over
    their ranges only: the cost is theirs, not their documents'."""
    if not passage_ids:
        return []
    return await _docs(session, col(Passage.id).in_(passage_ids), by_version=False)


# What to_doc reads of a passage: plain rows, not ORM objects. Loading every passage
# as an entity (identity map, instance state) and its document once per passage was
# most of a transcript's index write; the few documents are loaded once each.
_PASSAGE_FIELDS = (
    col(Passage.id),
    col(Passage.document_id),
    col(Passage.version_id),
    col(Passage.text),
    col(Passage.heading_path),
    col(Passage.page_start),
    col(Passage.page_end),
    col(Passage.start),
    col(Passage.end),
    col(Passage.speaker),
    col(Passage.speaker_role),
    col(Passage.ordinal),
)


async def _docs(
    session: AsyncSession, where: ColumnElement[bool], by_version: bool
) -> list[PassageDoc]:
    stmt = (
        sqlalchemy.select(*_PASSAGE_FIELDS)
        .join(Document, col(Document.id) == col(Passage.document_id))
        .where(where)
        .where(col(Passage.version_id) == col(Document.current_version_id))
        .order_by(col(Passage.id))
    )
    rows = await wide_rows(session, stmt)
    if not rows:
        return []
    over: ColumnElement[bool]
    if by_version:
        over = col(Annotation.version_id).in_({p.version_id for p in rows})
    else:
        over = overlapping((p.version_id, p.start, p.end) for p in rows)
    spans = await _annotation_spans(session, over)
    vectors = await _vectors(session, [p.id for p in rows])
    documents = await _documents(session, {p.document_id for p in rows})
    return [
        with_vector(
            to_doc(p, documents[p.document_id], spans.get(p.version_id, ())),
            vectors.get(p.id, ()),
        )
        for p in rows
    ]


async def _documents(session: AsyncSession, ids: set[int]) -> dict[int, Document]:
    stmt = select(Document).where(col(Document.id).in_(ids))
    return {stored(d.id): d for d in (await session.exec(stmt)).all()}


async def _vectors(
    session: AsyncSession, passage_ids: list[int]
) -> dict[int, list[PassageEmbedding]]:
    found: dict[int, list[PassageEmbedding]] = defaultdict(list)
    for start in range(0, len(passage_ids), 1000):  # bound the IN list
        chunk = passage_ids[start : start + 1000]
        stmt = (
            select(PassageEmbedding)
            .where(col(PassageEmbedding.passage_id).in_(chunk))
            .order_by(col(PassageEmbedding.model))
        )
        for e in (await session.exec(stmt)).all():
            found[e.passage_id].append(e)
    return found


def with_vector(doc: PassageDoc, embeddings: Sequence[PassageEmbedding]) -> PassageDoc:
    """The passage's vectors: one per model, two during a model change."""
    if not embeddings:
        return doc
    first, *rest = embeddings
    doc = replace(doc, vector=first.vector, vector_model=first.model)
    if rest:
        doc = replace(doc, other_vector=rest[0].vector, other_vector_model=rest[0].model)
    return doc


async def _annotation_spans(
    session: AsyncSession, over: ColumnElement[bool]
) -> dict[int, list[Span]]:
    # sqlmodel's select() is typed for up to four columns; five take the class it builds.
    stmt = Select[int, int, int, int, int](
        col(Annotation.id),
        col(Annotation.version_id),
        col(Annotation.start),
        col(Annotation.end),
        col(Annotation.author_id),
    ).where(
        over,
        col(Annotation.deleted_at).is_(None),
        col(Annotation.orphaned).is_(False),
    )
    found = (await session.exec(stmt)).all()
    codes: dict[int, set[int]] = defaultdict(set)
    if found:
        link = (
            select(AnnotationCode.annotation_id, AnnotationCode.code_id)
            .join(Code, col(Code.id) == col(AnnotationCode.code_id))
            .where(
                col(AnnotationCode.annotation_id).in_([a[0] for a in found]),
                col(Code.deleted_at).is_(None),
            )
        )
        for annotation_id, code_id in (await session.exec(link)).all():
            codes[annotation_id].add(code_id)
    spans: dict[int, list[Span]] = defaultdict(list)
    for annotation_id, version_id, start, end, author in found:
        spans[version_id].append((start, end, author, frozenset(codes[annotation_id])))
    return spans


def to_doc(passage: Any, document: Document, spans: Sequence[Span] = ()) -> PassageDoc:
    """`passage`: a Passage, or a row of _PASSAGE_FIELDS (same attribute names)."""
    over = [s for s in spans if s[0] < passage.end and s[1] > passage.start]
    return PassageDoc(
        passage_id=stored(passage.id),
        document_id=stored(document.id),
        project_id=document.project_id,
        version_id=passage.version_id,
        text=passage.text,
        source_type=str(document.source_type),
        document_type=str(document.document_type),
        organisation=document.organisation,
        date=document.date,
        title=document.title,
        heading_path=tuple(passage.heading_path or ()),
        page_start=passage.page_start,
        page_end=passage.page_end,
        start=passage.start,
        end=passage.end,
        speaker=passage.speaker,
        speaker_role=passage.speaker_role.value if passage.speaker_role else None,
        ordinal=passage.ordinal,
        code_ids=tuple(sorted({c for s in over for c in s[3]})),
        coder_ids=tuple(sorted({s[2] for s in over})),
        coded=tuple(
            sorted(
                {coded_mark(s[2]) for s in over} | {coded_mark(s[2], c) for s in over for c in s[3]}
            )
        ),
    )


def _coded(spans: Sequence[Span]) -> tuple[int, ...]:
    """Who applied what here: one mark per coder, and one per (coder, code)."""
    marks = {coded_mark(s[2]) for s in spans} | {coded_mark(s[2], c) for s in spans for c in s[3]}
    return tuple(sorted(marks))


async def all_docs(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[list[PassageDoc]]:
    """Every document's searchable state, in batches (memory stays flat)."""
    last_id = 0
    while True:
        async with maker() as session:
            stmt = (
                select(col(Document.id))
                .where(col(Document.id) > last_id, col(Document.current_version_id).is_not(None))
                .order_by(col(Document.id))
                .limit(50)
            )
            ids = [stored(i) for i in (await session.exec(stmt)).all()]
            if not ids:
                return
            last_id = ids[-1]
            docs = await passage_docs(session, ids)
        for start in range(0, len(docs), REBUILD_BATCH):
            yield docs[start : start + REBUILD_BATCH]
