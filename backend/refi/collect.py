"""What a QDPX export contains, read from the database a piece at a time.

The scope (backend/triangulation/scope.py) picks the annotations; everything else follows from
them: the document versions they sit on (plus each of those documents' current version), their
authors, the evidence links between them and the CMOCs in scope. Unscoped, every document is
exported, annotated or not. Codes are always the whole live codebook.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.annotations.models import Annotation, AnnotationCode
from backend.cmocs.models import Cmoc, CmocEvidence, CmocTheory
from backend.codes.exchange import CodeRecord
from backend.codes.models import Code
from backend.codes.service import live_codes, to_records
from backend.documents.models import Document, DocumentVersion
from backend.projects.models import Project
from backend.refi.common import RefiError
from backend.theories.models import ProgrammeTheory
from backend.triangulation.scope import Scope, annotation_clauses, cmoc_clauses

CHUNK = 900  # ids per IN (...): well under SQLite's parameter limit
CMOC_BATCH = 200  # CMOCs (with their evidence rows) held at once while writing notes


@dataclass(frozen=True)
class VersionRow:
    """One exported TextSource: a document version's metadata, without its text."""

    id: int
    number: int
    page_offsets: list[int]
    page_count: int | None
    status: str
    message: str | None
    created_at: dt.datetime
    document: Document


@dataclass
class Plan:
    project: Project
    scope: Scope
    annotations: object  # SELECT Annotation.id ... of the annotations in scope (a subquery)
    users: list[User]
    codes: list[CodeRecord]
    versions: list[VersionRow]
    theories: list[ProgrammeTheory]
    cmoc_ids: list[int]


def is_scoped(scope: Scope) -> bool:
    return any(getattr(scope, f) is not None for f in scope.__dataclass_fields__)


async def plan(session: AsyncSession, project_id: int, scope: Scope) -> Plan:
    project = await session.get(Project, project_id)
    if project is None:
        raise RefiError(f"project {project_id} not found", 404)
    annotations = await _annotations_in_scope(session, project_id, scope)
    theories = await _theories(session, project_id, scope)
    cmoc_ids = list(
        (await session.exec(select(Cmoc.id).where(*cmoc_clauses(project_id, scope)))).all()
    )
    return Plan(
        project=project,
        scope=scope,
        annotations=annotations,
        users=await _users(session, project_id, scope, annotations, theories),
        codes=to_records(await live_codes(session, project_id)),
        versions=await _versions(session, project_id, scope, annotations),
        theories=theories,
        cmoc_ids=sorted(cmoc_ids),
    )


async def _annotations_in_scope(session: AsyncSession, project_id: int, scope: Scope):
    stmt = (
        select(Annotation.id)
        .join(Document, Document.id == Annotation.document_id)
        .where(*await annotation_clauses(session, project_id, scope))
    )
    if scope.theory_id is not None:  # the theory's evidence, as every other export reads it
        linked = (
            select(CmocEvidence.annotation_id)
            .join(Cmoc, Cmoc.id == CmocEvidence.cmoc_id)
            .where(*cmoc_clauses(project_id, scope))
        )
        stmt = stmt.where(col(Annotation.id).in_(linked))
    # Used inside queries on Annotation itself: never correlate with the outer query.
    return stmt.correlate(None)


async def _theories(session: AsyncSession, project_id: int, scope: Scope):
    stmt = select(ProgrammeTheory).where(
        ProgrammeTheory.project_id == project_id, col(ProgrammeTheory.deleted_at).is_(None)
    )
    if scope.theory_id is not None:
        stmt = stmt.where(ProgrammeTheory.id == scope.theory_id)
    return list((await session.exec(stmt.order_by(ProgrammeTheory.id))).all())


async def _users(session, project_id, scope, annotations, theories) -> list[User]:
    """Everyone a selection, theory or CMOC in the file names as its author."""
    authors = select(Annotation.author_id).where(col(Annotation.id).in_(annotations))
    cmoc_authors = select(Cmoc.author_id).where(*cmoc_clauses(project_id, scope))
    creators = [t.created_by for t in theories if t.created_by is not None]
    stmt = select(User).where(
        or_(
            col(User.id).in_(authors),
            col(User.id).in_(cmoc_authors),
            col(User.id).in_(creators),
        )
    )
    return list((await session.exec(stmt.order_by(User.id))).all())


