"""/api/health: is the database there, and can the search engine answer?"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from backend.api.deps import RuntimeDep
from backend.indexing.service import pending
from search.errors import SearchError

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health")
async def health(rt: RuntimeDep) -> JSONResponse:
    body: dict = {
        "status": "ok",
        "database": "ok",
        "search": {"engine": rt.search.name, "status": "ok"},
    }
    async with rt.sessions() as session:
        await session.exec(text("SELECT 1"))
        body["search"]["pending_index_jobs"] = await pending(session)
    try:
        body["search"]["passages"] = await rt.search.count()
    except SearchError as exc:
        body["status"] = "degraded"
        body["search"].update(status="unavailable", detail=exc.message)
    return JSONResponse(body, 200 if body["status"] == "ok" else 503)
