"""Annotations as W3C Web Annotation JSON-LD (one AnnotationCollection)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.annotations.models import Annotation, AnnotationCode
from backend.annotations.present import page_of
from backend.annotations.w3c import (
    ExportAnnotation,
    ExportCode,
    ExportCreator,
    collection_to_jsonld,
    version_text_url,
)
from backend.coders.service import names as coder_names
from backend.codes import kinds
from backend.codes.models import Code
from backend.core.ids import stored
from backend.documents.models import Document, DocumentVersion


async def export_collection(
    session: AsyncSession, rows: Sequence[Annotation], base_url: str, label: str, collection_id: str
) -> dict[str, Any]:
    items = await _items(session, rows, base_url)
    return collection_to_jsonld(items, base_url, label, collection_id=collection_id)


async def _items(
    session: AsyncSession, rows: Sequence[Annotation], base_url: str
) -> list[ExportAnnotation]:
    if not rows:
        return []
    ids = [stored(a.id) for a in rows]
    codes: dict[int, list[ExportCode]] = {i: [] for i in ids}
    stmt = (
        select(AnnotationCode.annotation_id, Code.id, Code.name)
        .join(Code, col(Code.id) == AnnotationCode.code_id)
        .where(col(AnnotationCode.annotation_id).in_(ids), col(Code.deleted_at).is_(None))
    )
    effective = await kinds.of_project(session, rows[0].project_id)
    for annotation_id, code_id, name in (await session.exec(stmt)).all():
        code = stored(code_id)
        codes[annotation_id].append(ExportCode(code, name, str(effective[code])))
    users = {
        stored(u.id): u
        for u in (
            await session.exec(select(User).where(col(User.id).in_({a.author_id for a in rows})))
        ).all()
    }
    docs = {
        stored(d.id): d
        for d in (
            await session.exec(
                select(Document).where(col(Document.id).in_({a.document_id for a in rows}))
            )
        ).all()
    }
    coders = await coder_names(session, [a.coder_id for a in rows if a.coder_id])
    offsets = select(DocumentVersion.id, DocumentVersion.page_offsets).where(
        col(DocumentVersion.id).in_({a.version_id for a in rows})
    )
    pages = {stored(i): at for i, at in (await session.exec(offsets)).all()}
    return [
        ExportAnnotation(
            id=i,
            project_id=a.project_id,
            document_id=a.document_id,
            version_id=a.version_id,
            document_title=docs[a.document_id].title,
            source_url=version_text_url(base_url, a.project_id, a.document_id, a.version_id),
            start=a.start,
            end=a.end,
            exact=a.exact,
            prefix=a.prefix,
            suffix=a.suffix,
            page=page_of(pages[a.version_id], a.start),
            codes=tuple(codes[i]),
            memo=a.memo,
            creator=_creator(a, users, coders, base_url),
            created=a.created_at,
            modified=a.updated_at,
        )
        for a, i in zip(rows, ids, strict=True)
    ]


def _creator(
    a: Annotation, users: dict[int, User], coders: dict[int, str], base_url: str
) -> ExportCreator:
    """The coder of an imported annotation (its attribution), else its author account."""
    if a.coder_id is not None:
        iri = f"{base_url.rstrip('/')}/api/projects/{a.project_id}/coders/{a.coder_id}"
        return ExportCreator(a.coder_id, coders.get(a.coder_id, ""), None, iri)
    return ExportCreator(a.author_id, users[a.author_id].name)
