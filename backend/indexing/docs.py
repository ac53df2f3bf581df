"""The searchable state of documents, read from the database as PassageDocs:
each current-version passage with its document's metadata and the codes and
coders of the annotations that overlap it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.models import Annotation, AnnotationCode
from backend.codes.models import Code
from backend.documents.models import Document, Passage
from search.base import PassageDoc

REBUILD_BATCH = 2000

Span = tuple[int, int, int, frozenset[int]]  # start, end, author, code ids


async def passage_docs(session: AsyncSession, document_ids: Sequence[int]) -> list[PassageDoc]:
    stmt = (
        select(Passage, Document)
        .join(Document, Document.id == Passage.document_id)
        .where(col(Passage.document_id).in_(document_ids))
        .where(Passage.version_id == Document.current_version_id)
        .order_by(Passage.id)
    )
    rows = (await session.exec(stmt)).all()
    spans = await _annotation_spans(session, {p.version_id for p, _ in rows})
    return [to_doc(p, d, spans.get(p.version_id, ())) for p, d in rows]


async def _annotation_spans(session: AsyncSession, version_ids: set[int]) -> dict[int, list[Span]]:
    if not version_ids:
        return {}
    stmt = select(
        Annotation.id, Annotation.version_id, Annotation.start, Annotation.end, Annotation.author_id
    ).where(
        col(Annotation.version_id).in_(version_ids),
        col(Annotation.deleted_at).is_(None),
        col(Annotation.orphaned).is_(False),
    )
    found = (await session.exec(stmt)).all()
    codes: dict[int, set[int]] = defaultdict(set)
    if found:
        link = (
            select(AnnotationCode.annotation_id, AnnotationCode.code_id)
            .join(Code, Code.id == AnnotationCode.code_id)
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


def to_doc(passage: Passage, document: Document, spans: Sequence[Span] = ()) -> PassageDoc:
    overlapping = [s for s in spans if s[0] < passage.end and s[1] > passage.start]
    return PassageDoc(
        passage_id=passage.id,
        document_id=document.id,
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
        ordinal=passage.ordinal,
        code_ids=tuple(sorted({c for s in overlapping for c in s[3]})),
        coder_ids=tuple(sorted({s[2] for s in overlapping})),
    )


async def all_docs(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[list[PassageDoc]]:
    """Every document's searchable state, in batches (memory stays flat)."""
    last_id = 0
    while True:
        async with maker() as session:
            stmt = (
                select(Document.id)
                .where(Document.id > last_id, col(Document.current_version_id).is_not(None))
                .order_by(Document.id)
                .limit(50)
            )
            ids = list((await session.exec(stmt)).all())
            if not ids:
                return
            last_id = ids[-1]
            docs = await passage_docs(session, ids)
        for start in range(0, len(docs), REBUILD_BATCH):
            yield docs[start : start + REBUILD_BATCH]
