"""What a QDPX export contains, read from the database a piece at a time.

The scope (backend/triangulation/scope.py) picks the annotations; everything else follows from
them: the document versions they sit on (plus each of those documents' current version), their
authors, the evidence links between them and the CMOCs in scope. Unscoped, every document is
exported, annotated or not. Codes are always the whole live codebook.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import sqlalchemy
from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from backend.accounts.models import User
from backend.annotations.models import Annotation, AnnotationCode
from backend.cmocs.models import Cmoc, CmocEvidence, CmocTheory
from backend.coders.models import Coder
from backend.codes.exchange import CodeRecord
from backend.codes.models import Code
from backend.codes.service import live_codes, to_records
from backend.core.ids import stored
from backend.core.rows import wide_rows
from backend.documents.models import Document, DocumentVersion
from backend.projects.models import Project
from backend.refi.common import RefiError
from backend.theories.models import ProgrammeTheory
from backend.triangulation.scope import Scope, annotation_clauses, cmoc_clauses

CHUNK = 900  # ids per IN (...): well under SQLite's parameter limit
CMOC_BATCH = 200  # CMOCs (with their evidence rows) held at once while writing notes
# The ids of the annotations in scope, as a subquery (see _annotations_in_scope).
InScope = SelectOfScalar[int | None]
# A chunk of CMOCs, their evidence links by CMOC id, their exported theories by CMOC id.
CmocChunk = tuple[list[Cmoc], dict[int, list[CmocEvidence]], dict[int, list[int]]]


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
    annotations: InScope
    users: list[User]
    coders: list[Coder]
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
    in_scope = select(Cmoc.id).where(*cmoc_clauses(project_id, scope))
    cmoc_ids = [stored(i) for i in (await session.exec(in_scope)).all()]
    return Plan(
        project=project,
        scope=scope,
        annotations=annotations,
        users=await _users(session, project_id, scope, annotations, theories),
        coders=await _coders(session, project_id, scope, annotations, theories),
        codes=to_records(await live_codes(session, project_id)),
        versions=await _versions(session, project_id, scope, annotations),
        theories=theories,
        cmoc_ids=sorted(cmoc_ids),
    )


async def _annotations_in_scope(session: AsyncSession, project_id: int, scope: Scope) -> InScope:
    stmt = (
        select(col(Annotation.id))
        .join(Document, col(Document.id) == Annotation.document_id)
        .where(*await annotation_clauses(session, project_id, scope))
    )
    if scope.theory_id is not None:  # the theory's evidence, as every other export reads it
        linked = (
            select(CmocEvidence.annotation_id)
            .join(Cmoc, col(Cmoc.id) == CmocEvidence.cmoc_id)
            .where(*cmoc_clauses(project_id, scope))
        )
        stmt = stmt.where(col(Annotation.id).in_(linked))
    # Used inside queries on Annotation itself: never correlate with the outer query.
    return stmt.correlate(None)


async def _theories(session: AsyncSession, project_id: int, scope: Scope) -> list[ProgrammeTheory]:
    stmt = select(ProgrammeTheory).where(
        ProgrammeTheory.project_id == project_id, col(ProgrammeTheory.deleted_at).is_(None)
    )
    if scope.theory_id is not None:
        stmt = stmt.where(col(ProgrammeTheory.id) == scope.theory_id)
    return list((await session.exec(stmt.order_by(col(ProgrammeTheory.id)))).all())


async def _users(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    annotations: InScope,
    theories: list[ProgrammeTheory],
) -> list[User]:
    """Every account a selection, theory or CMOC in the file names as its author (rows
    attributed to an imported coder name the coder instead: see `_coders`)."""
    authors = select(Annotation.author_id).where(
        col(Annotation.id).in_(annotations), col(Annotation.coder_id).is_(None)
    )
    cmoc_authors = select(Cmoc.author_id).where(
        *cmoc_clauses(project_id, scope), col(Cmoc.coder_id).is_(None)
    )
    creators = [t.created_by for t in theories if t.created_by is not None and t.coder_id is None]
    stmt = select(User).where(
        or_(
            col(User.id).in_(authors),
            col(User.id).in_(cmoc_authors),
            col(User.id).in_(creators),
        )
    )
    return list((await session.exec(stmt.order_by(col(User.id)))).all())


async def _coders(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    annotations: InScope,
    theories: list[ProgrammeTheory],
) -> list[Coder]:
    """The imported coders the file's selections, theories and CMOCs are attributed to."""
    used = select(Annotation.coder_id).where(col(Annotation.id).in_(annotations))
    cmocs = select(Cmoc.coder_id).where(*cmoc_clauses(project_id, scope))
    theirs = [t.coder_id for t in theories if t.coder_id is not None]
    stmt = select(Coder).where(
        Coder.project_id == project_id,
        or_(col(Coder.id).in_(used), col(Coder.id).in_(cmocs), col(Coder.id).in_(theirs)),
    )
    return list((await session.exec(stmt.order_by(col(Coder.id)))).all())


