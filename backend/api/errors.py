"""Maps domain errors to HTTP answers with a message, never a bare 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from backend.errors import ServiceError
from ingest.errors import IngestError
from search.errors import EngineUnavailable, QuerySyntaxError, SearchError

log = logging.getLogger(__name__)


def http_error(exc: ServiceError) -> HTTPException:
    """A service's refusal as the HTTP answer it names (429 says when to retry)."""
    retry_after = exc.retry_after or 900
    headers = {"Retry-After": str(retry_after)} if exc.status == 429 else None
    return HTTPException(exc.status, exc.message, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(QuerySyntaxError)
    async def _syntax(_: Request, exc: QuerySyntaxError) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.message, "position": exc.position, "reason": exc.reason}, 400
        )

    @app.exception_handler(EngineUnavailable)
    async def _unavailable(_: Request, exc: EngineUnavailable) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, 503, headers={"Retry-After": "10"})

    @app.exception_handler(SearchError)
    async def _search(_: Request, exc: SearchError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, 400)

    @app.exception_handler(IngestError)
    async def _ingest(_: Request, exc: IngestError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, 400)
