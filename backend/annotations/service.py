"""Annotation use cases: create, edit with optimistic concurrency, soft delete and
restore, history, and re-anchoring when a document gets a new version."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update as sql_update
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations import anchoring
from backend.annotations.models import (
    Annotation,
    AnnotationCode,
    AnnotationCreate,
    AnnotationRevision,
    AnnotationUpdate,
    RevisionAction,
)
from backend.codes.models import Code
from backend.core.time import utcnow
from backend.documents.models import Document, DocumentVersion, Passage
from backend.errors import ServiceError
from backend.events.service import publish
from backend.indexing.service import mark_for_index


class AnnotationError(ServiceError):
    pass


class StaleEdit(Exception):
    """Someone else changed the annotation first; carries its current state."""

    def __init__(self, current: Annotation) -> None:
        super().__init__("stale edit")
        self.current = current


async def get(session: AsyncSession, project_id: int, annotation_id: int) -> Annotation:
    found = await session.get(Annotation, annotation_id)
    if found is None or found.project_id != project_id:
        raise AnnotationError(f"annotation {annotation_id} not found", 404)
    return found


async def _current_text(
    session: AsyncSession, project_id: int, document_id: int
) -> DocumentVersion:
    document = await session.get(Document, document_id)
    if document is None or document.project_id != project_id:
        raise AnnotationError(f"document {document_id} not found", 404)
    version = await session.get(DocumentVersion, document.current_version_id or -1)
    if version is None or not version.text:
        raise AnnotationError("this document has no text to annotate (needs OCR?)", 409)
    return version


def _span(text: str, start: int, end: int, unit: str) -> anchoring.Anchor:
    try:
        if unit == "utf16":
            start = anchoring.codepoint_offset(text, start)
            end = anchoring.codepoint_offset(text, end)
        return anchoring.make_anchor(text, start, end)
    except anchoring.AnchorError as exc:
        raise AnnotationError(str(exc), 422) from exc


async def _check_codes(session: AsyncSession, project_id: int, code_ids: Sequence[int]) -> None:
    wanted = set(code_ids)
    if not wanted:
        return
    stmt = select(Code.id).where(
        col(Code.id).in_(wanted), Code.project_id == project_id, col(Code.deleted_at).is_(None)
    )
    missing = wanted - set((await session.exec(stmt)).all())
    if missing:
        raise AnnotationError(f"unknown code(s) in this project: {sorted(missing)}", 422)


async def passage_at(session: AsyncSession, version_id: int, offset: int) -> int | None:
    stmt = (
        select(Passage.id)
        .where(Passage.version_id == version_id, Passage.start <= offset, Passage.end > offset)
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def create(
    session: AsyncSession, project_id: int, user_id: int, data: AnnotationCreate
) -> Annotation:
    version = await _current_text(session, project_id, data.document_id)
    anchor = _span(version.text, data.start, data.end, data.unit)
    await _check_codes(session, project_id, data.code_ids)
    annotation = Annotation(
        project_id=project_id,
        document_id=data.document_id,
        version_id=version.id,
        passage_id=await passage_at(session, version.id, anchor.start),
        start=anchor.start,
        end=anchor.end,
        exact=anchor.exact,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        memo=data.memo,
        author_id=user_id,
    )
    session.add(annotation)
    await session.flush()
    session.add_all(
        AnnotationCode(annotation_id=annotation.id, code_id=c) for c in sorted(set(data.code_ids))
    )
    await _record(session, annotation, RevisionAction.create, user_id, sorted(set(data.code_ids)))
    return annotation


async def code_ids_of(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[int]]:
    """Live codes only: a force-deleted code's links stay, hidden, until it is restored."""
    out: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        stmt = (
            select(AnnotationCode.annotation_id, AnnotationCode.code_id)
            .join(Code, Code.id == AnnotationCode.code_id)
            .where(col(AnnotationCode.annotation_id).in_(ids), col(Code.deleted_at).is_(None))
            .order_by(AnnotationCode.code_id)
        )
        for annotation_id, code_id in (await session.exec(stmt)).all():
            out[annotation_id].append(code_id)
    return out


async def _record(
    session: AsyncSession,
    a: Annotation,
    action: RevisionAction,
    user_id: int | None,
    code_ids: list[int] | None = None,
) -> None:
    """History row, live event and index sync: all in the caller's transaction."""
    if code_ids is None:
        code_ids = (await code_ids_of(session, [a.id]))[a.id]
    state = {
        "start": a.start,
        "end": a.end,
        "exact": a.exact,
        "memo": a.memo,
        "code_ids": code_ids,
        "version_id": a.version_id,
        "orphaned": a.orphaned,
        "deleted": a.deleted_at is not None,
    }
    session.add(
        AnnotationRevision(
            annotation_id=a.id, version=a.version, action=action, user_id=user_id, state=state
        )
    )
    publish(
        session,
        a.project_id,
        f"annotation.{action}",
        a.id,
        user_id,
        document_id=a.document_id,
        version=a.version,
    )
    await mark_for_index(session, a.document_id)


