"""Revert a CMO configuration to a version from its history (its text, status,
theories and evidence as they stood then), as a new version: the undo for any edit,
evidence link, delete or restore."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.models import Annotation
from backend.cmocs import service
from backend.cmocs.models import Cmoc, CmocUpdate, EvidenceIn
from backend.core.ids import stored
from backend.visibility import viewer_for


async def _state_at(session: AsyncSession, cmoc: Cmoc, version: int) -> dict[str, Any]:
    found = await service.REVISIONS.at(session, stored(cmoc.id), version)
    if found is None:
        raise service.CmocError(f"CMOC {cmoc.id} has no version {version}", 404)
    return found.state


async def _evidence(
    session: AsyncSession, cmoc: Cmoc, user_id: int, state: dict[str, Any]
) -> list[EvidenceIn]:
    """The version's evidence this user may see (links they cannot see stay as they
    are); a link to an annotation deleted since cannot come back silently."""
    viewer = await viewer_for(session, cmoc.project_id, user_id)
    wanted = {e["annotation_id"] for e in state["evidence"]}
    stmt = select(Annotation.id, col(Annotation.deleted_at)).where(
        col(Annotation.id).in_(wanted), *viewer.clauses()
    )
    rows = (await session.exec(stmt)).all()
    gone = sorted(stored(i) for i, deleted_at in rows if deleted_at is not None)
    if gone:
        raise service.CmocError(
            f"evidence annotation(s) {gone} of that version are deleted; restore them first", 409
        )
    seen = {i for i, _ in rows}
    return [EvidenceIn(**e) for e in state["evidence"] if e["annotation_id"] in seen]


async def revert(
    session: AsyncSession, cmoc: Cmoc, user_id: int, version: int, expected: int
) -> Cmoc:
    state = await _state_at(session, cmoc, version)
    if state["deleted"]:
        raise service.CmocError("that version is deleted: delete the CMOC", 409)
    evidence = await _evidence(session, cmoc, user_id, state)
    if cmoc.deleted_at is not None:
        cmoc = await service.mark_deleted(session, cmoc, user_id, False, expected)
        expected = cmoc.version
    data = CmocUpdate(
        **{f: state[f] for f in service.TEXT_FIELDS},
        theory_ids=state["theory_ids"],
        evidence=evidence,
    )
    # One transaction: a restore is never left behind by an edit that fails after it.
    cmoc = await service.change(session, cmoc, user_id, data, expected)
    await session.commit()
    return cmoc
