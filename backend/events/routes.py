"""GET /api/projects/{id}/events: server-sent events of everything that changes.

Reconnecting clients send `Last-Event-ID` (browsers do it themselves) or
`?after=` and get every event since; a new client starts at the newest event.
The stream polls the event table, so events written by any process (API,
worker) reach every open stream.

Access is not checked once and trusted for hours: every few seconds, and before
each batch of events is delivered, the stream asks again whether the credential
still holds (not signed out, revoked or expired, account active) and whether the
user is still a member; when either ends, it says so and closes. Each event
passes the visibility rule (backend/visibility.py) as it stands at that moment,
so a blind round opened or closed mid-stream takes effect at once.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.api.auth import CallerDep, Credential, ProjectMember, membership, still_valid
from backend.api.deps import RuntimeDep, SessionDep
from backend.core.ids import MAX_ID, stored
from backend.core.runtime import Runtime
from backend.events.models import Event
from backend.events.service import events_after, last_event_id
from backend.visibility import Viewer

router = APIRouter(prefix="/api/projects/{project_id}", tags=["events"])
POLL_SECONDS = 0.5
HEARTBEAT_SECONDS = 15
RECHECK_SECONDS = 3  # at most this long between access checks, even when quiet


@dataclass
class Listener:
    """Who holds the stream open, and what they could see at the last check."""

    project_id: int
    credential: Credential
    viewer: Viewer
    checked_at: float

    async def recheck(self, session: AsyncSession) -> str | None:
        """None while access holds (the viewer refreshed), else why it ended."""
        user = await still_valid(session, self.credential)
        if user is None:
            return "signed out, or the credential was revoked or expired"
        member = await membership(session, self.project_id, user)
        if member is None:
            return "no longer a member of this project"
        self.viewer, self.checked_at = member.viewer, time.monotonic()
        return None


@router.get("/events")
async def stream(
    request: Request,
    member: ProjectMember,
    who: CallerDep,
    rt: RuntimeDep,
    session: SessionDep,
    after: int | None = Query(default=None, ge=0, le=MAX_ID),
    last_event_id_header: str | None = Header(default=None, alias="Last-Event-ID"),
) -> StreamingResponse:
    project_id = member.project_id
    # The request's session would otherwise hold a pool connection for the life of
    # the stream; the stream opens short sessions of its own.
    await session.close()
    start = after
    if last_event_id_header and last_event_id_header.isdigit():
        start = int(last_event_id_header)
    if start is None:
        async with rt.sessions() as session:
            start = await last_event_id(session, project_id)
    listener = Listener(project_id, who.credential, member.viewer, time.monotonic())
    body = _events(request, rt, listener, start)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(body, media_type="text/event-stream", headers=headers)


async def _events(
    request: Request, rt: Runtime, listener: Listener, cursor: int
) -> AsyncIterator[str]:
    yield "retry: 2000\n\n"
    quiet_since = time.monotonic()
    while not await request.is_disconnected():
        async with rt.sessions() as session:
            batch = await events_after(session, listener.project_id, cursor)
            due = time.monotonic() - listener.checked_at >= RECHECK_SECONDS
            ended = await listener.recheck(session) if batch or due else None
        if ended is not None:
            yield f"event: access.ended\ndata: {json.dumps({'reason': ended})}\n\n"
            return
        for event in batch:
            cursor = stored(event.id)
            if listener.viewer.sees_event(event.kind, event.user_id, event.payload):
                yield _frame(event)
        if batch:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > HEARTBEAT_SECONDS:
            quiet_since = time.monotonic()
            yield ": keep-alive\n\n"
        await anyio.sleep(POLL_SECONDS)


def _frame(event: Event) -> str:
    data = {
        "kind": event.kind,
        "id": event.entity_id,
        "user_id": event.user_id,
        "at": event.at.isoformat(),
        **event.payload,
    }
    return f"id: {event.id}\nevent: {event.kind}\ndata: {json.dumps(data)}\n\n"
