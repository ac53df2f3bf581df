"""Loading what the matrix needs from SQL: its rows and their evidence links."""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy
from sqlalchemy import Row, String, case, cast, func, label, literal, null, union_all
from sqlalchemy.sql import Executable, Select, SQLColumnExpression
from sqlalchemy.util.typing import TupleAny
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.models import Annotation, AnnotationCode
from backend.citations import excerpts
from backend.cmocs.models import Cmoc, CmocEvidence, CmocTheory
from backend.codes.models import Code
from backend.core.ids import stored
from backend.core.rows import wide_rows
from backend.documents.models import Document
from backend.theories.models import ProgrammeTheory
from backend.triangulation import matrix
from backend.triangulation.scope import Scope, annotation_clauses, cmoc_clauses

RowsKind = Literal["theory", "cmoc", "code"]
Columns = Literal["source_type", "organisation", "document_type"]
LABEL_CHARS = 160
# Enum columns cast to text (PostgreSQL stores native enums) and rows fetched through
# Core rather than the ORM: at 10,000 evidence rows that halves the time to load them.
_SOURCE: tuple[SQLColumnExpression[Any], ...] = (
    col(Annotation.id),
    col(Document.id),
    cast(Document.source_type, String),
    col(Document.organisation),
    cast(Document.document_type, String),
)


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "\u2026"


async def rows_of(
    session: AsyncSession, project_id: int, kind: RowsKind, scope: Scope
) -> list[tuple[int, str]]:
    if kind == "theory":
        theories = select(ProgrammeTheory).where(
            col(ProgrammeTheory.project_id) == project_id,
            col(ProgrammeTheory.deleted_at).is_(None),
        )
        if scope.theory_id is not None:
            theories = theories.where(col(ProgrammeTheory.id) == scope.theory_id)
        found = (await session.exec(theories.order_by(col(ProgrammeTheory.id)))).all()
        return [
            (stored(t.id), _label(f"{t.framework}: {t.statement}" if t.framework else t.statement))
            for t in found
        ]
    if kind == "cmoc":
        cmocs = sqlalchemy.select(col(Cmoc.id), col(Cmoc.title))
        cmocs = cmocs.where(*cmoc_clauses(project_id, scope)).order_by(col(Cmoc.id))
        titled = await wide_rows(session, cmocs)
        return [(stored(i), _label(title or f"CMOC {i}")) for i, title in titled]
    codes = sqlalchemy.select(col(Code.id), col(Code.name)).where(
        col(Code.project_id) == project_id, col(Code.deleted_at).is_(None)
    )
    return [(stored(i), name) for i, name in await wide_rows(session, codes.order_by(col(Code.id)))]


async def _evidence_stmt(
    session: AsyncSession, project_id: int, kind: RowsKind, scope: Scope
) -> Select[*TupleAny]:
    """One row per (row, excerpt, stance), labelled like matrix.Evidence."""
    where = await annotation_clauses(session, project_id, scope)
    row_key: SQLColumnExpression[Any]
    stance: SQLColumnExpression[Any]
    part: SQLColumnExpression[Any]
    cmoc: SQLColumnExpression[Any]
    if kind == "code":
        row_key, stance = col(AnnotationCode.code_id), literal("supports")
        part, cmoc = null(), null()
    else:
        row_key = col(CmocTheory.theory_id if kind == "theory" else CmocEvidence.cmoc_id)
        stance = cast(CmocEvidence.stance, String)
        part, cmoc = cast(CmocEvidence.part, String), col(CmocEvidence.cmoc_id)
    columns = (row_key, *_SOURCE, stance, part, cmoc)
    labelled = (label(n, c) for c, n in zip(columns, matrix.Evidence._fields, strict=True))
    stmt = sqlalchemy.select(*labelled)
    if kind == "code":
        stmt = stmt.select_from(AnnotationCode).join(
            Annotation, col(Annotation.id) == AnnotationCode.annotation_id
        )
    else:
        stmt = (
            stmt.select_from(CmocEvidence)
            .join(Cmoc, col(Cmoc.id) == CmocEvidence.cmoc_id)
            .join(Annotation, col(Annotation.id) == CmocEvidence.annotation_id)
            .where(*cmoc_clauses(project_id, scope))
        )
        if kind == "theory":
            stmt = stmt.join(CmocTheory, col(CmocTheory.cmoc_id) == Cmoc.id)
    return stmt.join(Document, col(Document.id) == Annotation.document_id).where(*where)


