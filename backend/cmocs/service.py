"""CMOC use cases: build, edit with optimistic concurrency, link theories and
evidence, soft delete, history."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.adjudication.layers import analysis_clauses
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
from backend.core.ids import stored
from backend.errors import ServiceError
from backend.theories.models import ProgrammeTheory
from backend.versioning import Revisions, claim, soft_delete
from backend.visibility import Viewer, viewer_for

TEXT_FIELDS = CMOC_FIELDS
REVISIONS = Revisions(CmocRevision, "cmoc_id", "cmoc")


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
    session: AsyncSession, viewer: Viewer, evidence: Sequence[EvidenceIn]
) -> None:
    """Live annotations the user may see (a blind coder cannot probe for others')."""
    wanted = {e.annotation_id for e in evidence}
    if wanted:
        stmt = select(Annotation.id).where(
            col(Annotation.id).in_(wanted),
            *viewer.clauses(),
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
    await _check_evidence(session, await viewer_for(session, project_id, user_id), data.evidence)
    cmoc = Cmoc(
        project_id=project_id, author_id=user_id, **data.model_dump(include=set(TEXT_FIELDS))
    )
    session.add(cmoc)
    await session.flush()
    await _link(session, cmoc, user_id, data.theory_ids, data.evidence)
    await _record(session, cmoc, "create", user_id)
    await session.commit()
    return cmoc


async def _link(
    session: AsyncSession,
    cmoc: Cmoc,
    user_id: int,
    theory_ids: Sequence[int] | None,
    evidence: Sequence[EvidenceIn] | None,
) -> None:
    """Replace the theory links and/or the evidence list (None leaves it as it is)."""
    cmoc_id = stored(cmoc.id)
    if theory_ids is not None:
        await session.exec(delete(CmocTheory).where(col(CmocTheory.cmoc_id) == cmoc_id))
        session.add_all(CmocTheory(cmoc_id=cmoc_id, theory_id=t) for t in sorted(set(theory_ids)))
    if evidence is not None:
        # Links to annotations the user cannot see (a blind round's) were not in the
        # list they sent: they stay.
        viewer = await viewer_for(session, cmoc.project_id, user_id)
        seen = select(Annotation.id).where(*viewer.clauses())
        await session.exec(
            delete(CmocEvidence).where(
                col(CmocEvidence.cmoc_id) == cmoc_id, col(CmocEvidence.annotation_id).in_(seen)
            )
        )
        await session.flush()
        session.add_all(
            CmocEvidence(cmoc_id=cmoc_id, created_by=user_id, **e.model_dump()) for e in evidence
        )
    await session.flush()


async def update(
    session: AsyncSession, cmoc: Cmoc, user_id: int, data: CmocUpdate, expected: int
) -> Cmoc:
    """An If-Match edit, committed; StaleEdit when `expected` is not the current version."""
    cmoc = await change(session, cmoc, user_id, data, expected)
    await session.commit()
    return cmoc


async def change(
    session: AsyncSession, cmoc: Cmoc, user_id: int, data: CmocUpdate, expected: int
) -> Cmoc:
    """`update` inside a larger unit of work (revert): the caller commits."""
    if cmoc.deleted_at is not None:
        raise CmocError("this CMOC is deleted; restore it first", 409)
    if data.theory_ids is not None:
        await _check_theories(session, cmoc.project_id, data.theory_ids)
    if data.evidence is not None:
        viewer = await viewer_for(session, cmoc.project_id, user_id)
        await _check_evidence(session, viewer, data.evidence)
    values = data.model_dump(include=set(TEXT_FIELDS), exclude_unset=True, exclude_none=True)
    await claim(session, cmoc, expected, **values)
    await _link(session, cmoc, user_id, data.theory_ids, data.evidence)
    await _record(session, cmoc, "update", user_id)
    return cmoc


async def add_evidence(
    session: AsyncSession, cmoc: Cmoc, user_id: int, item: EvidenceIn, expected: int | None
) -> Cmoc:
    """One more evidence link (a new version of the CMOC); an existing link for the
    same annotation and part gets the new stance. A building block of larger units of
    work (proposals, adjudication): the caller commits."""
    if cmoc.deleted_at is not None:
        raise CmocError("this CMOC is deleted; restore it first", 409)
    await _check_evidence(session, await viewer_for(session, cmoc.project_id, user_id), [item])
    await claim(session, cmoc, cmoc.version if expected is None else expected)
    await session.exec(
        delete(CmocEvidence).where(
            col(CmocEvidence.cmoc_id) == cmoc.id,
            col(CmocEvidence.annotation_id) == item.annotation_id,
            col(CmocEvidence.part) == item.part,
        )
    )
    await session.flush()
    session.add(CmocEvidence(cmoc_id=stored(cmoc.id), created_by=user_id, **item.model_dump()))
    await session.flush()
    await _record(session, cmoc, "evidence", user_id)
    return cmoc


async def set_deleted(
    session: AsyncSession, cmoc: Cmoc, user_id: int, deleted: bool, expected: int | None
) -> Cmoc:
    """Soft delete or restore, committed."""
    cmoc = await mark_deleted(session, cmoc, user_id, deleted, expected)
    await session.commit()
    return cmoc


async def mark_deleted(
    session: AsyncSession, cmoc: Cmoc, user_id: int, deleted: bool, expected: int | None
) -> Cmoc:
    """`set_deleted` inside a larger unit of work (revert): the caller commits."""
    if await soft_delete(session, cmoc, deleted, expected):
        await _record(session, cmoc, "delete" if deleted else "restore", user_id)
    return cmoc


async def attach_evidence(
    session: AsyncSession, cmoc: Cmoc, user_id: int, item: EvidenceIn, expected: int | None
) -> Cmoc:
    """`add_evidence` as its own unit of work (the evidence route), committed."""
    cmoc = await add_evidence(session, cmoc, user_id, item, expected)
    await session.commit()
    return cmoc


async def _links(
    session: AsyncSession, ids: Sequence[int]
) -> tuple[dict[int, list[int]], dict[int, list[CmocEvidence]]]:
    """Per CMOC: its theory ids, and its evidence links."""
    theories: dict[int, list[int]] = {i: [] for i in ids}
    evidence: dict[int, list[CmocEvidence]] = {i: [] for i in ids}
    if ids:
        linked = select(CmocTheory).where(col(CmocTheory.cmoc_id).in_(ids))
        for link in (await session.exec(linked.order_by(col(CmocTheory.theory_id)))).all():
            theories[link.cmoc_id].append(link.theory_id)
        cited = select(CmocEvidence).where(col(CmocEvidence.cmoc_id).in_(ids))
        for e in (await session.exec(cited.order_by(col(CmocEvidence.id)))).all():
            evidence[e.cmoc_id].append(e)
    return theories, evidence


async def _record(session: AsyncSession, cmoc: Cmoc, action: str, user_id: int | None) -> None:
    cmoc_id = stored(cmoc.id)
    theories, evidence = await _links(session, [cmoc_id])
    state = {f: str(getattr(cmoc, f)) for f in TEXT_FIELDS} | {
        "theory_ids": theories[cmoc_id],
        "evidence": [
            {"annotation_id": e.annotation_id, "part": e.part, "stance": e.stance, "note": e.note}
            for e in evidence[cmoc_id]
        ],
        "deleted": cmoc.deleted_at is not None,
    }
    REVISIONS.record(session, cmoc, action, user_id, state)


async def history(session: AsyncSession, viewer: Viewer, cmoc_id: int) -> list[CmocRevision]:
    """Every revision; evidence links to annotations the viewer may not see are left out."""
    found = await REVISIONS.history(session, cmoc_id)
    if viewer.sees_everything:
        return found
    linked = {e["annotation_id"] for r in found for e in r.state.get("evidence", [])}
    seen = await _visible(session, viewer, linked)
    for r in found:
        session.expunge(r)  # shown, never written back
        evidence = [e for e in r.state.get("evidence", []) if e["annotation_id"] in seen]
        r.state = r.state | {"evidence": evidence}
    return found


async def _visible(session: AsyncSession, viewer: Viewer, ids: set[int]) -> set[int]:
    stmt = select(col(Annotation.id)).where(col(Annotation.id).in_(ids), *viewer.clauses())
    return {stored(i) for i in (await session.exec(stmt)).all()}


async def _counted(session: AsyncSession, project_id: int, ids: set[int]) -> set[int]:
    """Of these annotations, those in the project's analysis layer."""
    if not ids:
        return set()
    clauses = await analysis_clauses(session, project_id)
    stmt = select(col(Annotation.id)).where(col(Annotation.id).in_(ids), *clauses)
    return {stored(i) for i in (await session.exec(stmt)).all()}


async def public(session: AsyncSession, viewer: Viewer, rows: Sequence[Cmoc]) -> list[CmocPublic]:
    """CMOCs with their evidence, of the annotations the viewer may see."""
    theories, evidence = await _links(session, [stored(c.id) for c in rows])
    linked = {e.annotation_id for es in evidence.values() for e in es}
    cited = await excerpts(session, await _visible(session, viewer, linked))
    counted = await _counted(session, viewer.project_id, set(cited))
    out = []
    for c in rows:
        items = [
            EvidencePublic(
                id=stored(e.id),
                annotation_id=e.annotation_id,
                part=e.part,
                stance=e.stance,
                note=e.note,
                document_id=cited[e.annotation_id].document_id,
                source_type=cited[e.annotation_id].source_type,
                exact=cited[e.annotation_id].quote,
                page=cited[e.annotation_id].location.page,
                location=cited[e.annotation_id].location,
                citation=cited[e.annotation_id].citation,
                in_analysis=e.annotation_id in counted,
            )
            for e in evidence[stored(c.id)]
            if e.annotation_id in cited
        ]
        out.append(
            CmocPublic.model_validate(
                c, update={"theory_ids": theories[stored(c.id)], "evidence": items}
            )
        )
    return out
