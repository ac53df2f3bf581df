"""Optimistic concurrency at the HTTP edge: the version a client read travels in
`If-Match: "<version>"` (or the body's `version`) and comes back in `ETag`."""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from sqlmodel import SQLModel


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def expected_version(if_match: str | None, body_version: int | None) -> int | None:
    if if_match:
        raw = if_match.strip().removeprefix("W/").strip('"')
        if not raw.isdigit() or len(raw) > 9:
            raise HTTPException(400, 'If-Match must be the version in quotes, e.g. "3"')
        return int(raw)
    return body_version


def required_version(if_match: str | None, body_version: int | None, what: str) -> int:
    expected = expected_version(if_match, body_version)
    if expected is None:
        hint = 'If-Match: "<version>"'
        raise HTTPException(428, f"send the version of the {what} you edited: {hint}")
    return expected


def conflict(what: str, current: SQLModel, version: int) -> JSONResponse:
    """409 with the winner's state, so the client can show theirs next to its own."""
    return JSONResponse(
        {
            "detail": f"someone else changed this {what}; here is its current state",
            "current": current.model_dump(mode="json"),
        },
        409,
        headers=etag(version),
    )
