"""/api/health: is the database there, and can the search engine answer?"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import literal
from sqlmodel import select

from backend.api.deps import RuntimeDep, SearchDep
from backend.indexing.service import pending
from search.errors import SearchError

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health")
async def health(rt: RuntimeDep, engine: SearchDep) -> JSONResponse:
    body: dict = {
        "status": "ok",
        "database": "ok",
        "search": {"engine": engine.name, "status": "ok"},
    }
    async with rt.sessions() as session:
        await session.exec(select(literal(1)))  # SELECT 1: the database answers
        body["search"]["pending_index_jobs"] = await pending(session)
    try:
        body["search"]["passages"] = await engine.count()
    except SearchError as exc:
        body["status"] = "degraded"
        body["search"].update(status="unavailable", detail=exc.message)
    return JSONResponse(body, 200 if body["status"] == "ok" else 503)
