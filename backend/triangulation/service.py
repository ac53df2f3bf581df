"""Loading what the matrix needs from SQL: its rows and their evidence links."""

from __future__ import annotations

from typing import Literal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.models import Annotation, AnnotationCode
from backend.citations import excerpts
from backend.cmocs.models import Cmoc, CmocEvidence, CmocTheory
from backend.codes.models import Code
from backend.documents.models import Document
from backend.theories.models import ProgrammeTheory
from backend.triangulation import matrix
from backend.triangulation.scope import Scope, annotation_clauses, cmoc_clauses

RowsKind = Literal["theory", "cmoc", "code"]
Columns = Literal["source_type", "organisation", "document_type"]
LABEL_CHARS = 160
_SOURCE = (
    Annotation.id,
    Document.id,
    Document.source_type,
    Document.organisation,
    Document.document_type,
)


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "\u2026"


async def rows_of(
    session: AsyncSession, project_id: int, kind: RowsKind, scope: Scope
) -> list[tuple[int, str]]:
    if kind == "theory":
        stmt = select(ProgrammeTheory).where(
            ProgrammeTheory.project_id == project_id, col(ProgrammeTheory.deleted_at).is_(None)
        )
        if scope.theory_id is not None:
            stmt = stmt.where(ProgrammeTheory.id == scope.theory_id)
        found = (await session.exec(stmt.order_by(ProgrammeTheory.id))).all()
        return [
            (t.id, _label(f"{t.framework}: {t.statement}" if t.framework else t.statement))
            for t in found
        ]
    if kind == "cmoc":
        stmt = select(Cmoc).where(*cmoc_clauses(project_id, scope)).order_by(Cmoc.id)
        return [(c.id, _label(c.title or f"CMOC {c.id}")) for c in (await session.exec(stmt)).all()]
    stmt = select(Code).where(Code.project_id == project_id, col(Code.deleted_at).is_(None))
    return [(c.id, c.name) for c in (await session.exec(stmt.order_by(Code.id))).all()]


async def evidence_of(
    session: AsyncSession, project_id: int, kind: RowsKind, scope: Scope
) -> list[matrix.Evidence]:
    where = await annotation_clauses(session, project_id, scope)
    if kind == "code":
        stmt = (
            select(AnnotationCode.code_id, *_SOURCE)
            .join(Annotation, Annotation.id == AnnotationCode.annotation_id)
            .join(Document, Document.id == Annotation.document_id)
            .where(*where)
        )
        return [_evidence(row, "supports") for row in (await session.exec(stmt)).all()]
    row_key = CmocTheory.theory_id if kind == "theory" else CmocEvidence.cmoc_id
    stmt = (
        select(row_key, *_SOURCE, CmocEvidence.stance, CmocEvidence.part, CmocEvidence.cmoc_id)
        .join(Cmoc, Cmoc.id == CmocEvidence.cmoc_id)
        .join(Annotation, Annotation.id == CmocEvidence.annotation_id)
        .join(Document, Document.id == Annotation.document_id)
        .where(*where, *cmoc_clauses(project_id, scope))
    )
    if kind == "theory":
        stmt = stmt.join(CmocTheory, CmocTheory.cmoc_id == Cmoc.id)
    return [_evidence(row[:6], row[6], row[7], row[8]) for row in (await session.exec(stmt)).all()]


def _evidence(row, stance, part=None, cmoc_id=None) -> matrix.Evidence:
    row_id, annotation_id, document_id, source_type, organisation, document_type = row
    return matrix.Evidence(
        row_id=row_id,
        annotation_id=annotation_id,
        stance=str(stance),
        document_id=document_id,
        source_type=str(source_type),
        organisation=organisation,
        document_type=str(document_type),
        part=str(part) if part else None,
        cmoc_id=cmoc_id,
    )


async def build_matrix(
    session: AsyncSession, project_id: int, kind: RowsKind, columns: Columns, scope: Scope
) -> dict:
    rows = await rows_of(session, project_id, kind, scope)
    evidence = await evidence_of(session, project_id, kind, scope)
    return {"rows_kind": kind, "columns_by": columns} | matrix.build(rows, evidence, columns)


async def cell_excerpts(
    session: AsyncSession,
    project_id: int,
    kind: RowsKind,
    row_id: int,
    columns: Columns,
    column: str | None,
    stance: str | None,
    scope: Scope,
) -> list[dict]:
    """The excerpts behind one cell (or a whole row when `column` is None)."""
    chosen = [
        e
        for e in await evidence_of(session, project_id, kind, scope)
        if e.row_id == row_id
        and (column is None or matrix.column_of(e, columns) == column)
        and (stance is None or e.stance == stance)
    ]
    cited = await excerpts(session, {e.annotation_id for e in chosen})
    chosen.sort(key=lambda e: (e.document_id, cited[e.annotation_id].start, e.annotation_id))
    return [
        cited[e.annotation_id].as_dict()
        | {"stance": e.stance, "part": e.part, "cmoc_id": e.cmoc_id}
        for e in chosen
    ]
