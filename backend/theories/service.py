"""Programme theory use cases: create, refine (with the reason kept), soft delete,
history, and import of a theory file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.cmocs.models import Cmoc, CmocTheory
from backend.core.ids import stored
from backend.errors import ServiceError
from backend.theories.models import (
    THEORY_FIELDS,
    ProgrammeTheory,
    TheoryCreate,
    TheoryPublic,
    TheoryRevision,
    TheoryUpdate,
)
from backend.versioning import Revisions, claim, soft_delete
from backend.visibility import Viewer

FIELDS = THEORY_FIELDS
REVISIONS = Revisions(TheoryRevision, "theory_id", "theory")


class TheoryError(ServiceError):
    pass


async def get(session: AsyncSession, project_id: int, theory_id: int) -> ProgrammeTheory:
    found = await session.get(ProgrammeTheory, theory_id)
    if found is None or found.project_id != project_id:
        raise TheoryError(f"theory {theory_id} not found", 404)
    return found


async def create(
    session: AsyncSession, project_id: int, user_id: int, data: TheoryCreate
) -> ProgrammeTheory:
    """A new theory, committed with its first revision and event."""
    theory = await _new(session, project_id, user_id, data, "create")
    await session.commit()
    return theory


async def _new(
    session: AsyncSession, project_id: int, user_id: int, data: TheoryCreate, action: str
) -> ProgrammeTheory:
    theory = ProgrammeTheory(project_id=project_id, created_by=user_id, **data.model_dump())
    session.add(theory)
    await session.flush()
    _record(session, theory, action, user_id, None)
    return theory


async def update(
    session: AsyncSession, theory: ProgrammeTheory, user_id: int, data: TheoryUpdate, expected: int
) -> ProgrammeTheory:
    await _change(session, theory, user_id, data, expected)
    await session.commit()
    return theory


async def _change(
    session: AsyncSession, theory: ProgrammeTheory, user_id: int, data: TheoryUpdate, expected: int
) -> None:
    if theory.deleted_at is not None:
        raise TheoryError("this theory is deleted; restore it first", 409)
    values = data.model_dump(include=set(FIELDS), exclude_unset=True, exclude_none=True)
    await claim(session, theory, expected, **values)
    _record(session, theory, "update", user_id, data.reason)


async def set_deleted(
    session: AsyncSession,
    theory: ProgrammeTheory,
    user_id: int,
    deleted: bool,
    expected: int | None,
) -> ProgrammeTheory:
    if await soft_delete(session, theory, deleted, expected):
        _record(session, theory, "delete" if deleted else "restore", user_id, None)
        await session.commit()
    return theory


def _record(
    session: AsyncSession,
    t: ProgrammeTheory,
    action: str,
    user_id: int | None,
    reason: str | None,
) -> None:
    """The wording after the change and why: kept for the audit trail, and published."""
    state = {f: getattr(t, f) for f in FIELDS} | {"deleted": t.deleted_at is not None}
    REVISIONS.record(session, t, action, user_id, state, reason=reason)


async def history(session: AsyncSession, viewer: Viewer, theory_id: int) -> list[TheoryRevision]:
    """Every revision (theories carry no coding: the same for every viewer)."""
    return await REVISIONS.history(session, theory_id)


async def public(
    session: AsyncSession, viewer: Viewer, theories: Sequence[ProgrammeTheory]
) -> list[TheoryPublic]:
    """A theory shows no coding, so every member sees all of it; `viewer` keeps the
    shape CMOCs need (backend/api/versioned.py serves both)."""
    ids = [stored(t.id) for t in theories]
    links: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        stmt = (
            select(CmocTheory.theory_id, CmocTheory.cmoc_id)
            .join(Cmoc, col(Cmoc.id) == col(CmocTheory.cmoc_id))
            .where(col(CmocTheory.theory_id).in_(ids), col(Cmoc.deleted_at).is_(None))
            .order_by(col(CmocTheory.cmoc_id))
        )
        for theory_id, cmoc_id in (await session.exec(stmt)).all():
            links[theory_id].append(cmoc_id)
    return [
        TheoryPublic.model_validate(t, update={"cmoc_ids": links[stored(t.id)]}) for t in theories
    ]


@dataclass
class Imported:
    created: list[ProgrammeTheory] = field(default_factory=list)
    updated: list[ProgrammeTheory] = field(default_factory=list)
    unchanged: list[ProgrammeTheory] = field(default_factory=list)


def _same_statement(statement: str) -> str:
    return " ".join(statement.split()).casefold()


async def import_all(
    session: AsyncSession, project_id: int, user_id: int, items: Sequence[TheoryCreate]
) -> Imported:
    """A theory is known by its statement (its words are its name): one already here (case
    and spacing aside) gets the framework, form and status the file states, if they
    differ, as a new version; the rest are created. Importing a file twice changes nothing.
    Every change of a file, or none: one transaction."""
    stmt = select(ProgrammeTheory).where(
        ProgrammeTheory.project_id == project_id, col(ProgrammeTheory.deleted_at).is_(None)
    )
    known = {_same_statement(t.statement): t for t in (await session.exec(stmt)).all()}
    done = Imported()
    for item in items:
        theory = known.get(_same_statement(item.statement))
        if theory is None:
            theory = await _new(session, project_id, user_id, item, "import")
            known[_same_statement(item.statement)] = theory
            done.created.append(theory)
            continue
        stated = item.model_dump(include=item.model_fields_set & {"framework", "form", "status"})
        changes = {k: v for k, v in stated.items() if getattr(theory, k) != v}
        if not changes:
            done.unchanged.append(theory)
            continue
        changes["reason"] = "imported from a theory file"
        await _change(session, theory, user_id, TheoryUpdate(**changes), theory.version)
        done.updated.append(theory)
    await session.commit()
    return done
