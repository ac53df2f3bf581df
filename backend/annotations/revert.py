"""Revert an annotation to an earlier version from its history: the span, codes and
memo as they stood then (and deleted or not), made as a new change so the history
keeps both the original and the revert."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations import service
from backend.annotations.models import Annotation, AnnotationRevision, AnnotationUpdate
from backend.codes.models import Code
from backend.core.ids import stored


async def revision_at(session: AsyncSession, a: Annotation, version: int) -> AnnotationRevision:
    found = await service.REVISIONS.at(session, stored(a.id), version)
    if found is None:
        raise service.AnnotationError(f"annotation {a.id} has no version {version}", 404)
    return found


async def _check_revertible(session: AsyncSession, a: Annotation, state: dict) -> None:
    if state["version_id"] != a.version_id:
        # Its offsets count in an older text of the document: not placeable as they are.
        raise service.AnnotationError(
            "that version was anchored in an earlier version of the document; "
            "edit the annotation instead",
            409,
        )
    wanted = set(state["code_ids"])
    stmt = select(Code.id).where(col(Code.id).in_(wanted), col(Code.deleted_at).is_(None))
    gone = wanted - set((await session.exec(stmt)).all())
    if gone:
        raise service.AnnotationError(
            f"code(s) {sorted(gone)} of that version are deleted; restore them first", 409
        )


async def revert(
    session: AsyncSession, a: Annotation, user_id: int, version: int, expected: int
) -> Annotation:
    """`a` as in its `version`, as a new version (a stale `expected` raises StaleEdit),
    committed."""
    state = (await revision_at(session, a, version)).state
    await _check_revertible(session, a, state)
    note = {"reverted_to": version}
    if state["deleted"]:  # deleting goes through its own checks (evidence, reasons)
        raise service.AnnotationError("that version is deleted: delete the annotation", 409)
    if a.deleted_at is not None:
        a = await service.set_deleted(session, a, user_id, False, expected, note)
        expected = a.version
    data = AnnotationUpdate(code_ids=state["code_ids"], memo=state["memo"])
    if not a.orphaned:
        data.start, data.end = state["start"], state["end"]
    # One transaction: a restore is never left behind by an edit that fails after it.
    a = await service.update(session, a, user_id, data, expected, note)
    await session.commit()
    return a
