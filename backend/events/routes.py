"""GET /api/projects/{id}/events: server-sent events of everything that changes.

Reconnecting clients send `Last-Event-ID` (browsers do it themselves) or
`?after=` and get every event since; a new client starts at the newest event.
The stream polls the event table, so events written by any process (API,
worker) reach every open stream.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import anyio
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from backend.api.auth import ProjectMember
from backend.api.deps import RuntimeDep, SessionDep
from backend.events.service import events_after, last_event_id

router = APIRouter(prefix="/api/projects/{project_id}", tags=["events"])
POLL_SECONDS = 0.5
HEARTBEAT_SECONDS = 15


@router.get("/events")
async def stream(
    request: Request,
    member: ProjectMember,
    rt: RuntimeDep,
    session: SessionDep,
    after: int | None = Query(default=None, ge=0),
    last_event_id_header: str | None = Header(default=None, alias="Last-Event-ID"),
):
    project_id = member.project.id
    # The request's session would otherwise hold a pool connection for the life of
    # the stream; the stream opens short sessions of its own.
    await session.close()
    start = after
    if last_event_id_header and last_event_id_header.isdigit():
        start = int(last_event_id_header)
    if start is None:
        async with rt.sessions() as session:
            start = await last_event_id(session, project_id)
    body = _events(request, rt, project_id, start)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(body, media_type="text/event-stream", headers=headers)


async def _events(request: Request, rt, project_id: int, cursor: int) -> AsyncIterator[str]:
    yield "retry: 2000\n\n"
    quiet_since = time.monotonic()
    while not await request.is_disconnected():
        async with rt.sessions() as session:
            batch = await events_after(session, project_id, cursor)
        for event in batch:
            cursor = event.id
            data = {
                "kind": event.kind,
                "id": event.entity_id,
                "user_id": event.user_id,
                "at": event.at.isoformat(),
                **event.payload,
            }
            yield f"id: {event.id}\nevent: {event.kind}\ndata: {json.dumps(data)}\n\n"
        if batch:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > HEARTBEAT_SECONDS:
            quiet_since = time.monotonic()
            yield ": keep-alive\n\n"
        await anyio.sleep(POLL_SECONDS)
