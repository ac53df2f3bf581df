"""Annotation use cases: create, edit with optimistic concurrency, soft delete and
restore, history, and re-anchoring when a document gets a new version."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations import anchoring
from backend.annotations.links import code_ids_of
from backend.annotations.models import (
    Annotation,
    AnnotationCode,
    AnnotationCreate,
    AnnotationLayer,
    AnnotationRevision,
    AnnotationUpdate,
    RevisionAction,
)
from backend.codes import versions as codebook_versions
from backend.codes.models import Code
from backend.core.ids import stored
from backend.core.time import utcnow
from backend.documents.models import Document, DocumentVersion, Passage
from backend.errors import ServiceError
from backend.indexing.service import mark_span_for_index
from backend.rounds import service as rounds
from backend.versioning import Revisions, StaleEdit, claim, is_deleted, soft_delete
from backend.visibility import Viewer

REVISIONS = Revisions(AnnotationRevision, "annotation_id", "annotation")


class AnnotationError(ServiceError):
    pass


async def get(session: AsyncSession, viewer: Viewer, annotation_id: int) -> Annotation:
    """The annotation, if this viewer may see it (404 otherwise: its existence is data)."""
    found = await session.get(Annotation, annotation_id)
    if found is None or not viewer.sees_annotation(found):
        raise AnnotationError(f"annotation {annotation_id} not found", 404)
    return found


async def get_any(session: AsyncSession, annotation_id: int) -> Annotation:
    """By id, whoever may see it: for use cases that already checked (adjudication)."""
    found = await session.get(Annotation, annotation_id)
    if found is None:
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


async def _version(session: AsyncSession, version_id: int) -> DocumentVersion:
    """An annotation's document version (its foreign key: missing only if the data is broken)."""
    found = await session.get(DocumentVersion, version_id)
    if found is None:
        raise LookupError(f"document version {version_id} is missing")
    return found


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
    grouping = (
        await session.exec(select(Code.name).where(col(Code.id).in_(wanted), ~col(Code.codable)))
    ).all()
    if grouping:  # REFI-QDA isCodable="false": a heading for other codes, never applied
        names = ", ".join(f"'{n}'" for n in sorted(grouping))
        raise AnnotationError(f"{names}: grouping code(s), not codable; choose a sub-code", 422)


