"""Request guards that no single route should have to remember.

NUL characters cannot be stored in PostgreSQL text and mean nothing in a
research tool, so a query string or JSON body containing one is refused with a
400 before any route runs (file uploads are binary and exempt; their form
fields are checked by the upload route).
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_JSON_BYTES = 2 * 2**20
_NUL_QUERY = (b"%00", b"\x00")
_NUL_JSON = (b"\\u0000", b"\x00")


class RejectNul:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if any(m in scope.get("query_string", b"") for m in _NUL_QUERY):
            await _refuse(send, 400, "text may not contain NUL characters")
            return
        if not _is_json(scope):
            await self.app(scope, receive, send)
            return
        body, too_big = await _read(receive)
        if too_big:
            await _refuse(send, 413, "the JSON body is larger than 2 MB")
            return
        if any(m in body for m in _NUL_JSON):
            await _refuse(send, 400, "text may not contain NUL characters")
            return
        await self.app(scope, _replay(body), send)


def _is_json(scope: Scope) -> bool:
    headers = dict(scope.get("headers", []))
    return b"json" in headers.get(b"content-type", b"")


async def _read(receive: Receive) -> tuple[bytes, bool]:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_JSON_BYTES:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks), False


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _refuse(send: Send, status: int, detail: str) -> None:
    payload = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
