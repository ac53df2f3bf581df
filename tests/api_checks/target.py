"""The deployment the API checks run against: a fresh PostgreSQL database (and
Elasticsearch index prefix), the shared corpus ingested, an account administrator with
an API token (for schemathesis), and 50 coders in the project, each with an API token
(for the load test: signing 50 people in while it ramps up would measure argon2, which
is slow on purpose, instead of reading, searching and annotating).

    python -m tests.api_checks.target seed STATE.json   # settings from the environment
    python -m tests.api_checks.target drop   # drops the database named by DATABASE_URL

Run by scripts/api-checks.sh, which then starts `evidence serve` on the same settings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts import service as accounts
from backend.accounts.models import User, UserCreate
from backend.annotations import service as annotations_service
from backend.annotations.models import AnnotationCreate
from backend.cmocs import service as cmocs_service
from backend.cmocs.models import CmocCreate
from backend.codes import service as codes_service
from backend.codes.models import CodeCreate
from backend.commands import ingest
from backend.core.config import Settings
from backend.core.runtime import Runtime
from backend.core.security import hash_password
from backend.documents.models import Passage
from backend.projects.models import Membership, Project
from backend.rounds import service as rounds_service
from backend.rounds.models import RoundCreate
from backend.theories import service as theories_service
from backend.theories.models import TheoryCreate
from tests.conftest import CORPUS

CODERS = 50
PASSWORD = "load test password 2026"
CODES = (("Leadership", "mechanism"), ("Funding rules", "context"), ("Access", "outcome"))


def _admin_conninfo(settings: Settings) -> tuple[str, str]:
    url = make_url(settings.sync_database_url).set(drivername="postgresql")
    return url.set(database="postgres").render_as_string(hide_password=False), url.database


def create_database(settings: Settings) -> None:
    import psycopg

    admin, name = _admin_conninfo(settings)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(settings: Settings) -> None:
    import psycopg

    admin, name = _admin_conninfo(settings)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def seed(settings: Settings) -> dict:
    rt = Runtime.start(settings)
    try:
        await rt.search.ensure_ready()
        args = argparse.Namespace(
            paths=[str(CORPUS)],
            source_type=None,
            document_type=None,
            organisation=None,
            enqueue=False,
            project=None,
        )
        assert await ingest(rt, args) == 0
        async with rt.sessions() as session:
            state = await _people_and_codes(session, settings)
            await session.commit()
        return state
    finally:
        await rt.close()


async def _people_and_codes(session: AsyncSession, settings: Settings) -> dict:
    project = (await session.exec(select(Project))).one()  # the corpus's default project
    admin = await _account(session, "admin@example.org", "admin")
    session.add(Membership(project_id=project.id, user_id=admin.id, role="admin"))
    coders = await _coders(session, project.id)
    tokens = [
        (await accounts.create_token(session, c, "load test", None, settings))[1] for c in coders
    ]
    codes = [
        await codes_service.create(session, project.id, CodeCreate(name=n, kind=k), admin.id)
        for n, k in CODES
    ]
    _, token = await accounts.create_token(session, admin, "api checks", None, settings)
    spare_token, _ = await accounts.create_token(session, admin, "spare", None, settings)
    return {
        "spare_token_id": spare_token.id,
        # The last coder takes no part in the load test: the fuzzer may deactivate it.
        "spare_user_id": coders[-1].id,
        "project_id": project.id,
        "token": token,
        "coder_tokens": tokens[:-1],
        "code_ids": [c.id for c in codes],
        **await _fuzz_targets(
            session, project.id, admin.id, [coders[-1].id, admin.id], codes[0].id
        ),
    }


async def _fuzz_targets(
    session: AsyncSession, project_id: int, admin_id: int, round_coders: list[int], code_id: int
) -> dict:
    """One of each thing a route's path can name, for schemathesis (schemathesis.toml):
    without them those routes only ever answer 404 and the fuzzer never reaches them.
    The round is the spare coder's and the administrator's, on one document, so the
    load test's coders are in no round."""
    passage = (await session.exec(select(Passage).order_by(col(Passage.id)))).first()
    assert passage is not None
    document_id = passage.document_id
    span = AnnotationCreate(
        document_id=document_id, start=passage.start, end=passage.end, code_ids=[code_id]
    )
    annotation = await annotations_service.create(session, project_id, admin_id, span)
    theory = await theories_service.create(
        session, project_id, admin_id, TheoryCreate(statement="Trust enables shared decisions")
    )
    cmoc = await cmocs_service.create(
        session, project_id, admin_id, CmocCreate(title="Trust", theory_ids=[theory.id])
    )
    planned = RoundCreate(name="Fuzzed", document_ids=[document_id], coder_ids=round_coders)
    round_ = await rounds_service.open_round(session, project_id, admin_id, planned, None)
    return {
        "document_id": document_id,
        "code_id": code_id,
        "annotation_id": annotation.id,
        "theory_id": theory.id,
        "cmoc_id": cmoc.id,
        "round_id": round_.id,
    }


async def _coders(session: AsyncSession, project_id: int) -> list[User]:
    """CODERS + 1 accounts (one spare) in the project, sharing one password hash: the
    password is never used, and 51 argon2 hashes would cost seconds of CPU in CI."""
    password_hash = hash_password(PASSWORD)
    coders = [
        User(email=f"coder{i:02d}@example.org", name=f"coder{i:02d}", password_hash=password_hash)
        for i in range(CODERS + 1)
    ]
    session.add_all(coders)
    await session.flush()
    for user in coders:
        session.add(Membership(project_id=project_id, user_id=user.id, role="coder"))
    return coders


async def _account(session: AsyncSession, email: str, role: str) -> User:
    data = UserCreate(email=email, name=email.split("@")[0], password=PASSWORD, role=role)
    return await accounts.create_user(session, data)


def main(argv: list[str]) -> int:
    settings = Settings()
    if argv[:1] == ["seed"] and len(argv) == 2:
        create_database(settings)
        Path(argv[1]).write_text(json.dumps(asyncio.run(seed(settings))))
        return 0
    if argv[:1] == ["drop"]:
        drop_database(settings)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