async def _versions(session, project_id: int, scope: Scope, annotations) -> list[VersionRow]:
    annotated = select(Annotation.version_id).where(col(Annotation.id).in_(annotations))
    stmt = (
        select(
            DocumentVersion.id,
            DocumentVersion.number,
            DocumentVersion.page_offsets,
            DocumentVersion.page_count,
            DocumentVersion.status,
            DocumentVersion.message,
            DocumentVersion.created_at,
            Document,
        )
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(
            Document.project_id == project_id,
            or_(
                col(DocumentVersion.id) == Document.current_version_id,
                col(DocumentVersion.id).in_(annotated),
            ),
        )
        .order_by(Document.id, DocumentVersion.number)
    )
    if is_scoped(scope):  # only the documents the scoped evidence comes from
        documents = select(Annotation.document_id).where(col(Annotation.id).in_(annotations))
        stmt = stmt.where(col(Document.id).in_(documents))
    return [
        VersionRow(vid, number, offsets, pages, str(status), message, created, document)
        for vid, number, offsets, pages, status, message, created, document in (
            await session.exec(stmt)
        ).all()
    ]


async def version_text(session: AsyncSession, version_id: int) -> str:
    stmt = select(DocumentVersion.text).where(DocumentVersion.id == version_id)
    return (await session.exec(stmt)).one()


async def selections(
    session: AsyncSession, p: Plan, version_ids: Sequence[int]
) -> dict[int, list[Annotation]]:
    """These versions' annotations in scope, each in text order. Asked for a batch
    of versions at a time: the scope subquery is evaluated once per query, and one
    query per version made a 500-document export spend seconds on it."""
    stmt = (
        select(Annotation)
        .where(col(Annotation.version_id).in_(version_ids), col(Annotation.id).in_(p.annotations))
        .order_by(Annotation.version_id, Annotation.start, Annotation.end, Annotation.id)
    )
    found: dict[int, list[Annotation]] = defaultdict(list)
    for a in (await session.exec(stmt)).all():
        found[a.version_id].append(a)
    return found


async def code_guids(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[str]]:
    """Live codes of each annotation, by GUID (the order survives an import, unlike ids)."""
    out: dict[int, list[str]] = defaultdict(list)
    for i in range(0, len(ids), CHUNK):
        stmt = (
            select(AnnotationCode.annotation_id, Code.guid)
            .join(Code, Code.id == AnnotationCode.code_id)
            .where(col(AnnotationCode.annotation_id).in_(ids[i : i + CHUNK]))
            .where(col(Code.deleted_at).is_(None))
            .order_by(Code.guid)
        )
        for annotation_id, code_guid in (await session.exec(stmt)).all():
            out[annotation_id].append(code_guid)
    return out


async def cmoc_chunks(session: AsyncSession, p: Plan):
    """(CMOCs, their evidence links to annotations in the file, their links to
    exported theories), CHUNK CMOCs at a time: three queries per chunk."""
    exported = [t.id for t in p.theories]
    for i in range(0, len(p.cmoc_ids), CMOC_BATCH):
        ids = p.cmoc_ids[i : i + CMOC_BATCH]
        found = (
            await session.exec(select(Cmoc).where(col(Cmoc.id).in_(ids)).order_by(Cmoc.id))
        ).all()
        evidence: dict[int, list[CmocEvidence]] = defaultdict(list)
        stmt = select(CmocEvidence).where(
            col(CmocEvidence.cmoc_id).in_(ids), col(CmocEvidence.annotation_id).in_(p.annotations)
        )
        for e in (await session.exec(stmt.order_by(CmocEvidence.id))).all():
            evidence[e.cmoc_id].append(e)
        theories: dict[int, list[int]] = defaultdict(list)
        stmt = select(CmocTheory).where(
            col(CmocTheory.cmoc_id).in_(ids), col(CmocTheory.theory_id).in_(exported)
        )
        for link in (await session.exec(stmt.order_by(CmocTheory.theory_id))).all():
            theories[link.cmoc_id].append(link.theory_id)
        yield list(found), evidence, theories
