"""Many clients editing one annotation at the same moment, over real HTTP (uvicorn):
its author in twenty tabs and scripts (only the author may edit it: ownership),
optimistic concurrency must let exactly one edit of each version through, give
everyone else a 409 with the winner's state, and never lose or duplicate a change.
The database does the arbitration (a conditional UPDATE), so this matters most on
PostgreSQL, where requests really do overlap inside the database."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from types import SimpleNamespace

import httpx
import pytest
from argon2 import PasswordHasher
from sqlmodel import col, select

from backend.annotations import service
from backend.core import security
from backend.events.models import Event
from backend.ingest_jobs.worker import run_job
from backend.versioning import StaleEdit
from tests.conftest import add_member, login, make_user
from tests.live_server import LiveServer

CODERS = 20
ROUNDS = 5
TIMEOUT = 30  # one whole round (20 concurrent requests) may take this long at most
TEXT = b"Funding decisions are reviewed by a panel that meets every month. " * 6


async def _gather(*requests):
    return await asyncio.wait_for(asyncio.gather(*requests), TIMEOUT)


@pytest.fixture
async def team(settings, monkeypatch):
    """A live server, a project with one small document, and CODERS clients of one
    coder, each signed in on its own: even ones with a session cookie + CSRF header,
    odd ones with an API token."""
    # Cheap password hashing: 20 sign-ins at the real cost take ~10 s.
    monkeypatch.setattr(
        security, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    async with AsyncExitStack() as stack:
        srv = await stack.enter_async_context(LiveServer(settings))
        rt = srv.runtime
        owner = await stack.enter_async_context(srv.client())
        await make_user(rt, "owner@example.org", admin=True)
        await login(owner, "owner@example.org")
        pid = (await owner.post("/api/projects", json={"name": "Study"})).json()["id"]
        base = f"/api/projects/{pid}"

        r = await owner.post(f"{base}/ingest", files=[("files", ("a.txt", TEXT, "text/plain"))])
        assert r.status_code == 202, r.text
        job = await run_job(rt, r.json()[0]["id"])
        assert job.state == "done", job

        # One coder at CODERS clients (browser tabs, scripts): only an annotation's
        # author may edit it (backend/annotations/ownership.py), so the race is theirs.
        email = "coder@example.org"
        coder_id = await make_user(rt, email)
        await add_member(rt, pid, coder_id, "coder")
        coders, user_ids = [], [coder_id] * CODERS
        for i in range(CODERS):
            http = await stack.enter_async_context(srv.client(timeout=TIMEOUT))
            await login(http, email)
            if i % 2:
                r = await http.post("/api/auth/tokens", json={"name": f"script {i}"})
                assert r.status_code == 201, r.text
                headers = {"Authorization": f"Bearer {r.json()['token']}"}
                http = await stack.enter_async_context(srv.client(timeout=TIMEOUT, headers=headers))
            coders.append(http)

        yield SimpleNamespace(
            srv=srv, owner=owner, base=base, doc_id=job.document_id, coders=coders, ids=user_ids
        )


async def _annotation(team, memo="original") -> dict:
    r = await team.coders[0].post(
        f"{team.base}/annotations",
        json={"document_id": team.doc_id, "start": 0, "end": 17, "memo": memo},
    )
    assert r.status_code == 201, r.text
    return r.json()


def _no_server_errors(responses: list[httpx.Response]) -> None:
    broken = [(r.status_code, r.text[:300]) for r in responses if r.status_code >= 500]
    assert not broken, f"server errors: {broken}"


async def test_twenty_clients_edit_one_annotation_at_once(team, monkeypatch):
    # Count the losers that had read the very version they asked for: their edit got
    # as far as the conditional UPDATE, so the database really had to arbitrate.
    raced = 0
    update = service.update

    async def counting_update(session, annotation, user_id, data, expected):
        nonlocal raced
        was_current = annotation.version == expected
        try:
            return await update(session, annotation, user_id, data, expected)
        except StaleEdit:
            raced += was_current
            raise

    monkeypatch.setattr(service, "update", counting_update)
    a = await _annotation(team)
    url = f"{team.base}/annotations/{a['id']}"
    winners: list[tuple[int, str]] = []  # (user id, memo) of each round's winner

    for round_ in range(1, ROUNDS + 1):
        reads = await _gather(*(c.get(url) for c in team.coders))
        _no_server_errors(reads)
        assert {r.status_code for r in reads} == {200}
        assert {r.json()["version"] for r in reads} == {round_}
        assert {r.headers["etag"] for r in reads} == {f'"{round_}"'}

        memos = [f"round {round_}: coder {i}" for i in range(CODERS)]
        edits = await _gather(
            *(
                c.patch(url, json={"memo": memo}, headers={"If-Match": f'"{round_}"'})
                for c, memo in zip(team.coders, memos, strict=True)
            )
        )
        _no_server_errors(edits)
        statuses = [r.status_code for r in edits]
        assert sorted(statuses) == [200] + [409] * (CODERS - 1), statuses

        won = statuses.index(200)
        body = edits[won].json()
        assert body["version"] == round_ + 1 and body["memo"] == memos[won]
        assert edits[won].headers["etag"] == f'"{round_ + 1}"'
        for r in edits:
            if r.status_code == 409:
                current = r.json()["current"]
                assert current["version"] == round_ + 1, current
                assert current["memo"] == memos[won], current
                assert r.headers["etag"] == f'"{round_ + 1}"'
        winners.append((team.ids[won], memos[won]))

    assert raced > 0, "no two edits overlapped: the test did not exercise the database"

    final = (await team.coders[0].get(url)).json()
    assert final["version"] == 1 + ROUNDS
    assert final["memo"] == winners[-1][1]

    history = (await team.coders[0].get(f"{url}/history")).json()
    assert [h["version"] for h in history] == list(range(1, ROUNDS + 2))
    assert [h["action"] for h in history] == ["create"] + ["update"] * ROUNDS
    assert [h["state"]["memo"] for h in history] == ["original"] + [m for _, m in winners]
    assert [h["user_id"] for h in history[1:]] == [uid for uid, _ in winners]

    # The losers' transactions were rolled back whole: one live event per winner.
    async with team.srv.runtime.sessions() as session:
        stmt = (
            select(Event)
            .where(Event.entity_id == a["id"], col(Event.kind).like("annotation.%"))
            .order_by(Event.id)
        )
        events = (await session.exec(stmt)).all()
    assert [(e.kind, e.payload["version"]) for e in events] == [("annotation.create", 1)] + [
        ("annotation.update", v) for v in range(2, ROUNDS + 2)
    ]


async def test_a_delete_racing_edits_of_the_same_version_is_arbitrated_too(team):
    """DELETE with If-Match is an edit like any other: when it races PATCHes of
    the same version, still exactly one of them may win."""
    for trial in range(ROUNDS):
        a = await _annotation(team, memo=f"trial {trial}")
        url = f"{team.base}/annotations/{a['id']}"
        match = {"If-Match": '"1"'}
        deleter, *editors = team.coders
        results = await _gather(
            *(
                e.patch(url, json={"memo": f"edit {i}"}, headers=match)
                for i, e in enumerate(editors)
            ),
            deleter.delete(url, headers=match),
        )
        _no_server_errors(results)
        statuses = [r.status_code for r in results]
        won = [s for s in statuses if s in (200, 204)]
        assert len(won) == 1 and statuses.count(409) == CODERS - 1, (
            f"trial {trial}: {len(won)} of {CODERS} edits of version 1 succeeded: {statuses}"
        )

        history = (await team.owner.get(f"{url}/history")).json()
        versions = [h["version"] for h in history]
        assert versions == [1, 2], f"trial {trial}: history versions {versions}"
