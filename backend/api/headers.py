"""Security headers on every response, in one place (an ASGI middleware, so the web
app's files, the API, its errors and the early refusals of other middleware all get
them), and cookies marked `Secure` whenever the request came over HTTPS.

HTTPS is what the request's scheme says after `TRUSTED_PROXIES` handling (a TLS proxy's
X-Forwarded-Proto), or `SECURE_COOKIES=true` for a deployment that knows it is behind
TLS without telling the app per request.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The react-admin app and the API docs use only their own files. Styles may be inline:
# MUI (emotion) writes <style> elements at run time. Images may be data: URIs (the TOTP
# QR code, Swagger UI's icons).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
ALWAYS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers without CSP 2
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # URLs name projects and documents
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
)
# A year; not includeSubDomains: other services may share the organisation's domain.
HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, secure_cookies: bool = False) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        secure = https or self.secure_cookies

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_headers(list(message.get("headers", [])), https, secure)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _with_headers(
    headers: list[tuple[bytes, bytes]], https: bool, secure: bool
) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in headers}
    extra = [h for h in (*ALWAYS, *((HSTS,) if https else ())) if h[0] not in present]
    if secure:
        headers = [(n, _secure_cookie(v) if n.lower() == b"set-cookie" else v) for n, v in headers]
    return headers + extra


def _secure_cookie(value: bytes) -> bytes:
    attributes = {part.strip().lower() for part in value.split(b";")[1:]}
    return value if b"secure" in attributes else value + b"; Secure"
