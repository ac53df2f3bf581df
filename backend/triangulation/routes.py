"""/api/projects/{id}/triangulation: the matrix and the excerpts behind a cell."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from backend.api.auth import ProjectMember
from backend.api.deps import SessionDep
from backend.core.ids import stored
from backend.triangulation import service
from backend.triangulation.scope import MAX_ID, ScopeDep

router = APIRouter(prefix="/api/projects/{project_id}/triangulation", tags=["analysis"])


@router.get("")
async def triangulation_matrix(
    member: ProjectMember,
    session: SessionDep,
    scope: ScopeDep,
    rows: service.RowsKind = "theory",
    columns: service.Columns = "source_type",
) -> JSONResponse:
    """Rows: theories, CMOCs or codes; columns: source types (or organisations, or
    document types). Each cell counts distinct sources and excerpts, per stance."""
    built = await service.build_matrix(session, stored(member.project.id), rows, columns, scope)
    return JSONResponse(built)  # plain JSON: FastAPI's generic encoder is slow on 1,000 rows


@router.get("/excerpts")
async def triangulation_excerpts(
    member: ProjectMember,
    session: SessionDep,
    scope: ScopeDep,
    row_id: Annotated[int, Query(ge=1, le=MAX_ID)],
    rows: service.RowsKind = "theory",
    columns: service.Columns = "source_type",
    column: Annotated[str | None, Query(max_length=300)] = None,
    stance: Literal["supports", "refutes", "refines"] | None = None,
) -> JSONResponse:
    """Every excerpt of one cell (or of the whole row without `column`), cited."""
    found = await service.cell_excerpts(
        session, stored(member.project.id), rows, row_id, columns, column, stance, scope
    )
    return JSONResponse(jsonable_encoder(found))
