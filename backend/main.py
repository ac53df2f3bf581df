"""The FastAPI app: routers under /api, the web app's static build at /."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from backend.accounts.admin_routes import router as users_router
from backend.accounts.routes import router as accounts_router
from backend.adjudication.routes import router as adjudication_router
from backend.agreement.routes import router as agreement_router
from backend.annotations.routes import router as annotations_router
from backend.api import errors, openapi
from backend.api.docs import router as docs_router
from backend.api.guards import MAX_JSON_BYTES, BodyLimit, GuardJson, LimitBody
from backend.api.headers import SecurityHeaders
from backend.api.health import router as health_router
from backend.cmocs.routes import router as cmocs_router
from backend.coders.routes import router as coders_router
from backend.codes.routes import MAX_IMPORT_BYTES as MAX_CODEBOOK_BYTES
from backend.codes.routes import router as codes_router
from backend.core.config import Settings, get_settings
from backend.core.runtime import Runtime
from backend.documents.routes import router as documents_router
from backend.events.routes import router as events_router
from backend.exports.routes import router as exports_router
from backend.indexing import service as indexing
from backend.ingest_jobs.routes import router as ingest_router
from backend.mfa.routes import router as mfa_router
from backend.projects.routes import router as projects_router
from backend.proposals.routes import router as proposals_router
from backend.refi.routes import router as refi_router
from backend.rounds.routes import router as rounds_router
from backend.saved_searches.routes import router as saved_searches_router
from backend.searching.routes import router as search_router
from backend.sso.routes import router as sso_router
from backend.theories.routes import MAX_IMPORT_BYTES as MAX_THEORY_FILE_BYTES
from backend.theories.routes import router as theories_router
from backend.triangulation.routes import router as triangulation_router
from backend.web import mount_web

log = logging.getLogger(__name__)
SYNC_SECONDS = 2.0


def create_app(settings: Settings | None = None, *, embedded_worker: bool = False) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = Runtime.start(settings)
        app.state.runtime = rt
        await indexing.prepare_index(rt.sessions, rt.search)
        # Plain tasks, not a task group: test clients enter and leave the lifespan
        # from different tasks, which a cancel scope does not allow.
        tasks = [asyncio.create_task(_keep_index_in_sync(rt))]
        if embedded_worker:
            from backend.ingest_jobs.worker import run_forever

            tasks.append(asyncio.create_task(run_forever(rt)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await rt.close()

    app = FastAPI(
        title="Evidence Workbench",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served from local files by backend/api/docs.py
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    errors.install(app)
    openapi.install(app)
    app.add_middleware(GuardJson)
    # JSON compresses ~5x: a long document's text is megabytes (event streams are left alone).
    # Level 5, not Starlette's 9: a page of search hits (28 KB) in 0.23 ms instead of 0.35,
    # 1.4 % larger.
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)
    # An oversized body is refused before anything else reads it.
    app.add_middleware(LimitBody, limits=_upload_limits(settings), default=_OTHER_BODIES)
    # Around everything: every answer, early refusals included, gets the headers.
    app.add_middleware(SecurityHeaders, secure_cookies=settings.secure_cookies)
    if settings.trusted_proxies:  # the real client and scheme, from configured proxies only
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    routers = (
        health_router,
        docs_router,
        accounts_router,
        users_router,
        mfa_router,
        sso_router,
        projects_router,
        documents_router,
        ingest_router,
        search_router,
        codes_router,
        annotations_router,
        events_router,
        agreement_router,
        theories_router,
        cmocs_router,
        triangulation_router,
        exports_router,
        proposals_router,
        saved_searches_router,
        refi_router,
        rounds_router,
        coders_router,
        adjudication_router,
    )
    for router in routers:
        app.include_router(router)
    mount_web(app, settings.web_dist)
    return app


# Multipart framing and form fields around the file; the routes check the file itself.
_FORM_SLACK = 2**20
_OTHER_BODIES = BodyLimit("", MAX_JSON_BYTES, "a request body may be at most 2 MB")


def _upload_limits(settings: Settings) -> list[BodyLimit]:
    mb = settings.max_upload_mb
    upload = BodyLimit(
        r"^/api/projects/[^/]+/(ingest|qdpx)$",
        mb * 2**20 + _FORM_SLACK,
        f"the upload is larger than the limit of {mb} MB (MAX_UPLOAD_MB) per request; "
        "send several files as several requests",
    )
    codebook = BodyLimit(
        r"^/api/projects/[^/]+/codes/import$",
        MAX_CODEBOOK_BYTES + _FORM_SLACK,
        "a codebook file may be at most 5 MB",
    )
    theories = BodyLimit(
        r"^/api/projects/[^/]+/theories/import$",
        MAX_THEORY_FILE_BYTES + _FORM_SLACK,
        "a theory file may be at most 2 MB",
    )
    return [upload, codebook, theories]


async def _keep_index_in_sync(rt: Runtime) -> None:
    while True:
        await indexing.drain_quietly(rt.sessions, rt.search)
        await anyio.sleep(SYNC_SECONDS)
