"""Annotation rows -> what the API shows (codes, author, page, UTF-16 offsets)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.annotations.links import code_ids_of
from backend.annotations.models import Annotation, AnnotationPublic
from backend.annotations.ownership import owners
from backend.citations import Locator, Source, cite, page_of
from backend.coders.service import names as coder_names
from backend.core.ids import stored
from backend.documents.models import Document, DocumentVersion

__all__ = ["page_of", "to_public"]  # page_of: where the W3C export imports it from


class Utf16:
    """Code point -> UTF-16 offsets for one text: only astral characters (two UTF-16
    units each) differ, so count them once and bisect."""

    def __init__(self, text: str) -> None:
        self.astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def __call__(self, offset: int) -> int:
        return offset + bisect_left(self.astral, offset)


async def to_public(session: AsyncSession, rows: Sequence[Annotation]) -> list[AnnotationPublic]:
    if not rows:
        return []
    ids = [stored(a.id) for a in rows]
    codes = await code_ids_of(session, ids)
    authors = select(User.id, User.name).where(col(User.id).in_({a.author_id for a in rows}))
    users = {stored(i): name for i, name in (await session.exec(authors)).all()}
    versions = {
        stored(v.id): v
        for v in (
            await session.exec(
                select(DocumentVersion).where(
                    col(DocumentVersion.id).in_({a.version_id for a in rows})
                )
            )
        ).all()
    }
    utf16 = {vid: Utf16(v.text) for vid, v in versions.items()}
    coders = await coder_names(session, [a.coder_id for a in rows if a.coder_id])
    owner = await owners(session, rows)
    locator = Locator(session)
    await locator.load(versions)
    stmt = select(Document).where(col(Document.id).in_({a.document_id for a in rows}))
    sources = {stored(d.id): Source.of(d) for d in (await session.exec(stmt)).all()}
    located = {
        i: locator.locate(a.version_id, a.start, a.end) for a, i in zip(rows, ids, strict=True)
    }
    return [
        AnnotationPublic(
            **a.model_dump(exclude={"author_id"}),
            author_id=a.author_id,
            author_name=users.get(a.author_id, "?"),
            coder_name=coders.get(a.coder_id) if a.coder_id else None,
            owner_id=owner[i],
            code_ids=codes[i],
            page=page_of(versions[a.version_id].page_offsets, a.start),
            start_utf16=utf16[a.version_id](a.start),
            end_utf16=utf16[a.version_id](a.end),
            location=located[i],
            citation=cite(sources[a.document_id], located[i]),
        )
        for a, i in zip(rows, ids, strict=True)
    ]
