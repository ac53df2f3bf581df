"""The FastAPI app: routers under /api, the web app's static build at /."""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import stat
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.accounts.routes import router as accounts_router
from backend.agreement.routes import router as agreement_router
from backend.annotations.routes import router as annotations_router
from backend.api import errors
from backend.api.guards import RejectNul
from backend.api.health import router as health_router
from backend.cmocs.routes import router as cmocs_router
from backend.codes.routes import router as codes_router
from backend.core.config import Settings, get_settings
from backend.core.runtime import Runtime
from backend.documents.routes import router as documents_router
from backend.events.routes import router as events_router
from backend.exports.routes import router as exports_router
from backend.indexing import service as indexing
from backend.ingest_jobs.routes import router as ingest_router
from backend.projects.routes import router as projects_router
from backend.proposals.routes import router as proposals_router
from backend.refi.routes import router as refi_router
from backend.saved_searches.routes import router as saved_searches_router
from backend.searching.routes import router as search_router
from backend.theories.routes import router as theories_router
from backend.triangulation.routes import router as triangulation_router

log = logging.getLogger(__name__)
WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
SYNC_SECONDS = 2.0


def create_app(settings: Settings | None = None, *, embedded_worker: bool = False) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        rt = Runtime.start(settings)
        app.state.runtime = rt
        await indexing.prepare_index(rt.sessions, rt.search)
        # Plain tasks, not a task group: test clients enter and leave the lifespan
        # from different tasks, which a cancel scope does not allow.
        tasks = [asyncio.create_task(_keep_index_in_sync(rt))]
        if embedded_worker:
            from ingest.worker import run_forever

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
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    errors.install(app)
    app.add_middleware(RejectNul)
    routers = (
        health_router,
        accounts_router,
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
    )
    for router in routers:
        app.include_router(router)
    _mount_web(app)
    return app


async def _keep_index_in_sync(rt: Runtime) -> None:
    while True:
        await indexing.drain_quietly(rt.sessions, rt.search)
        await anyio.sleep(SYNC_SECONDS)


def _mount_web(app: FastAPI) -> None:
    if (WEB_DIST / "index.html").is_file():
        app.mount("/", _SinglePageApp(directory=WEB_DIST), name="web")
        return

    @app.get("/", include_in_schema=False)
    async def placeholder() -> HTMLResponse:
        return HTMLResponse(
            "<!doctype html><title>Evidence Workbench</title><h1>Evidence Workbench</h1>"
            "<p>The web app is not built yet. The API is running: see "
            "<a href='/api/docs'>/api/docs</a>.</p>"
        )


class _SinglePageApp(StaticFiles):
    """web/dist with the single-page app's fallback: a path that is not a file (e.g.
    /read/12 opened from a bookmark) gets index.html and the app's router shows the
    screen; unknown /api and /assets paths keep their 404. Hashed assets are cached
    for good (and sent gzipped when the build left a .gz beside them); index.html is
    revalidated so a new build is picked up at once."""

    async def get_response(self, path: str, scope) -> Response:
        if path.startswith("assets/") and scope["method"] in ("GET", "HEAD"):
            gzipped = await self._gzipped(path, scope)
            if gzipped is not None:
                return gzipped
        try:
            response = await super().get_response(path, scope)
        except StarletteHTTPException as exc:
            if exc.status_code != 404 or path.split("/")[0] in ("api", "assets"):
                raise
            response = await super().get_response("index.html", scope)
            response.headers["Cache-Control"] = "no-cache"
            return response
        if path.startswith("assets/") and response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
        elif path in ("", ".", "index.html"):
            response.headers["Cache-Control"] = "no-cache"
        return response

    async def _gzipped(self, path: str, scope) -> Response | None:
        accepts = dict(scope.get("headers") or []).get(b"accept-encoding", b"")
        if b"gzip" not in accepts:
            return None
        full_path, stat_result = await anyio.to_thread.run_sync(self.lookup_path, path + ".gz")
        if stat_result is None or not stat.S_ISREG(stat_result.st_mode):
            return None
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        headers = {
            "Content-Encoding": "gzip",
            "Vary": "Accept-Encoding",
            "Cache-Control": IMMUTABLE,
        }
        return FileResponse(
            full_path, stat_result=stat_result, media_type=media_type, headers=headers
        )


IMMUTABLE = "public, max-age=31536000, immutable"
