"""Selections an import held for review (report.py lists them): a project admin accepts one
candidate, which stores the annotation exactly as the import would have, or discards it.
Either way the placement record keeps what was decided and by which reading."""

from __future__ import annotations

from typing import Any, Literal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.anchoring import AnchorError, make_anchor
from backend.annotations.models import Annotation, AnnotationCode
from backend.annotations.service import passage_at
from backend.codes.models import Code
from backend.core.ids import stored
from backend.documents.models import Document, DocumentVersion
from backend.events.service import publish
from backend.indexing.service import mark_span_for_index
from backend.refi.common import RefiError
from backend.refi.import_selections import parse_time, revision
from backend.refi.models import ImportedSelection, PlacementStatus
from backend.refi.report import item

Choice = Literal["codepoint", "utf16", "discard"]


async def resolve(
    session: AsyncSession, project_id: int, selection_id: int, user_id: int, choice: Choice
) -> dict:
    row = await session.get(ImportedSelection, selection_id)
    if row is None or row.project_id != project_id:
        raise RefiError(f"imported selection {selection_id} not found", 404)
    if row.status != PlacementStatus.review:
        raise RefiError(f"this selection was already {row.status}", 409)
    version = await session.get(DocumentVersion, row.version_id)
    document = None if version is None else await session.get(Document, version.document_id)
    if version is None or document is None:  # versions are never deleted: a broken row
        raise RefiError(f"imported selection {selection_id} has lost its document", 409)
    if choice == "discard":
        row.status = PlacementStatus.discarded
    else:
        candidate = next((c for c in row.candidates if c["reading"] == choice), None)
        if candidate is None:
            raise RefiError(f"no '{choice}' reading places this selection inside its text", 422)
        annotation = await _annotation(session, row, version, document, candidate, user_id)
        row.status, row.annotation_id, row.reading = (
            PlacementStatus.accepted,
            annotation.id,
            choice,
        )
    session.add(row)
    await session.flush()
    return item(row, version.text, document)


async def _annotation(
    session: AsyncSession,
    row: ImportedSelection,
    version: DocumentVersion,
    document: Document,
    candidate: dict[str, Any],
    user_id: int,
) -> Annotation:
    try:
        anchor = make_anchor(version.text, candidate["start"], candidate["end"])
    except AnchorError as exc:
        raise RefiError(f"this candidate cannot be placed: {exc}", 422) from exc
    p = row.payload
    version_id = stored(version.id)
    annotation = Annotation(
        project_id=row.project_id,
        document_id=stored(document.id),
        version_id=version_id,
        passage_id=await passage_at(session, version_id, anchor.start),
        **vars(anchor),
        memo=p.get("memo"),
        author_id=user_id,
        coder_id=p.get("coder_id"),
        orphaned=version_id != document.current_version_id,
        created_at=parse_time(p["created"]),
        updated_at=parse_time(p["modified"]),
    )
    session.add(annotation)
    await session.flush()
    code_ids = await _live(session, row.project_id, p.get("code_ids", []))
    annotation_id = stored(annotation.id)
    session.add_all(AnnotationCode(annotation_id=annotation_id, code_id=c) for c in code_ids)
    session.add(revision(annotation, code_ids, user_id))
    publish(
        session,
        row.project_id,
        "annotation.create",
        annotation_id,
        user_id,
        document_id=document.id,
        version=1,
    )
    await mark_span_for_index(session, version_id, annotation.start, annotation.end)
    return annotation


async def _live(session: AsyncSession, project_id: int, code_ids: list[int]) -> list[int]:
    """The payload's codes that still exist (one may have been deleted since the import)."""
    if not code_ids:
        return []
    stmt = select(Code.id).where(
        col(Code.id).in_(code_ids), Code.project_id == project_id, col(Code.deleted_at).is_(None)
    )
    return sorted(stored(i) for i in (await session.exec(stmt)).all())
