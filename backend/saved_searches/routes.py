"""/api/projects/{id}/saved-searches: named queries with filters, shared by the project."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from backend.api.auth import ProjectCoder, ProjectMember
from backend.api.deps import Id, SessionDep
from backend.api.listing import ListParamsDep, paginate
from backend.saved_searches.models import SavedSearch, SavedSearchCreate, SavedSearchPublic

router = APIRouter(prefix="/api/projects/{project_id}/saved-searches", tags=["search"])
SORTABLE = {"id", "name", "created_at"}


@router.get("", response_model=list[SavedSearchPublic])
async def list_saved(
    member: ProjectMember, session: SessionDep, response: Response, params: ListParamsDep
):
    if set(params.filters) - {"q"}:
        raise HTTPException(400, "saved searches filter by 'q' only")
    stmt = select(SavedSearch).where(SavedSearch.project_id == member.project.id)
    if params.filters.get("q"):
        stmt = stmt.where(SavedSearch.name.ilike(f"%{params.filters['q']}%"))
    return await paginate(session, stmt, SavedSearch, params, SORTABLE, response, "saved-searches")


@router.post("", response_model=SavedSearchPublic, status_code=201)
async def create_saved(body: SavedSearchCreate, member: ProjectCoder, session: SessionDep):
    if len(str(body.filters)) > 10_000:
        raise HTTPException(422, "the saved filters are too large")
    saved = SavedSearch(
        project_id=member.project.id, created_by=member.user.id, **body.model_dump()
    )
    session.add(saved)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise HTTPException(409, f"a saved search named '{body.name}' already exists") from exc
    return saved


@router.delete("/{saved_id}", status_code=204)
async def delete_saved(saved_id: Id, member: ProjectCoder, session: SessionDep):
    saved = await session.get(SavedSearch, saved_id)
    if saved is None or saved.project_id != member.project.id:
        raise HTTPException(404, f"saved search {saved_id} not found")
    await session.delete(saved)
    await session.commit()
