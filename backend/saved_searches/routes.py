"""/api/projects/{id}/saved-searches: named queries with filters, shared by the project."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import col, select

from backend.api.auth import ProjectCoder, ProjectMember
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.api.filters import Filter, Filters, ids, texts
from backend.api.listing import ListParamsDep, paginate
from backend.saved_searches import service
from backend.saved_searches.models import SavedSearch, SavedSearchCreate, SavedSearchPublic

router = APIRouter(prefix="/api/projects/{project_id}/saved-searches", tags=["search"])
SORTABLE = {"id", "name", "created_at"}
FILTERS = Filters(
    Filter("id", ids, "in", SavedSearch.id),
    Filter("q", texts, "contains", SavedSearch.name),
)


@router.get("", response_model=list[SavedSearchPublic])
async def list_saved(
    member: ProjectMember, session: SessionDep, response: Response, params: ListParamsDep
) -> list[SavedSearch]:
    stmt = select(SavedSearch).where(
        col(SavedSearch.project_id) == member.project_id, *await FILTERS.where(params.filters)
    )
    return await paginate(session, stmt, SavedSearch, params, SORTABLE, response, "saved-searches")


@router.post("", response_model=SavedSearchPublic, status_code=201)
async def create_saved(
    body: SavedSearchCreate, member: ProjectCoder, session: SessionDep
) -> SavedSearch:
    try:
        return await service.create(session, member.project_id, member.user_id, body)
    except service.SavedSearchError as exc:
        raise http_error(exc) from exc


@router.delete("/{saved_id}", status_code=204)
async def delete_saved(saved_id: Id, member: ProjectCoder, session: SessionDep) -> None:
    try:
        await service.delete(session, member.project_id, saved_id)
    except service.SavedSearchError as exc:
        raise http_error(exc) from exc
