"""CMOC use cases: build, edit with optimistic concurrency, link theories and
evidence, soft delete, history."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.models import Annotation
from backend.citations import excerpts
from backend.cmocs.models import (
    CMOC_FIELDS,
    Cmoc,
    CmocCreate,
    CmocEvidence,
    CmocPublic,
    CmocRevision,
    CmocTheory,
    CmocUpdate,
    EvidenceIn,
    EvidencePublic,
)
from backend.core.time import utcnow
from backend.errors import ServiceError
from backend.events.service import publish
from backend.theories.models import ProgrammeTheory
from backend.versioning import claim

TEXT_FIELDS = CMOC_FIELDS


class CmocError(ServiceError):
    pass


async def get(session: AsyncSession, project_id: int, cmoc_id: int) -> Cmoc:
    found = await session.get(Cmoc, cmoc_id)
    if found is None or found.project_id != project_id:
        raise CmocError(f"CMOC {cmoc_id} not found", 404)
    return found


async def _check_theories(session: AsyncSession, project_id: int, ids: Sequence[int]) -> None:
    wanted = set(ids)
    if wanted:
        stmt = select(ProgrammeTheory.id).where(
            col(ProgrammeTheory.id).in_(wanted),
            ProgrammeTheory.project_id == project_id,
            col(ProgrammeTheory.deleted_at).is_(None),
        )
        missing = wanted - set((await session.exec(stmt)).all())
        if missing:
            raise CmocError(f"unknown theory id(s) in this project: {sorted(missing)}", 422)


async def _check_evidence(
    session: AsyncSession, project_id: int, evidence: Sequence[EvidenceIn]
) -> None:
    wanted = {e.annotation_id for e in evidence}
    if wanted:
        stmt = select(Annotation.id).where(
            col(Annotation.id).in_(wanted),
            Annotation.project_id == project_id,
            col(Annotation.deleted_at).is_(None),
        )
        missing = wanted - set((await session.exec(stmt)).all())
        if missing:
            raise CmocError(f"unknown annotation id(s) in this project: {sorted(missing)}", 422)
    keys = [(e.annotation_id, e.part) for e in evidence]
    if len(set(keys)) != len(keys):
        raise CmocError("the same annotation is linked twice to the same part", 422)


async def create(session: AsyncSession, project_id: int, user_id: int, data: CmocCreate) -> Cmoc:
    await _check_theories(session, project_id, data.theory_ids)
    await _check_evidence(session, project_id, data.evidence)
    cmoc = Cmoc(
        project_id=project_id, author_id=user_id, **data.model_dump(include=set(TEXT_FIELDS))
    )
    session.add(cmoc)
    await session.flush()
    await _link(session, cmoc, user_id, data.theory_ids, data.evidence)
    await _record(session, cmoc, "create", user_id)
    return cmoc


async def _link(
    session: AsyncSession,
    cmoc: Cmoc,
    user_id: int,
    theory_ids: Sequence[int] | None,
    evidence: Sequence[EvidenceIn] | None,
) -> None:
    """Replace the theory links and/or the evidence list (None leaves it as it is)."""
    if theory_ids is not None:
        await session.exec(delete(CmocTheory).where(CmocTheory.cmoc_id == cmoc.id))
        session.add_all(CmocTheory(cmoc_id=cmoc.id, theory_id=t) for t in sorted(set(theory_ids)))
    if evidence is not None:
        await session.exec(delete(CmocEvidence).where(CmocEvidence.cmoc_id == cmoc.id))
        await session.flush()
        session.add_all(
            CmocEvidence(cmoc_id=cmoc.id, created_by=user_id, **e.model_dump()) for e in evidence
        )
    await session.flush()


async def update(
    session: AsyncSession, cmoc: Cmoc, user_id: int, data: CmocUpdate, expected: int
) -> Cmoc:
    if cmoc.deleted_at is not None:
        raise CmocError("this CMOC is deleted; restore it first", 409)
    if data.theory_ids is not None:
        await _check_theories(session, cmoc.project_id, data.theory_ids)
    if data.evidence is not None:
        await _check_evidence(session, cmoc.project_id, data.evidence)
    values = data.model_dump(include=set(TEXT_FIELDS), exclude_unset=True, exclude_none=True)
    await claim(session, cmoc, expected, **values)
    await _link(session, cmoc, user_id, data.theory_ids, data.evidence)
    await _record(session, cmoc, "update", user_id)
    return cmoc


async def add_evidence(
    session: AsyncSession, cmoc: Cmoc, user_id: int, item: EvidenceIn, expected: int | None
) -> Cmoc:
    """One more evidence link (a new version of the CMOC); an existing link for the
    same annotation and part gets the new stance."""
    if cmoc.deleted_at is not None:
        raise CmocError("this CMOC is deleted; restore it first", 409)
    await _check_evidence(session, cmoc.project_id, [item])
    await claim(session, cmoc, cmoc.version if expected is None else expected)
    await session.exec(
        delete(CmocEvidence).where(
            CmocEvidence.cmoc_id == cmoc.id,
            CmocEvidence.annotation_id == item.annotation_id,
            CmocEvidence.part == item.part,
        )
    )
    await session.flush()
    session.add(CmocEvidence(cmoc_id=cmoc.id, created_by=user_id, **item.model_dump()))
    await session.flush()
    await _record(session, cmoc, "evidence", user_id)
    return cmoc


async def set_deleted(
    session: AsyncSession, cmoc: Cmoc, user_id: int, deleted: bool, expected: int
) -> Cmoc:
    if (cmoc.deleted_at is not None) == deleted:
        return cmoc
    await claim(session, cmoc, expected, deleted_at=utcnow() if deleted else None)
    await _record(session, cmoc, "delete" if deleted else "restore", user_id)
    return cmoc


async def _links(session: AsyncSession, ids: Sequence[int]):
    theories: dict[int, list[int]] = {i: [] for i in ids}
    evidence: dict[int, list[CmocEvidence]] = {i: [] for i in ids}
    if ids:
        stmt = select(CmocTheory).where(col(CmocTheory.cmoc_id).in_(ids))
        for link in (await session.exec(stmt.order_by(CmocTheory.theory_id))).all():
            theories[link.cmoc_id].append(link.theory_id)
        stmt = select(CmocEvidence).where(col(CmocEvidence.cmoc_id).in_(ids))
        for e in (await session.exec(stmt.order_by(CmocEvidence.id))).all():
            evidence[e.cmoc_id].append(e)
    return theories, evidence


async def _record(session: AsyncSession, cmoc: Cmoc, action: str, user_id: int | None) -> None:
    theories, evidence = await _links(session, [cmoc.id])
    state = {f: str(getattr(cmoc, f)) for f in TEXT_FIELDS} | {
        "theory_ids": theories[cmoc.id],
        "evidence": [
            {"annotation_id": e.annotation_id, "part": e.part, "stance": e.stance, "note": e.note}
            for e in evidence[cmoc.id]
        ],
        "deleted": cmoc.deleted_at is not None,
    }
    session.add(
        CmocRevision(
            cmoc_id=cmoc.id, version=cmoc.version, action=action, user_id=user_id, state=state
        )
    )
    publish(session, cmoc.project_id, f"cmoc.{action}", cmoc.id, user_id, version=cmoc.version)


async def history(session: AsyncSession, cmoc_id: int) -> list[CmocRevision]:
    stmt = (
        select(CmocRevision)
        .where(CmocRevision.cmoc_id == cmoc_id)
        .order_by(CmocRevision.version, CmocRevision.id)
    )
    return list((await session.exec(stmt)).all())


async def public(session: AsyncSession, rows: Sequence[Cmoc]) -> list[CmocPublic]:
    theories, evidence = await _links(session, [c.id for c in rows])
    cited = await excerpts(session, (e.annotation_id for es in evidence.values() for e in es))
    out = []
    for c in rows:
        items = [
            EvidencePublic(
                id=e.id,
                annotation_id=e.annotation_id,
                part=e.part,
                stance=e.stance,
                note=e.note,
                document_id=cited[e.annotation_id].document_id,
                source_type=cited[e.annotation_id].source_type,
                exact=cited[e.annotation_id].quote,
                page=cited[e.annotation_id].page,
            )
            for e in evidence[c.id]
            if e.annotation_id in cited
        ]
        out.append(
            CmocPublic.model_validate(c, update={"theory_ids": theories[c.id], "evidence": items})
        )
    return out
