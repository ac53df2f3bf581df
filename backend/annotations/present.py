"""Annotation rows -> what the API shows (codes, author, page, UTF-16 offsets)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.annotations.models import Annotation, AnnotationPublic
from backend.annotations.service import code_ids_of
from backend.documents.models import DocumentVersion


def page_of(page_offsets: list[int], offset: int) -> int | None:
    """1-based page holding `offset`, from the version's page map."""
    if not page_offsets:
        return None
    return max(1, bisect_left(page_offsets, offset + 1))


class _Utf16:
    """Code point -> UTF-16 offsets for one text: only astral characters (two UTF-16
    units each) differ, so count them once and bisect."""

    def __init__(self, text: str) -> None:
        self.astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def __call__(self, offset: int) -> int:
        return offset + bisect_left(self.astral, offset)


async def to_public(session: AsyncSession, rows: Sequence[Annotation]) -> list[AnnotationPublic]:
    if not rows:
        return []
    codes = await code_ids_of(session, [a.id for a in rows])
    users = dict(
        (
            await session.exec(
                select(User.id, User.name).where(col(User.id).in_({a.author_id for a in rows}))
            )
        ).all()
    )
    versions = {
        v.id: v
        for v in (
            await session.exec(
                select(DocumentVersion).where(
                    col(DocumentVersion.id).in_({a.version_id for a in rows})
                )
            )
        ).all()
    }
    utf16 = {vid: _Utf16(v.text) for vid, v in versions.items()}
    return [
        AnnotationPublic(
            **a.model_dump(exclude={"author_id"}),
            author_id=a.author_id,
            author_name=users.get(a.author_id, "?"),
            code_ids=codes[a.id],
            page=page_of(versions[a.version_id].page_offsets, a.start),
            start_utf16=utf16[a.version_id](a.start),
            end_utf16=utf16[a.version_id](a.end),
        )
        for a in rows
    ]
