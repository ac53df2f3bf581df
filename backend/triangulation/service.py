"""Loading what the matrix needs from SQL: its rows and their evidence links."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import String, literal, null, type_coerce
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
# Enum columns read as plain text, and rows fetched through Core rather than the
# ORM: at 10,000 evidence rows that halves the time to load them.
_SOURCE = (
    Annotation.id,
    Document.id,
    type_coerce(Document.source_type, String),
    Document.organisation,
    type_coerce(Document.document_type, String),
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
        stmt = select(Cmoc.id, Cmoc.title).where(*cmoc_clauses(project_id, scope))
        found = await _rows(session, stmt.order_by(Cmoc.id))
        return [(i, _label(title or f"CMOC {i}")) for i, title in found]
    stmt = select(Code.id, Code.name).where(
        Code.project_id == project_id, col(Code.deleted_at).is_(None)
    )
    return [(i, name) for i, name in await _rows(session, stmt.order_by(Code.id))]


async def evidence_of(session: AsyncSession, project_id: int, kind: RowsKind, scope: Scope) -> list:
    """Rows shaped like matrix.Evidence (plain tuples: 10,000 named tuples cost ~30 ms)."""
    where = await annotation_clauses(session, project_id, scope)
    if kind == "code":
        stmt = (
            select(AnnotationCode.code_id, *_SOURCE, literal("supports"), null(), null())
            .join(Annotation, Annotation.id == AnnotationCode.annotation_id)
            .join(Document, Document.id == Annotation.document_id)
            .where(*where)
        )
        return await _rows(session, stmt)
    row_key = CmocTheory.theory_id if kind == "theory" else CmocEvidence.cmoc_id
    stmt = (
        select(
            row_key,
            *_SOURCE,
            type_coerce(CmocEvidence.stance, String),
            type_coerce(CmocEvidence.part, String),
            CmocEvidence.cmoc_id,
        )
        .join(Cmoc, Cmoc.id == CmocEvidence.cmoc_id)
        .join(Annotation, Annotation.id == CmocEvidence.annotation_id)
        .join(Document, Document.id == Annotation.document_id)
        .where(*where, *cmoc_clauses(project_id, scope))
    )
    if kind == "theory":
        stmt = stmt.join(CmocTheory, CmocTheory.cmoc_id == Cmoc.id)
    return await _rows(session, stmt)


async def _rows(session: AsyncSession, stmt) -> list:
    return list((await (await session.connection()).execute(stmt)).all())


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
        for e in map(matrix.Evidence._make, await evidence_of(session, project_id, kind, scope))
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
