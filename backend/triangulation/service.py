"""Loading what the matrix needs from SQL: its rows and their evidence links."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import String, cast, func, literal, null
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
# Enum columns cast to text (PostgreSQL stores native enums) and rows fetched through
# Core rather than the ORM: at 10,000 evidence rows that halves the time to load them.
_SOURCE = (
    Annotation.id,
    Document.id,
    cast(Document.source_type, String),
    Document.organisation,
    cast(Document.document_type, String),
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


async def _evidence_stmt(session: AsyncSession, project_id: int, kind: RowsKind, scope: Scope):
    """One row per (row, excerpt, stance), labelled like matrix.Evidence."""
    where = await annotation_clauses(session, project_id, scope)
    if kind == "code":
        row_key, stance, part, cmoc = AnnotationCode.code_id, literal("supports"), null(), null()
    else:
        row_key = CmocTheory.theory_id if kind == "theory" else CmocEvidence.cmoc_id
        stance = cast(CmocEvidence.stance, String)
        part, cmoc = cast(CmocEvidence.part, String), CmocEvidence.cmoc_id
    columns = (row_key, *_SOURCE, stance, part, cmoc)
    stmt = select(*(c.label(n) for c, n in zip(columns, matrix.Evidence._fields, strict=True)))
    if kind == "code":
        stmt = stmt.select_from(AnnotationCode).join(
            Annotation, Annotation.id == AnnotationCode.annotation_id
        )
    else:
        stmt = (
            stmt.select_from(CmocEvidence)
            .join(Cmoc, Cmoc.id == CmocEvidence.cmoc_id)
            .join(Annotation, Annotation.id == CmocEvidence.annotation_id)
            .where(*cmoc_clauses(project_id, scope))
        )
        if kind == "theory":
            stmt = stmt.join(CmocTheory, CmocTheory.cmoc_id == Cmoc.id)
    return stmt.join(Document, Document.id == Annotation.document_id).where(*where)


async def evidence_of(session: AsyncSession, project_id: int, kind: RowsKind, scope: Scope) -> list:
    """Rows shaped like matrix.Evidence (plain tuples: 10,000 named tuples cost ~30 ms)."""
    return await _rows(session, await _evidence_stmt(session, project_id, kind, scope))


async def counts_in_sql(
    session: AsyncSession, project_id: int, kind: RowsKind, columns: Columns, scope: Scope
) -> matrix.Counts:
    """The matrix counted by the database (GROUP BY), for exports: slower than
    counting in Python at 10,000 excerpts, but memory does not grow with them."""
    sub = (await _evidence_stmt(session, project_id, kind, scope)).subquery()
    column = func.coalesce(sub.c[columns], matrix.NONE_KEY)
    distinct = (
        func.count(sub.c.document_id.distinct()),
        func.count(sub.c.annotation_id.distinct()),
    )
    out = matrix.Counts()
    for by_column, by_stance in ((True, True), (True, False), (False, True), (False, False)):
        keys = [
            sub.c.row_id,
            column if by_column else null(),
            sub.c.stance if by_stance else null(),
        ]
        grouped = [k for k, on in zip(keys, (True, by_column, by_stance), strict=True) if on]
        stmt = select(*keys, *distinct).group_by(*grouped)
        for row_id, col_key, stance, n_sources, n_excerpts in await _rows(session, stmt):
            out.sources[(row_id, col_key, stance)] = n_sources
            out.excerpts[(row_id, col_key, stance)] = n_excerpts
            if col_key is not None:
                out.columns.add(col_key)
    stmt = select(sub.c.row_id, sub.c.source_type).where(sub.c.stance.in_(matrix.SUPPORTING))
    for row_id, _ in await _rows(session, stmt.distinct()):
        out.supporting_types[row_id] += 1
    stmt = select(sub.c.row_id).where(sub.c.stance == "refutes").distinct()
    out.refuting = {row_id for (row_id,) in await _rows(session, stmt)}
    return out


async def _rows(session: AsyncSession, stmt) -> list:
    return list((await (await session.connection()).execute(stmt)).all())


async def build_matrix(
    session: AsyncSession,
    project_id: int,
    kind: RowsKind,
    columns: Columns,
    scope: Scope,
    in_sql: bool = False,
) -> dict:
    rows = await rows_of(session, project_id, kind, scope)
    if in_sql:
        counts = await counts_in_sql(session, project_id, kind, columns, scope)
    else:
        counts = matrix.Counts.of(await evidence_of(session, project_id, kind, scope), columns)
    return {"rows_kind": kind, "columns_by": columns} | matrix.assemble(rows, counts, columns)


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