async def _versions(
    session: AsyncSession, project_id: int, scope: Scope, annotations: InScope
) -> list[VersionRow]:
    annotated = select(Annotation.version_id).where(col(Annotation.id).in_(annotations))
    stmt = (
        sqlalchemy.select(
            col(DocumentVersion.id),
            col(DocumentVersion.number),
            col(DocumentVersion.page_offsets),
            col(DocumentVersion.page_count),
            col(DocumentVersion.status),
            col(DocumentVersion.message),
            col(DocumentVersion.created_at),
            Document,
        )
        .join(Document, col(Document.id) == DocumentVersion.document_id)
        .where(
            col(Document.project_id) == project_id,
            or_(
                col(DocumentVersion.id) == Document.current_version_id,
                col(DocumentVersion.id).in_(annotated),
            ),
        )
        .order_by(col(Document.id), col(DocumentVersion.number))
    )
    if is_scoped(scope):  # only the documents the scoped evidence comes from
        documents = select(Annotation.document_id).where(col(Annotation.id).in_(annotations))
        stmt = stmt.where(col(Document.id).in_(documents))
    return [
        VersionRow(stored(vid), number, offsets, pages, str(status), message, created, document)
        for vid, number, offsets, pages, status, message, created, document in await wide_rows(
            session, stmt
        )
    ]


async def version_text(session: AsyncSession, version_id: int) -> str:
    stmt = select(DocumentVersion.text).where(col(DocumentVersion.id) == version_id)
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
        .order_by(
            col(Annotation.version_id),
            col(Annotation.start),
            col(Annotation.end),
            col(Annotation.id),
        )
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
            .join(Code, col(Code.id) == AnnotationCode.code_id)
            .where(col(AnnotationCode.annotation_id).in_(ids[i : i + CHUNK]))
            .where(col(Code.deleted_at).is_(None))
            .order_by(Code.guid)
        )
        for annotation_id, code_guid in (await session.exec(stmt)).all():
            out[annotation_id].append(code_guid)
    return out


async def cmoc_chunks(session: AsyncSession, p: Plan) -> AsyncIterator[CmocChunk]:
    """(CMOCs, their evidence links to annotations in the file, their links to
    exported theories), CHUNK CMOCs at a time: three queries per chunk."""
    exported = [t.id for t in p.theories]
    for i in range(0, len(p.cmoc_ids), CMOC_BATCH):
        ids = p.cmoc_ids[i : i + CMOC_BATCH]
        cmocs = select(Cmoc).where(col(Cmoc.id).in_(ids)).order_by(col(Cmoc.id))
        found = (await session.exec(cmocs)).all()
        evidence: dict[int, list[CmocEvidence]] = defaultdict(list)
        stmt = select(CmocEvidence).where(
            col(CmocEvidence.cmoc_id).in_(ids), col(CmocEvidence.annotation_id).in_(p.annotations)
        )
        for e in (await session.exec(stmt.order_by(col(CmocEvidence.id)))).all():
            evidence[e.cmoc_id].append(e)
        theories: dict[int, list[int]] = defaultdict(list)
        links = select(CmocTheory).where(
            col(CmocTheory.cmoc_id).in_(ids), col(CmocTheory.theory_id).in_(exported)
        )
        for link in (await session.exec(links.order_by(col(CmocTheory.theory_id)))).all():
            theories[link.cmoc_id].append(link.theory_id)
        yield list(found), evidence, theories