async def update(
    session: AsyncSession,
    annotation: Annotation,
    user_id: int,
    data: AnnotationUpdate,
    expected: int,
) -> Annotation:
    if annotation.deleted_at is not None:
        raise AnnotationError("this annotation is deleted; restore it first", 409)
    values: dict = {"updated_at": utcnow(), "version": Annotation.version + 1}
    if data.memo is not None or "memo" in data.model_fields_set:
        values["memo"] = data.memo
    if data.start is not None or data.end is not None:
        values.update(await _respan(session, annotation, data))
    if data.code_ids is not None:
        await _check_codes(session, annotation.project_id, data.code_ids)
    won = await session.exec(
        sql_update(Annotation)
        .where(col(Annotation.id) == annotation.id, col(Annotation.version) == expected)
        .values(**values)
    )
    if won.rowcount != 1:
        annotation_id = annotation.id  # a rollback expires every loaded row
        await session.rollback()
        raise StaleEdit(await _fresh(session, annotation_id))
    if data.code_ids is not None:
        live = select(Code.id).where(col(Code.deleted_at).is_(None))
        await session.exec(
            delete(AnnotationCode).where(
                AnnotationCode.annotation_id == annotation.id,
                col(AnnotationCode.code_id).in_(live),
            )
        )
        session.add_all(
            AnnotationCode(annotation_id=annotation.id, code_id=c)
            for c in sorted(set(data.code_ids))
        )
    await session.refresh(annotation)
    await _record(
        session,
        annotation,
        RevisionAction.update,
        user_id,
        sorted(set(data.code_ids)) if data.code_ids is not None else None,
    )
    return annotation


async def _fresh(session: AsyncSession, annotation_id: int) -> Annotation:
    session.expunge_all()
    return await session.get(Annotation, annotation_id)


async def _respan(session: AsyncSession, a: Annotation, data: AnnotationUpdate) -> dict:
    if a.orphaned:
        raise AnnotationError("re-place an orphaned annotation by creating a new one", 409)
    version = await session.get(DocumentVersion, a.version_id)
    start = data.start if data.start is not None else a.start
    end = data.end if data.end is not None else a.end
    unit = data.unit if data.start is not None and data.end is not None else "codepoint"
    anchor = _span(version.text, start, end, unit)
    return {
        "start": anchor.start,
        "end": anchor.end,
        "exact": anchor.exact,
        "prefix": anchor.prefix,
        "suffix": anchor.suffix,
        "passage_id": await passage_at(session, version.id, anchor.start),
    }


async def set_deleted(
    session: AsyncSession, a: Annotation, user_id: int, deleted: bool, expected: int | None
) -> Annotation:
    """Soft delete or restore, arbitrated like an edit when a version is given."""
    if (a.deleted_at is not None) == deleted:
        return a
    now = utcnow()
    won = await session.exec(
        sql_update(Annotation)
        .where(
            col(Annotation.id) == a.id,
            col(Annotation.version) == (a.version if expected is None else expected),
        )
        .values(deleted_at=now if deleted else None, version=Annotation.version + 1, updated_at=now)
    )
    if won.rowcount != 1:
        annotation_id = a.id  # a rollback expires every loaded row
        await session.rollback()
        raise StaleEdit(await _fresh(session, annotation_id))
    await session.refresh(a)
    action = RevisionAction.delete if deleted else RevisionAction.restore
    await _record(session, a, action, user_id)
    return a


async def history(session: AsyncSession, annotation_id: int) -> list[AnnotationRevision]:
    stmt = (
        select(AnnotationRevision)
        .where(AnnotationRevision.annotation_id == annotation_id)
        .order_by(AnnotationRevision.version, AnnotationRevision.id)
    )
    return list((await session.exec(stmt)).all())


async def documents_using_codes(session: AsyncSession, code_ids: Sequence[int]) -> list[int]:
    stmt = (
        select(Annotation.document_id)
        .distinct()
        .join(AnnotationCode, AnnotationCode.annotation_id == Annotation.id)
        .where(col(AnnotationCode.code_id).in_(code_ids))
    )
    return list((await session.exec(stmt)).all())


async def reanchor_document(
    session: AsyncSession, document_id: int, version: DocumentVersion
) -> tuple[int, int]:
    """Move the document's annotations onto its new version by quote; those that
    cannot be placed stay on their old version, marked orphaned. An orphan whose text
    comes back in a later version is placed again. Returns (moved, orphaned)."""
    stmt = select(Annotation).where(
        Annotation.document_id == document_id, Annotation.version_id != version.id
    )
    moved = orphaned = 0
    lengths: dict[int, int] = {}
    for a in (await session.exec(stmt)).all():
        if a.version_id not in lengths:  # the old text's length scales the old position
            lengths[a.version_id] = len((await session.get(DocumentVersion, a.version_id)).text)
        old = anchoring.Anchor(a.start, a.end, a.exact, a.prefix, a.suffix)
        placed = (
            anchoring.reanchor(old, version.text, old_length=lengths[a.version_id])
            if version.text
            else None
        )
        if placed is None:
            orphaned += 1
            if a.orphaned:
                continue  # still lost: nothing changed, no new revision
            a.orphaned, action = True, RevisionAction.orphan
        else:
            new = placed.anchor
            a.version_id, a.start, a.end, a.exact = version.id, new.start, new.end, new.exact
            a.prefix, a.suffix, a.orphaned, moved = new.prefix, new.suffix, False, moved + 1
            a.passage_id = await passage_at(session, version.id, new.start)
            action = RevisionAction.reanchor
        a.version += 1
        a.updated_at = utcnow()
        session.add(a)
        await session.flush()
        await _record(session, a, action, None)
    return moved, orphaned


async def record_code_change(
    session: AsyncSession, annotation_ids: Sequence[int], user_id: int
) -> None:
    """A codebook change (merge) altered these annotations' codes: new version, history."""
    for annotation_id in annotation_ids:
        a = await session.get(Annotation, annotation_id)
        a.version += 1
        a.updated_at = utcnow()
        session.add(a)
        await session.flush()
        await _record(session, a, RevisionAction.merge_codes, user_id)
