"""Programme theory use cases: create, refine (with the reason kept), soft delete,
history, and import of a theory file."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.cmocs.models import Cmoc, CmocTheory
from backend.core.time import utcnow
from backend.errors import ServiceError
from backend.events.service import publish
from backend.theories.models import (
    THEORY_FIELDS,
    ProgrammeTheory,
    TheoryCreate,
    TheoryPublic,
    TheoryRevision,
    TheoryUpdate,
)
from backend.versioning import claim

FIELDS = THEORY_FIELDS


class TheoryError(ServiceError):
    pass


async def get(session: AsyncSession, project_id: int, theory_id: int) -> ProgrammeTheory:
    found = await session.get(ProgrammeTheory, theory_id)
    if found is None or found.project_id != project_id:
        raise TheoryError(f"theory {theory_id} not found", 404)
    return found


async def create(
    session: AsyncSession, project_id: int, user_id: int, data: TheoryCreate, action="create"
) -> ProgrammeTheory:
    theory = ProgrammeTheory(project_id=project_id, created_by=user_id, **data.model_dump())
    session.add(theory)
    await session.flush()
    _record(session, theory, action, user_id, None)
    return theory


async def update(
    session: AsyncSession, theory: ProgrammeTheory, user_id: int, data: TheoryUpdate, expected: int
) -> ProgrammeTheory:
    if theory.deleted_at is not None:
        raise TheoryError("this theory is deleted; restore it first", 409)
    values = data.model_dump(include=set(FIELDS), exclude_unset=True, exclude_none=True)
    await claim(session, theory, expected, **values)
    _record(session, theory, "update", user_id, data.reason)
    return theory


async def set_deleted(
    session: AsyncSession, theory: ProgrammeTheory, user_id: int, deleted: bool, expected: int
) -> ProgrammeTheory:
    if (theory.deleted_at is not None) == deleted:
        return theory
    await claim(session, theory, expected, deleted_at=utcnow() if deleted else None)
    _record(session, theory, "delete" if deleted else "restore", user_id, None)
    return theory


def _record(
    session: AsyncSession, t: ProgrammeTheory, action: str, user_id: int | None, reason
) -> None:
    """The wording after the change and why: kept for the audit trail, and published."""
    state = {f: getattr(t, f) for f in FIELDS} | {"deleted": t.deleted_at is not None}
    session.add(
        TheoryRevision(
            theory_id=t.id,
            version=t.version,
            action=action,
            user_id=user_id,
            reason=reason,
            state=state,
        )
    )
    publish(session, t.project_id, f"theory.{action}", t.id, user_id, version=t.version)


async def history(session: AsyncSession, theory_id: int) -> list[TheoryRevision]:
    stmt = (
        select(TheoryRevision)
        .where(TheoryRevision.theory_id == theory_id)
        .order_by(TheoryRevision.version, TheoryRevision.id)
    )
    return list((await session.exec(stmt)).all())


async def public(session: AsyncSession, theories: Sequence[ProgrammeTheory]) -> list[TheoryPublic]:
    ids = [t.id for t in theories]
    links: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        stmt = (
            select(CmocTheory.theory_id, CmocTheory.cmoc_id)
            .join(Cmoc, Cmoc.id == CmocTheory.cmoc_id)
            .where(col(CmocTheory.theory_id).in_(ids), col(Cmoc.deleted_at).is_(None))
            .order_by(CmocTheory.cmoc_id)
        )
        for theory_id, cmoc_id in (await session.exec(stmt)).all():
            links[theory_id].append(cmoc_id)
    return [TheoryPublic.model_validate(t, update={"cmoc_ids": links[t.id]}) for t in theories]


async def import_all(
    session: AsyncSession, project_id: int, user_id: int, items: Sequence[TheoryCreate]
) -> list[ProgrammeTheory]:
    return [await create(session, project_id, user_id, item, "import") for item in items]
