"""The web app's static build at /, next to the API at /api."""

from __future__ import annotations

import mimetypes
import stat
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope


def mount_web(app: FastAPI, dist: Path) -> None:
    if (dist / "index.html").is_file():
        app.mount("/", _SinglePageApp(directory=dist), name="web")
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

    async def get_response(self, path: str, scope: Scope) -> Response:
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

    async def _gzipped(self, path: str, scope: Scope) -> Response | None:
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
