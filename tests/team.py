"""A small team for round, agreement and adjudication tests: an admin (owner), two
coders (Ann and Ben), an interview (the round's document) and field notes (outside
the round), and a CMO codebook. Through the HTTP API (ASGI), on either database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from httpx import AsyncClient

from backend.core import security
from backend.indexing.service import drain
from backend.ingest_jobs.worker import run_job
from tests.conftest import add_member, app_client, login, make_user, runtime_of, signed_in

FIXTURES = Path(__file__).resolve().parent / "fixtures"
INTERVIEW = FIXTURES / "interview-ics-leader-P3.txt"
NOTES = FIXTURES / "observation-board-meeting.txt"


@dataclass
class Team:
    owner: AsyncClient
    ann: AsyncClient
    ben: AsyncClient
    ids: dict[str, int] = field(default_factory=dict)  # users, documents, codes by name
    texts: dict[int, str] = field(default_factory=dict)  # document id -> current text

    @property
    def base(self) -> str:
        return self.owner.base

    async def code(
        self, who: AsyncClient, doc: str, phrase: str, codes: list[str], memo: str | None = None
    ) -> dict:
        """Annotate the first occurrence of `phrase` in document `doc`."""
        document_id = self.ids[doc]
        start = self.texts[document_id].index(phrase)
        body = {
            "document_id": document_id,
            "start": start,
            "end": start + len(phrase),
            "code_ids": [self.ids[c] for c in codes],
            "memo": memo,
        }
        r = await who.post(f"{self.base}/annotations", json=body)
        assert r.status_code == 201, r.text
        return r.json()

    async def open_round(self, docs: list[str], coders: list[str], blind: bool = True) -> dict:
        body = {
            "name": "Round 1",
            "document_ids": [self.ids[d] for d in docs],
            "coder_ids": [self.ids[c] for c in coders],
            "blind": blind,
        }
        r = await self.owner.post(f"{self.base}/rounds", json=body)
        assert r.status_code == 201, r.text
        return r.json()

    async def drain(self) -> None:
        rt = runtime_of(self.owner)
        await drain(rt.sessions, rt.search)


async def _upload(client: AsyncClient, path: Path, source_type: str) -> int:
    files = [("files", (path.name, path.read_bytes(), "text/plain"))]
    r = await client.post(f"{client.base}/ingest", files=files, data={"source_type": source_type})
    assert r.status_code == 202, r.text
    done = await run_job(runtime_of(client), r.json()[0]["id"])
    assert done is not None and done.state == "done", done
    return done.document_id


async def _text(client: AsyncClient, document_id: int) -> str:
    doc = (await client.get(f"{client.base}/documents/{document_id}")).json()
    r = await client.get(
        f"{client.base}/documents/{document_id}/versions/{doc['current_version_id']}"
    )
    return r.json()["text"]


@pytest.fixture
async def team(settings, monkeypatch):
    # Cheap password hashing: three sign-ins per test.
    monkeypatch.setattr(
        security, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    async with signed_in(settings) as owner:
        rt = runtime_of(owner)
        ids = {"owner": (await owner.get("/api/auth/me")).json()["user"]["id"]}
        async with app_client(rt.settings) as ann, app_client(rt.settings) as ben:
            for name, client in (("ann", ann), ("ben", ben)):
                ids[name] = await make_user(rt, f"{name}@example.org")
                await add_member(rt, owner.pid, ids[name], "coder")
                await login(client, f"{name}@example.org")
                client.pid, client.base = owner.pid, owner.base
            t = Team(owner, ann, ben, ids)
            ids["interview"] = await _upload(owner, INTERVIEW, "interview")
            ids["notes"] = await _upload(owner, NOTES, "observation")
            for d in ("interview", "notes"):
                t.texts[ids[d]] = await _text(owner, ids[d])
            for name, kind in (("Trust", "mechanism"), ("Single panel", "context")):
                r = await owner.post(f"{owner.base}/codes", json={"name": name, "kind": kind})
                assert r.status_code == 201, r.text
                ids[name] = r.json()["id"]
            yield t
