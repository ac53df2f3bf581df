"""/api/search: full-text search over the current versions' passages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response

from backend.api.auth import ProjectMember
from backend.api.deps import SearchDep, SessionDep, SettingsDep
from backend.api.rendered import rendered
from backend.embedding import OFF
from backend.searching.filters import FiltersDep
from backend.searching.models import SearchResponse
from backend.searching.modes import ModeChoice, resolve
from backend.searching.service import SearchInput, run_search
from search.query import MAX_QUERY_CHARS

router = APIRouter(prefix="/api/projects/{project_id}", tags=["search"])
MAX_DEPTH = 10_000  # deeper pages go through `cursor`, like Elasticsearch's search_after


@router.get("/search", response_model=SearchResponse)
async def search(
    member: ProjectMember,
    session: SessionDep,
    settings: SettingsDep,
    engine: SearchDep,
    filters: FiltersDep,
    # The parser's own limit, so the schema promises no query it would refuse.
    q: Annotated[
        str,
        Query(description="query; see the README for the syntax", max_length=MAX_QUERY_CHARS),
    ],
    offset: Annotated[int, Query(ge=0, le=MAX_DEPTH)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    facets: bool = True,
    full_text: Annotated[
        bool,
        Query(
            description="each hit's whole passage text in `passage.text` (else null: the "
            "highlights are its snippets)"
        ),
    ] = False,
    mode: Annotated[
        ModeChoice,
        Query(
            description="lexical (words), semantic (meaning), hybrid (both, fused) or auto "
            "(hybrid, or lexical when semantic search is off, a cursor is given or the query "
            "uses quotes or operators); the response's `mode` says which ran"
        ),
    ] = ModeChoice.lexical,
) -> Response:
    if offset + limit > MAX_DEPTH:
        raise HTTPException(
            400,
            f"offset + limit may not pass {MAX_DEPTH}; use 'cursor' "
            "from the previous page to go deeper",
        )
    given = SearchInput(
        q=q,
        filters=filters,
        offset=offset,
        limit=limit,
        cursor=cursor,
        facets=facets,
        full_text=full_text,
        mode=resolve(mode, settings.embedding_model != OFF, cursor, q),
    )
    return rendered(await run_search(session, engine, member.viewer, given, settings))