async def passage_at(session: AsyncSession, version_id: int, offset: int) -> int | None:
    stmt = (
        select(Passage.id)
        .where(Passage.version_id == version_id, Passage.start <= offset, Passage.end > offset)
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def create(
    session: AsyncSession,
    project_id: int,
    user_id: int,
    data: AnnotationCreate,
    consensus_of: int | None = None,
) -> Annotation:
    """A coder's annotation; with `consensus_of` (a round id), one of that round's
    consensus layer, made by adjudication (backend/adjudication)."""
    version = await _current_text(session, project_id, data.document_id)
    anchor = _span(version.text, data.start, data.end, data.unit)
    await _check_codes(session, project_id, data.code_ids)
    version_id = stored(version.id)
    annotation = Annotation(
        project_id=project_id,
        document_id=data.document_id,
        version_id=version_id,
        passage_id=await passage_at(session, version_id, anchor.start),
        start=anchor.start,
        end=anchor.end,
        exact=anchor.exact,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        memo=data.memo,
        author_id=user_id,
        round_id=consensus_of
        or await rounds.round_for_new_annotation(session, project_id, user_id, data.document_id),
        layer=AnnotationLayer.consensus if consensus_of else AnnotationLayer.coding,
        codebook_version=await codebook_versions.current_number(session, project_id),
    )
    session.add(annotation)
    await session.flush()
    annotation_id = stored(annotation.id)
    session.add_all(
        AnnotationCode(annotation_id=annotation_id, code_id=c) for c in sorted(set(data.code_ids))
    )
    await _record(session, annotation, RevisionAction.create, user_id, sorted(set(data.code_ids)))
    return annotation


async def _record(
    session: AsyncSession,
    a: Annotation,
    action: RevisionAction,
    user_id: int | None,
    code_ids: list[int] | None = None,
    note: dict[str, Any] | None = None,
) -> None:
    """History row, live event and index sync: all in the caller's transaction.
    `note` says more about the change (an admin's reason, the version reverted to)."""
    if code_ids is None:
        annotation_id = stored(a.id)
        code_ids = (await code_ids_of(session, [annotation_id]))[annotation_id]
    state = {
        "start": a.start,
        "end": a.end,
        "exact": a.exact,
        "memo": a.memo,
        "code_ids": code_ids,
        "version_id": a.version_id,
        "orphaned": a.orphaned,
        "deleted": a.deleted_at is not None,
        "codebook_version": a.codebook_version,
    } | (note or {})
    # The event stream's visibility check needs the document and the author.
    event = {"document_id": a.document_id, "author_id": a.author_id}
    REVISIONS.record(session, a, action, user_id, state, event)
    if action not in (RevisionAction.reanchor, RevisionAction.orphan):
        # Re-placed on a new version: that version is indexed whole anyway.
        await mark_span_for_index(session, a.version_id, a.start, a.end)


async def update(
    session: AsyncSession,
    annotation: Annotation,
    user_id: int,
    data: AnnotationUpdate,
    expected: int,
    note: dict[str, Any] | None = None,
) -> Annotation:
    if annotation.deleted_at is not None:
        if annotation.version != expected:  # deleted since the editor read it: a conflict
            raise StaleEdit(annotation)  # whose 409 shows the deletion, so the edit is kept
        raise AnnotationError("this annotation is deleted; restore it first", 409)
    await rounds.check_not_frozen(session, annotation)
    values: dict[str, Any] = {
        "codebook_version": await codebook_versions.current_number(session, annotation.project_id),
    }
    if data.memo is not None or "memo" in data.model_fields_set:
        values["memo"] = data.memo
    if data.start is not None or data.end is not None:
        # The passages the span leaves need their index entries rewritten too.
        await mark_span_for_index(session, annotation.version_id, annotation.start, annotation.end)
        values.update(await _respan(session, annotation, data))
    if data.code_ids is not None:
        await _check_codes(session, annotation.project_id, data.code_ids)
    await claim(session, annotation, expected, **values)
    if data.code_ids is not None:
        live = select(Code.id).where(col(Code.deleted_at).is_(None))
        await session.exec(
            delete(AnnotationCode).where(
                col(AnnotationCode.annotation_id) == annotation.id,
                col(AnnotationCode.code_id).in_(live),
            )
        )
        annotation_id = stored(annotation.id)
        session.add_all(
            AnnotationCode(annotation_id=annotation_id, code_id=c)
            for c in sorted(set(data.code_ids))
        )
    await _record(
        session,
        annotation,
        RevisionAction.update,
        user_id,
        sorted(set(data.code_ids)) if data.code_ids is not None else None,
        note,
    )
    return annotation


async def edit(
    session: AsyncSession,
    annotation: Annotation,
    user_id: int,
    data: AnnotationUpdate,
    expected: int,
) -> Annotation:
    """`update` as its own unit of work (the edit route), committed."""
    changed = await update(session, annotation, user_id, data, expected)
    await session.commit()
    return changed


async def _respan(session: AsyncSession, a: Annotation, data: AnnotationUpdate) -> dict[str, Any]:
    if a.orphaned:
        raise AnnotationError("re-place an orphaned annotation by creating a new one", 409)
    version = await _version(session, a.version_id)
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
        "passage_id": await passage_at(session, a.version_id, anchor.start),
    }


async def set_deleted(
    session: AsyncSession,
    a: Annotation,
    user_id: int,
    deleted: bool,
    expected: int | None,
    note: dict[str, Any] | None = None,
) -> Annotation:
    """Soft delete or restore, arbitrated like an edit when a version is given."""
    if is_deleted(a) == deleted:
        return a
    await rounds.check_not_frozen(session, a)
    await soft_delete(session, a, deleted, expected)
    action = RevisionAction.delete if deleted else RevisionAction.restore
    await _record(session, a, action, user_id, note=note)
    return a


async def mark_deleted(
    session: AsyncSession, a: Annotation, user_id: int, deleted: bool, expected: int | None
) -> Annotation:
    """`set_deleted` as its own unit of work (the restore route), committed."""
    changed = await set_deleted(session, a, user_id, deleted, expected)
    await session.commit()
    return changed


async def history(
    session: AsyncSession, viewer: Viewer, annotation_id: int
) -> list[AnnotationRevision]:
    """Every revision (`viewer` saw the annotation: its history is the same for all)."""
    return await REVISIONS.history(session, annotation_id)


async def documents_using_codes(session: AsyncSession, code_ids: Sequence[int]) -> list[int]:
    stmt = (
        select(Annotation.document_id)
        .distinct()
        .join(AnnotationCode, col(AnnotationCode.annotation_id) == Annotation.id)
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
    version_id = stored(version.id)
    for a in (await session.exec(stmt)).all():
        if a.version_id not in lengths:  # the old text's length scales the old position
            lengths[a.version_id] = len((await _version(session, a.version_id)).text)
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
            a.version_id, a.start, a.end, a.exact = version_id, new.start, new.end, new.exact
            a.prefix, a.suffix, a.orphaned, moved = new.prefix, new.suffix, False, moved + 1
            a.passage_id = await passage_at(session, version_id, new.start)
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
        a = await get_any(session, annotation_id)
        a.version += 1
        a.updated_at = utcnow()
        session.add(a)
        await session.flush()
        await _record(session, a, RevisionAction.merge_codes, user_id)
