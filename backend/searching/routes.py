"""/api/search: full-text search over the current versions' passages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import Field

from backend.api.auth import ProjectMember
from backend.api.deps import SearchDep, SessionDep
from backend.codes.service import descendants
from backend.documents.models import DocumentType, SourceType
from backend.searching.models import SearchResponse
from backend.searching.service import SearchInput, run_search
from search.base import Filters

router = APIRouter(prefix="/api/projects/{project_id}", tags=["search"])
MAX_DEPTH = 10_000  # deeper pages go through `cursor`, like Elasticsearch's search_after
DbId = Annotated[int, Field(ge=1, le=2**31 - 1)]


async def _with_subcodes(session, project_id: int, code_ids: list[int]) -> list[int]:
    found: set[int] = set()
    for code_id in code_ids:
        found.update(await descendants(session, project_id, code_id))
    if code_ids and not found:
        return [0]  # unknown codes match nothing, rather than everything
    return sorted(found)


@router.get("/search", response_model=SearchResponse)
async def search(
    member: ProjectMember,
    session: SessionDep,
    engine: SearchDep,
    q: Annotated[str, Query(description="query; see the README for the syntax", max_length=2000)],
    source_type: Annotated[list[SourceType] | None, Query()] = None,
    document_type: Annotated[list[DocumentType] | None, Query()] = None,
    organisation: Annotated[list[str] | None, Query()] = None,
    document_id: Annotated[list[DbId] | None, Query()] = None,
    code_id: Annotated[
        list[DbId] | None, Query(description="passages coded with any of these or a sub-code")
    ] = None,
    coder_id: Annotated[list[DbId] | None, Query(description="annotated by any of these")] = None,
    annotated: Annotated[
        bool | None, Query(description="with (true) or without annotations")
    ] = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    offset: Annotated[int, Query(ge=0, le=MAX_DEPTH)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    facets: bool = True,
):
    if offset + limit > MAX_DEPTH:
        raise HTTPException(
            400,
            f"offset + limit may not pass {MAX_DEPTH}; use 'cursor' "
            "from the previous page to go deeper",
        )
    if date_from and date_to and date_from > date_to:
        raise HTTPException(400, "date_from is after date_to")
    filters = Filters(
        project_ids=(member.project.id,),
        source_types=tuple(s.value for s in source_type or ()),
        document_types=tuple(d.value for d in document_type or ()),
        organisations=tuple(organisation or ()),
        document_ids=tuple(document_id or ()),
        date_from=date_from,
        date_to=date_to,
        code_ids=tuple(await _with_subcodes(session, member.project.id, code_id or [])),
        coder_ids=tuple(coder_id or ()),
        annotated=annotated,
    )
    given = SearchInput(
        q=q, filters=filters, offset=offset, limit=limit, cursor=cursor, facets=facets
    )
    return await run_search(session, engine, given)
