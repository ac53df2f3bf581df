"""Which part of a project an analysis or export covers: one theory, one code (with
its sub-codes), one source type, a date range. One definition, shared by the
triangulation matrix and every export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Query
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.adjudication.layers import analysis_clauses
from backend.annotations.models import Annotation, AnnotationCode
from backend.api.auth import ProjectMember
from backend.cmocs.models import Cmoc, CmocTheory
from backend.codes.service import descendants
from backend.documents.models import Document, SourceType
from backend.visibility import Viewer, operator

MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Scope:
    theory_id: int | None = None
    code_id: int | None = None
    source_type: SourceType | None = None
    since: dt.date | None = None  # the documents' own dates (publication, interview)
    until: dt.date | None = None
    # Who is asking (backend/visibility.py); None: the operator at the command line.
    viewer: Viewer | None = None


def scope_params(
    member: ProjectMember,
    theory_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    code_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    source_type: SourceType | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Scope:
    if since and until and since > until:
        raise HTTPException(400, "'since' is after 'until'")
    return Scope(theory_id, code_id, source_type, since, until, member.viewer)


ScopeDep = Annotated[Scope, Depends(scope_params)]


async def counted_clauses(session: AsyncSession, project_id: int, scope: Scope) -> list:
    """WHERE clauses on Annotation: what the scope's viewer may see, in the layer the
    project's analyses use (backend/adjudication/layers.py)."""
    viewer = scope.viewer or operator(project_id)
    return [*viewer.clauses(), *await analysis_clauses(session, project_id)]


async def annotation_clauses(session: AsyncSession, project_id: int, scope: Scope) -> list:
    """WHERE clauses on Annotation (joined to Document) for the evidence in scope: seen
    by the viewer, in the analysis layer, live, within the scope's filters."""
    clauses = [
        *await counted_clauses(session, project_id, scope),
        col(Annotation.deleted_at).is_(None),
    ]
    if scope.code_id is not None:
        codes = await descendants(session, project_id, scope.code_id)
        coded = select(AnnotationCode.annotation_id).where(col(AnnotationCode.code_id).in_(codes))
        clauses.append(col(Annotation.id).in_(coded))
    if scope.source_type is not None:
        clauses.append(Document.source_type == scope.source_type)
    if scope.since is not None:
        clauses.append(col(Document.date) >= scope.since)
    if scope.until is not None:
        clauses.append(col(Document.date) <= scope.until)
    return clauses


def cmoc_clauses(project_id: int, scope: Scope) -> list:
    clauses = [Cmoc.project_id == project_id, col(Cmoc.deleted_at).is_(None)]
    if scope.theory_id is not None:
        linked = select(CmocTheory.cmoc_id).where(CmocTheory.theory_id == scope.theory_id)
        clauses.append(col(Cmoc.id).in_(linked))
    return clauses
