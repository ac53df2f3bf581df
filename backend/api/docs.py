"""The interactive API docs (/api/docs: Swagger UI) from files the app serves itself
(the fastapi-offline package ships them): nothing from a CDN, so they work offline and
load no third-party script. No inline script either: the page starts Swagger UI from a
small file here, so the Content-Security-Policy stays `script-src 'self'`
(backend/api/headers.py). ReDoc is not offered: its sidebar always loads the vendor's
logo from the vendor's site."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

router = APIRouter(prefix="/api", include_in_schema=False)
OPENAPI_URL = "/api/openapi.json"
ASSETS = files("fastapi_offline") / "static"
SHIPPED = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon.png": "image/png",
}
# Swagger UI's "Try it out" sends the browser's session cookie; unsafe methods also need
# the CSRF token, which the ew_csrf cookie holds for this purpose.
SWAGGER_INIT = """
window.ui = SwaggerUIBundle({
  url: 'OPENAPI_URL',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  layout: 'BaseLayout',
  requestInterceptor: function (request) {
    var match = document.cookie.match(/(?:^|; )ew_csrf=([^;]*)/);
    if (match) request.headers['X-CSRF-Token'] = decodeURIComponent(match[1]);
    return request;
  },
});
""".replace("OPENAPI_URL", OPENAPI_URL)
OWN = {"swagger-init.js": SWAGGER_INIT}


def _page(title: str, body: str, styles: str = "") -> HTMLResponse:
    css = f'<link rel="stylesheet" href="/api/docs/assets/{styles}">' if styles else ""
    return HTMLResponse(
        f"<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title>{css}"
        f"<link rel='icon' href='/api/docs/assets/favicon.png'></head><body>{body}</body></html>"
    )


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return _page(
        "Evidence Workbench API",
        '<div id="swagger-ui"></div>'
        '<script src="/api/docs/assets/swagger-ui-bundle.js"></script>'
        '<script src="/api/docs/assets/swagger-init.js"></script>',
        styles="swagger-ui.css",
    )


@router.get("/docs/assets/{name}")
async def asset(name: str) -> Response:
    if name in OWN:
        return Response(OWN[name], media_type="text/javascript")
    if name not in SHIPPED:
        raise HTTPException(404, f"no docs asset named {name}")
    path = ASSETS / name
    return FileResponse(
        str(path), media_type=SHIPPED[name], headers={"Cache-Control": "public, max-age=86400"}
    )
