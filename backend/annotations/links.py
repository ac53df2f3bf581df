"""Which live codes each annotation carries: a read that the annotation use cases,
their presentation and search all need. Apart from service.py so that search, and
`evidence search` with it, need not load the editing machinery (rounds, indexing,
anchoring, the codebook's versions)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.models import AnnotationCode
from backend.codes.models import Code


async def code_ids_of(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[int]]:
    """Live codes only: a force-deleted code's links stay, hidden, until it is restored."""
    out: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        stmt = (
            select(AnnotationCode.annotation_id, AnnotationCode.code_id)
            .join(Code, col(Code.id) == AnnotationCode.code_id)
            .where(col(AnnotationCode.annotation_id).in_(ids), col(Code.deleted_at).is_(None))
            .order_by(col(AnnotationCode.code_id))
        )
        for annotation_id, code_id in (await session.exec(stmt)).all():
            out[annotation_id].append(code_id)
    return out
