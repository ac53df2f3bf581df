"""Which live codes each annotation carries: a read that the annotation use cases,
their presentation and search all need. Apart from service.py so that search, and
`evidence search` with it, need not load the editing machinery (rounds, indexing,
anchoring, the codebook's versions)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Subquery
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.models import AnnotationCode
from backend.codes.models import Code


def live_links() -> Subquery:
    """(annotation_id, code_id) of every link to a live code: a force-deleted code's
    links stay, hidden, until it is restored. The one statement of that rule, for
    reads that join it (search's hits) and code_ids_of."""
    return (
        select(AnnotationCode.annotation_id, AnnotationCode.code_id)
        .join(Code, col(Code.id) == AnnotationCode.code_id)
        .where(col(Code.deleted_at).is_(None))
        .subquery("live_links")
    )


async def code_ids_of(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[int]]:
    """The live codes of each annotation, in code id order."""
    out: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        links = live_links()
        stmt = (
            select(links.c.annotation_id, links.c.code_id)
            .where(links.c.annotation_id.in_(ids))
            .order_by(links.c.code_id)
        )
        for annotation_id, code_id in (await session.exec(stmt)).all():
            out[annotation_id].append(code_id)
    return out
