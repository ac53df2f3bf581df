"""Request guards that no single route should have to remember.

Request bodies are limited per route (`LimitBody`): refused at once when
Content-Length is over the limit, before a byte is read, and cut off as soon as a
streamed (chunked) body passes it, so a refused upload never fills the disk.

JSON bodies (`GuardJson`): NUL characters cannot be stored in PostgreSQL text and
mean nothing in a research tool, so a query string or JSON body containing one is
refused with a 400 before any route runs (file uploads are binary and exempt; their
form fields are checked by the upload route). And every number in a JSON body must fit
the database's integer (|n| <= 2^31 - 1) and be finite: one bound for every field of
every request model, present and future, so no number can overflow a column (a 500)
whichever route it is sent to; a 422 shaped like FastAPI's own names where it is.
Fields with narrower meanings (versions >= 0, limits) still say so in their models.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_JSON_BYTES = 2 * 2**20
MAX_NUMBER = 2**31 - 1  # PostgreSQL's integer; no request field needs more
_NUL_QUERY = (b"%00", b"\x00")
_NUL_JSON = (b"\\u0000", b"\x00")


class GuardJson:
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
        errors = _numbers_out_of_range(body)
        if errors:
            await _refuse(send, 422, errors)
            return
        await self.app(scope, _replay(body, receive), send)


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


def _numbers_out_of_range(body: bytes) -> list[dict]:
    """FastAPI-style validation errors for each number out of range (none if the body
    is not JSON at all: FastAPI says so itself)."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return []
    errors: list[dict] = []
    stack: list[tuple[object, tuple]] = [(value, ("body",))]
    while stack and len(errors) < 20:
        item, loc = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, (*loc, k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, (*loc, i)) for i, v in enumerate(item))
        elif isinstance(item, int | float) and not isinstance(item, bool) and _too_big(item):
            errors.append(_out_of_range(item, loc))
    return errors


def _too_big(number: float) -> bool:
    return not math.isfinite(number) or abs(number) > MAX_NUMBER


def _out_of_range(number: float, loc: tuple) -> dict:
    return {
        "type": "number_out_of_range",
        "loc": list(loc),
        "msg": f"Input should be greater than or equal to {-MAX_NUMBER} and less than or "
        f"equal to {MAX_NUMBER}",
        "input": number if math.isfinite(number) else str(number),
    }


def _replay(body: bytes, receive_more: Receive) -> Receive:
    """The body read once, then the real channel: a streamed or file answer listens on it
    for the client leaving, and an invented disconnect would cut that answer short."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive_more()

    return receive


async def _refuse(send: Send, status: int, detail: str | list[dict]) -> None:
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


@dataclass(frozen=True)
class BodyLimit:
    path: str  # a regular expression matched against the request path
    max_bytes: int
    message: str  # the 413's detail: what the limit is and what to do


class BodyTooLarge(HTTPException):
    """Raised from `receive` inside the app; FastAPI renders it as any HTTPException, and
    `LimitBody` answers it itself when it escapes a middleware."""

    def __init__(self, message: str) -> None:
        super().__init__(413, message)


class LimitBody:
    """The first matching `BodyLimit` applies, else `default`."""

    def __init__(self, app: ASGIApp, limits: Sequence[BodyLimit], default: BodyLimit) -> None:
        self.app = app
        self._limits = [(re.compile(limit.path), limit) for limit in limits]
        self._default = default

    def _limit(self, path: str) -> BodyLimit:
        return next((lim for rx, lim in self._limits if rx.search(path)), self._default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit.max_bytes:
            # Unread body: the server closes the connection after this answer.
            await _refuse(send, 413, limit.message)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit.max_bytes:
                raise BodyTooLarge(limit.message)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _refuse(send, 413, exc.detail)


def _content_length(scope: Scope) -> int | None:
    raw = dict(scope.get("headers", [])).get(b"content-length")
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None
