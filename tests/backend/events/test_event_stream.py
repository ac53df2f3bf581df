"""GET /api/projects/{id}/events over real HTTP (uvicorn): live annotation and code
events, resuming with Last-Event-ID or ?after=, who may listen, and that open
streams neither lose events nor starve the rest of the API."""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack
from dataclasses import dataclass
from types import SimpleNamespace

import httpx
import pytest
from argon2 import PasswordHasher

from backend.core import security
from backend.events.service import publish
from backend.ingest_jobs.worker import run_job
from tests.backend.test_speakers_api import TRANSCRIPT
from tests.conftest import add_member, login, make_user
from tests.live_server import LiveServer

TIMEOUT = 10  # seconds any single wait may take before the test fails
QUIET = 1.5  # > 2 polls of the stream (0.5 s): long enough for anything pending to arrive
TEXT = b"The quick brown fox jumps over the lazy dog. " * 8


@dataclass
class Sse:
    id: int
    kind: str
    data: dict


class EventStream:
    """An open event stream. A background task parses it into a queue, so waiting
    for an event can time out without breaking the connection."""

    def __init__(self, client: httpx.AsyncClient, url: str, **kwargs) -> None:
        # No read timeout: a quiet stream sends nothing for 15 s (then a keep-alive).
        # Every wait below has its own limit instead.
        kwargs.setdefault("timeout", httpx.Timeout(TIMEOUT, read=None))
        self._cm = client.stream("GET", url, **kwargs)
        self.response: httpx.Response | None = None
        self.events: asyncio.Queue[Sse] = asyncio.Queue()
        self.seen: list[Sse] = []
        self._ready = asyncio.Event()
        self._reader: asyncio.Task | None = None

    async def __aenter__(self) -> EventStream:
        self.response = await asyncio.wait_for(self._cm.__aenter__(), TIMEOUT)
        if self.response.status_code == 200:
            self._reader = asyncio.create_task(self._read())
            # The server fixes the stream's starting point before it sends anything.
            await asyncio.wait_for(self._ready.wait(), TIMEOUT)
        return self

    async def __aexit__(self, *exc) -> None:
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        await asyncio.wait_for(self._cm.__aexit__(None, None, None), TIMEOUT)

    async def _read(self) -> None:
        fields: dict[str, str] = {}
        async for line in self.response.aiter_lines():
            if line.startswith(":"):  # a comment: keep-alive
                continue
            if line:
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "retry":
                    self._ready.set()
                elif name == "data" and "data" in fields:
                    fields["data"] += "\n" + value
                else:
                    fields[name] = value
                continue
            if "data" in fields:
                event = Sse(int(fields.get("id", 0)), fields.get("event", "message"), {})
                event.data = json.loads(fields["data"])
                self.seen.append(event)
                self.events.put_nowait(event)
            fields = {}

    async def next(self) -> Sse:
        return await asyncio.wait_for(self.events.get(), TIMEOUT)

    async def take(self, n: int) -> list[Sse]:
        return [await self.next() for _ in range(n)]

    async def quiet(self, seconds: float = QUIET) -> list[Sse]:
        """Whatever arrives within `seconds` (the test usually expects nothing)."""
        await asyncio.sleep(seconds)
        out = []
        while not self.events.empty():
            out.append(self.events.get_nowait())
        return out


async def _upload_text(http: httpx.AsyncClient, srv: LiveServer, base: str) -> int:
    files = [("files", ("note.txt", TEXT, "text/plain"))]
    r = await http.post(f"{base}/ingest", files=files)
    assert r.status_code == 202, r.text
    (job,) = r.json()
    done = await run_job(srv.runtime, job["id"])
    assert done is not None and done.state == "done", done
    return done.document_id