async def counts(
    session: AsyncSession, project_id: int, kind: RowsKind, columns: Columns, scope: Scope
) -> matrix.Counts:
    """The matrix counted once, by the database, in one statement: four GROUP BYs
    (per cell and stance, per cell, per row and stance, per row) over one evidence
    CTE, each with distinct sources and excerpts; the per-row one also counts the
    supporting source types and whether anything refutes (the statuses)."""
    ev = (await _evidence_stmt(session, project_id, kind, scope)).cte("evidence")
    column = func.coalesce(ev.c[columns], matrix.NONE_KEY)
    measures = (
        func.count(ev.c.document_id.distinct()),
        func.count(ev.c.annotation_id.distinct()),
        func.count(case((ev.c.stance.in_(matrix.SUPPORTING), ev.c.source_type)).distinct()),
        func.max(case((ev.c.stance == "refutes", 1), else_=0)),
    )
    parts = []
    for by_column, by_stance in ((True, True), (True, False), (False, True), (False, False)):
        keys = (ev.c.row_id, column if by_column else null(), ev.c.stance if by_stance else null())
        grouped = [k for k, on in zip(keys, (True, by_column, by_stance), strict=True) if on]
        parts.append(sqlalchemy.select(*keys, *measures).group_by(*grouped))
    out = matrix.Counts()
    for row_id, col_key, stance, n_sources, n_excerpts, types, refutes in await _any_rows(
        session, union_all(*parts)
    ):
        out.sources[(row_id, col_key, stance)] = n_sources
        out.excerpts[(row_id, col_key, stance)] = n_excerpts
        if col_key is not None:
            out.columns.add(col_key)
        elif stance is None:
            out.supporting_types[row_id] = types
            if refutes:
                out.refuting.add(row_id)
    return out


async def _any_rows(session: AsyncSession, stmt: Executable) -> list[Row[*TupleAny]]:
    """Rows of a statement whose columns the type checker cannot follow (a UNION)."""
    return list((await (await session.connection()).execute(stmt)).all())


async def build_matrix(
    session: AsyncSession, project_id: int, kind: RowsKind, columns: Columns, scope: Scope
) -> dict[str, Any]:
    rows = await rows_of(session, project_id, kind, scope)
    found = await counts(session, project_id, kind, columns, scope)
    return {"rows_kind": kind, "columns_by": columns} | matrix.assemble(rows, found, columns)


async def cell_excerpts(
    session: AsyncSession,
    project_id: int,
    kind: RowsKind,
    row_id: int,
    columns: Columns,
    column: str | None,
    stance: str | None,
    scope: Scope,
) -> list[dict[str, Any]]:
    """The excerpts behind one cell (or a whole row when `column` is None), chosen
    by the database from the same evidence rows the counts came from."""
    ev = (await _evidence_stmt(session, project_id, kind, scope)).subquery()
    stmt = sqlalchemy.select(ev).where(ev.c.row_id == row_id)
    if column is not None:
        stmt = stmt.where(func.coalesce(ev.c[columns], matrix.NONE_KEY) == column)
    if stance is not None:
        stmt = stmt.where(ev.c.stance == stance)
    chosen = [matrix.Evidence._make(r) for r in await wide_rows(session, stmt)]
    cited = await excerpts(session, {e.annotation_id for e in chosen})
    chosen.sort(key=lambda e: (e.document_id, cited[e.annotation_id].start, e.annotation_id))
    return [
        cited[e.annotation_id].as_dict()
        | {"stance": e.stance, "part": e.part, "cmoc_id": e.cmoc_id}
        # page and speaker also flat, as the web app's drawer reads them
        | {"page": cited[e.annotation_id].location.page}
        | {"speaker": cited[e.annotation_id].location.speaker}
        for e in chosen
    ]