@pytest.fixture
async def world(settings, monkeypatch):
    """A live server; an owner (project admin) with one small document, a coder
    member, an outsider, and an anonymous client."""
    monkeypatch.setattr(
        security, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    async with AsyncExitStack() as stack:
        srv = await stack.enter_async_context(LiveServer(settings))
        rt = srv.runtime
        owner_id = await make_user(rt, "owner@example.org", admin=True)
        coder_id = await make_user(rt, "coder@example.org")
        await make_user(rt, "outsider@example.org")
        owner, coder, outsider, anonymous = [
            await stack.enter_async_context(srv.client()) for _ in range(4)
        ]
        await login(owner, "owner@example.org")
        await login(coder, "coder@example.org")
        await login(outsider, "outsider@example.org")
        r = await owner.post("/api/projects", json={"name": "Study"})
        assert r.status_code == 201, r.text
        pid = r.json()["id"]
        await add_member(rt, pid, coder_id, "coder")
        base = f"/api/projects/{pid}"
        doc_id = await _upload_text(owner, srv, base)
        yield SimpleNamespace(
            srv=srv,
            owner=owner,
            coder=coder,
            outsider=outsider,
            anonymous=anonymous,
            owner_id=owner_id,
            coder_id=coder_id,
            pid=pid,
            base=base,
            events=f"{base}/events",
            doc_id=doc_id,
        )


async def _create(w, start=4, end=9, memo=None) -> dict:
    r = await w.owner.post(
        f"{w.base}/annotations",
        json={"document_id": w.doc_id, "start": start, "end": end, "memo": memo},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def _edit(w, a: dict, memo: str) -> dict:
    r = await w.owner.patch(
        f"{w.base}/annotations/{a['id']}",
        json={"memo": memo},
        headers={"If-Match": f'"{a["version"]}"'},
    )
    assert r.status_code == 200, r.text
    return r.json()


async def test_members_see_annotation_changes_live_and_in_order(world):
    w = world
    async with EventStream(w.coder, w.events) as stream:
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        assert stream.response.headers["cache-control"] == "no-cache"
        assert await stream.quiet() == []  # the document's ingest is old news

        a = await _create(w, memo="first look")
        created = await stream.next()
        assert created.kind == "annotation.create"
        assert created.id > 0
        assert created.data["id"] == a["id"]
        assert created.data["document_id"] == w.doc_id
        assert created.data["version"] == 1
        assert created.data["user_id"] == w.owner_id

        a = await _edit(w, a, "second look")
        r = await w.owner.delete(
            f"{w.base}/annotations/{a['id']}", headers={"If-Match": f'"{a["version"]}"'}
        )
        assert r.status_code == 204, r.text
        updated, deleted = await stream.take(2)
        assert [updated.kind, deleted.kind] == ["annotation.update", "annotation.delete"]
        assert [updated.data["version"], deleted.data["version"]] == [2, 3]
        assert {updated.data["id"], deleted.data["id"]} == {a["id"]}
        assert created.id < updated.id < deleted.id
        assert await stream.quiet() == []


async def test_reconnecting_with_last_event_id_gets_exactly_the_missed_events(world):
    w = world
    async with EventStream(w.coder, w.events) as stream:
        a = await _create(w)
        last = await stream.next()
        assert last.kind == "annotation.create"

    # Offline: two changes here, and one in another project that must not leak in.
    a = await _edit(w, a, "while you were away")
    a = await _edit(w, a, "and again")
    other = (await w.owner.post("/api/projects", json={"name": "Other"})).json()
    r = await w.owner.post(
        f"/api/projects/{other['id']}/codes", json={"name": "Elsewhere", "kind": "context"}
    )
    assert r.status_code == 201, r.text

    resume = {"Last-Event-ID": str(last.id)}
    async with EventStream(w.coder, w.events, headers=resume) as stream:
        missed = await stream.take(2)
        assert [e.kind for e in missed] == ["annotation.update", "annotation.update"]
        assert [e.data["version"] for e in missed] == [2, 3]
        assert last.id < missed[0].id < missed[1].id
        assert await stream.quiet() == []  # no duplicates, nothing from elsewhere
        # ...and the resumed stream is live.
        a = await _edit(w, a, "back online")
        (live,) = await stream.take(1)
        assert live.kind == "annotation.update" and live.data["version"] == 4

    # ?after= does the same for clients that cannot set the header.
    async with EventStream(w.coder, w.events, params={"after": last.id}) as stream:
        replay = await stream.take(3)
        assert [e.id for e in replay] == [missed[0].id, missed[1].id, live.id]
        assert await stream.quiet() == []

    # A new client (no Last-Event-ID) starts at the newest event: nothing old.
    async with EventStream(w.coder, w.events) as stream:
        assert await stream.quiet() == []
        await _edit(w, a, "fresh")
        (fresh,) = await stream.take(1)
        assert fresh.id > live.id and fresh.data["version"] == 5


async def test_code_events_reach_members(world):
    w = world
    async with EventStream(w.coder, w.events) as stream:
        r = await w.owner.post(f"{w.base}/codes", json={"name": "Trust", "kind": "mechanism"})
        assert r.status_code == 201, r.text
        code = r.json()
        created = await stream.next()
        assert created.kind == "code.created"
        assert created.data["id"] == code["id"] and created.data["name"] == "Trust"
        assert created.data["user_id"] == w.owner_id

        r = await w.owner.patch(f"{w.base}/codes/{code['id']}", json={"name": "Trust in staff"})
        assert r.status_code == 200, r.text
        renamed = await stream.next()
        assert renamed.kind == "code.updated" and renamed.id > created.id
        assert renamed.data["name"] == "Trust in staff"
        assert await stream.quiet() == []


async def test_document_metadata_and_speaker_role_edits_reach_members(world):
    w = world
    files = [("files", ("interview-4.txt", TRANSCRIPT.encode(), "text/plain"))]
    r = await w.owner.post(f"{w.base}/ingest", files=files)
    assert r.status_code == 202, r.text
    done = await run_job(w.srv.runtime, r.json()[0]["id"])
    assert done is not None and done.state == "done", done
    async with EventStream(w.coder, w.events) as stream:
        assert await stream.quiet() == []  # the ingest is old news
        r = await w.owner.patch(f"{w.base}/documents/{w.doc_id}", json={"organisation": "ICB"})
        assert r.status_code == 200, r.text
        edited = await stream.next()
        assert (edited.kind, edited.data["id"]) == ("document.updated", w.doc_id)
        assert edited.data["action"] == "update" and edited.data["fields"] == ["organisation"]

        role = {"speaker": "A", "role": "interviewer"}
        r = await w.owner.put(f"{w.base}/documents/{done.document_id}/speakers", json=role)
        assert r.status_code == 200, r.text
        set_role = await stream.next()
        assert (set_role.kind, set_role.data["id"]) == ("document.updated", done.document_id)
        assert set_role.data["action"] == "speaker_role" and set_role.data["speaker"] == "A"
        assert set_role.id > edited.id and await stream.quiet() == []


async def test_only_members_may_listen(world):
    w = world
    async with EventStream(w.outsider, w.events) as stream:
        assert stream.response.status_code == 404
    async with EventStream(w.anonymous, w.events) as stream:
        assert stream.response.status_code == 401
    async with EventStream(w.coder, "/api/projects/999999/events") as stream:
        assert stream.response.status_code == 404
    async with EventStream(w.coder, w.events, params={"after": -1}) as stream:
        assert stream.response.status_code == 422

    # Scripts listen with an API token (no cookie).
    r = await w.coder.post("/api/auth/tokens", json={"name": "listener"})
    assert r.status_code == 201, r.text
    bearer = {"Authorization": f"Bearer {r.json()['token']}"}
    async with (
        w.srv.client(headers=bearer) as script,
        EventStream(script, w.events) as stream,
    ):
        assert stream.response.status_code == 200
        a = await _create(w)
        event = await stream.next()
        assert event.kind == "annotation.create" and event.data["id"] == a["id"]


async def test_an_event_committed_after_a_newer_one_still_arrives(world):
    """Two writers at once (here: a slow transaction from another process, such as
    the ingest worker, and an API request). The slow one takes the smaller event
    id but commits last; the stream must still deliver it, not skip past it."""
    w = world
    rt = w.srv.runtime
    async with EventStream(w.coder, w.events) as stream:
        async with rt.sessions() as slow:
            publish(slow, w.pid, "document.version", None, None, title="slow writer")
            await slow.flush()  # the event row exists, uncommitted

            # Meanwhile the API commits a newer event. (On SQLite it has to wait for
            # the slow writer's lock; on PostgreSQL it commits at once.)
            create = asyncio.create_task(
                w.owner.post(
                    f"{w.base}/codes", json={"name": "Quick", "kind": "outcome"}, timeout=30
                )
            )
            try:
                first = await asyncio.wait_for(stream.events.get(), 3)
                assert first.kind == "code.created"  # the stream moved past the slow id
                await stream.quiet()  # a few more polls
            except TimeoutError:
                pass  # SQLite: the API request is queued behind the slow writer
            await slow.commit()
        r = await asyncio.wait_for(create, TIMEOUT)
        assert r.status_code == 201, r.text

        try:
            while {e.kind for e in stream.seen} != {"code.created", "document.version"}:
                await asyncio.wait_for(stream.events.get(), 3)
        except TimeoutError:
            pass
        kinds = sorted(e.kind for e in stream.seen)
        assert kinds == ["code.created", "document.version"], (
            "an event that committed after a newer one was never delivered"
        )


async def test_open_streams_do_not_starve_the_api(world):
    """Each open stream must not hold a database connection for its whole life:
    a few dozen browser tabs would otherwise use up the connection pool and every
    other request would wait for one."""
    w = world
    pool = w.srv.runtime.db.pool
    tabs = pool.size() + pool._max_overflow + 1  # one more stream than the pool has
    async with AsyncExitStack() as stack:
        many = await stack.enter_async_context(
            w.srv.client(cookies=w.coder.cookies, limits=httpx.Limits(max_connections=tabs + 5))
        )
        streams = []
        for _ in range(tabs):
            opened = EventStream(many, w.events)
            try:
                streams.append(await stack.enter_async_context(opened))
            except TimeoutError:
                pytest.fail(f"stream {len(streams) + 1} of {tabs} did not open in {TIMEOUT} s")
        try:
            r = await asyncio.wait_for(w.owner.get(f"{w.base}/annotations"), TIMEOUT)
        except (TimeoutError, httpx.TimeoutException):
            pytest.fail(f"with {tabs} streams open the API did not answer in {TIMEOUT} s")
        assert r.status_code == 200, r.text
        a = await _create(w)
        for stream in (streams[0], streams[-1]):
            event = await stream.next()
            assert event.kind == "annotation.create" and event.data["id"] == a["id"]


async def _ended(stream: EventStream) -> str:
    """The stream's last word before it closes: why access ended."""
    event = await stream.next()
    while event.kind != "access.ended":
        event = await stream.next()
    return event.data["reason"]


async def test_streams_close_when_access_ends(world):
    """Revoked token, signed-out session, removed member: each open stream notices
    within a few seconds, and nothing written after the change reaches it."""
    w = world
    r = await w.coder.post("/api/auth/tokens", json={"name": "listener"})
    token = r.json()
    bearer = {"Authorization": f"Bearer {token['token']}"}
    async with (
        w.srv.client(headers=bearer) as script,
        EventStream(script, w.events) as by_token,
        EventStream(w.coder, w.events) as by_cookie,
    ):
        r = await w.coder.delete(f"/api/auth/tokens/{token['info']['id']}")
        assert r.status_code == 204, r.text
        assert "revoked" in await _ended(by_token)
        r = await w.coder.post("/api/auth/logout")
        assert r.status_code == 204, r.text
        assert "signed out" in await _ended(by_cookie)

    await login(w.coder, "coder@example.org")
    async with EventStream(w.coder, w.events) as stream:
        members = (await w.owner.get(f"{w.base}/members")).json()
        (mine,) = [m for m in members if m["user_id"] == w.coder_id]
        r = await w.owner.delete(f"{w.base}/members/{mine['id']}")
        assert r.status_code == 204, r.text
        await _create(w, memo="written after the coder left")  # in the very next batch
        assert "member" in await _ended(stream)
        assert [e.kind for e in stream.seen] == ["access.ended"]


async def test_blind_round_hides_other_coders_events(world):
    """The coder's stream, open before the round starts, applies the round at once."""
    w = world
    async with EventStream(w.coder, w.events) as stream:
        body = {"name": "R", "document_ids": [w.doc_id], "coder_ids": [w.coder_id, w.owner_id]}
        r = await w.owner.post(f"{w.base}/rounds", json=body)
        assert r.status_code == 201, r.text
        round_id = r.json()["id"]
        await _create(w, memo="the owner codes blind too")
        r = await w.coder.post(
            f"{w.base}/annotations", json={"document_id": w.doc_id, "start": 10, "end": 15}
        )
        mine = r.json()
        opened, created = await stream.take(2)
        assert opened.kind == "round.opened"
        assert created.kind == "annotation.create" and created.data["id"] == mine["id"]
        assert await stream.quiet() == []  # the owner's annotation never arrived

        r = await w.owner.post(f"{w.base}/rounds/{round_id}/close")
        assert r.status_code == 200, r.text
        theirs = await _create(w, memo="after the round")
        closed, created = await stream.take(2)
        assert closed.kind == "round.closed"
        assert created.data["id"] == theirs["id"]
