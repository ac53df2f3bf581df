"""Shared fixtures. Every test gets its own data folder and database."""

from __future__ import annotations

import gc
import os
import shutil
import uuid
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient

from backend.core.config import Settings
from backend.core.runtime import Runtime
from backend.main import create_app

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVIDENCE_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
POLICY_PDF = CORPUS / "Commissioning-policy-individual-funding-requests-v3.pdf"
SOP_PDF = CORPUS / "Standard-operating-procedures-individual-funding-requests-February-2023.pdf"
INSULIN_PDF = CORPUS / "Prescribing-of-Insulin-Needles.pdf"
CONSTITUTION_DOCX = (
    CORPUS / "NHS-Cambridgeshire-and-Peterborough-constitution-V1.6---Approved-NHS-England-"
    "October-2025.docx"
)


@pytest.fixture(autouse=True)
def _collectable_after():
    """A CLI command run in this process freezes its set-up for the collector
    (backend/core/heap.py), as a process that ends with it should; here the process
    goes on, so what became garbage since is made collectable again."""
    yield
    gc.unfreeze()


# The whole suite runs once per database: EVIDENCE_TEST_DB=sqlite (default) or postgresql
# (a real server, started by tests/postgres/start.sh; each test gets its own database).
TEST_DB = os.environ.get("EVIDENCE_TEST_DB", "sqlite")
# The embedded search engine the app's tests run on (tests/search runs every engine).
TEST_SEARCH = os.environ.get("EVIDENCE_TEST_SEARCH", "tantivy")
PG_ADMIN_URL = os.environ.get(
    "EVIDENCE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:54329/postgres"
)


def pytest_configure(config):
    if not CORPUS.is_dir():
        raise pytest.UsageError(f"the shared corpus is missing at {CORPUS}")
    if TEST_DB not in ("sqlite", "postgresql"):
        raise pytest.UsageError("EVIDENCE_TEST_DB must be 'sqlite' or 'postgresql'")
    if TEST_SEARCH not in ("sqlite", "tantivy"):
        raise pytest.UsageError("EVIDENCE_TEST_SEARCH must be 'sqlite' or 'tantivy'")


def pytest_report_header(config):
    return f"database: {TEST_DB}, embedded search engine: {TEST_SEARCH}"


def make_settings(data_dir: Path, database_url: str | None = None, **overrides) -> Settings:
    values = {
        "evidence_data_dir": data_dir,
        "database_url": database_url,
        "search_engine": TEST_SEARCH,
        **overrides,
    }
    return Settings(**values)


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def new_database(template: str | None = None) -> tuple[str | None, str | None]:
    """(url, name) of a fresh database for one test; (None, None) on SQLite."""
    if TEST_DB == "sqlite":
        return None, None
    name = f"ew_test_{uuid.uuid4().hex[:12]}"
    _pg(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return _pg_url(name), name


def drop_database(name: str | None) -> None:
    if name:
        _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url():
    url, name = new_database()
    yield url
    drop_database(name)


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return make_settings(tmp_path / "data", database_url)


@pytest.fixture
async def runtime(settings):
    rt = Runtime.start(settings)
    await rt.search.ensure_ready()
    yield rt
    await rt.close()


PASSWORD = "correct horse battery staple"


async def make_user(rt: Runtime, email: str, *, admin: bool = False) -> int:
    """An account; a global admin also adopts projects nobody is a member of."""
    from backend.accounts.models import UserCreate
    from backend.accounts.service import create_user
    from backend.projects.resolve import adopt_orphans

    async with rt.sessions() as session:
        user = await create_user(
            session,
            UserCreate(
                email=email,
                name=email.split("@")[0],
                password=PASSWORD,
                role="admin" if admin else "user",
            ),
        )
        if admin:
            await adopt_orphans(session, user.id)
        await session.commit()
        return user.id


async def login(client: AsyncClient, email: str, password: str = PASSWORD) -> None:
    r = await client.post("/api/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]


async def add_member(rt: Runtime, project_id: int, user_id: int, role: str) -> None:
    from backend.projects.models import Membership

    async with rt.sessions() as session:
        session.add(Membership(project_id=project_id, user_id=user_id, role=role))
        await session.commit()


def runtime_of(client: AsyncClient) -> Runtime:
    return client._transport.app.state.runtime


class signed_in:
    """A client signed in as a global admin who is admin of one project (the
    corpus's "Default project" when there is one, else a new one). `.pid` is its id."""

    def __init__(self, settings: Settings, email: str = "owner@example.org") -> None:
        self.inner = app_client(settings)
        self.email = email

    async def __aenter__(self) -> AsyncClient:
        client = await self.inner.__aenter__()
        await make_user(runtime_of(client), self.email, admin=True)
        await login(client, self.email)
        projects = (await client.get("/api/projects")).json()
        if not projects:
            projects = [(await client.post("/api/projects", json={"name": "Study"})).json()]
        client.pid = projects[0]["id"]
        client.base = f"/api/projects/{client.pid}"
        return client

    async def __aexit__(self, *exc) -> None:
        await self.inner.__aexit__(*exc)


@pytest.fixture
async def client(settings):
    async with signed_in(settings) as c:
        yield c


class app_client:
    """An httpx client talking to a live app (lifespan included) over ASGI."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self._lifespan = None
        self._client: AsyncClient | None = None

    async def __aenter__(self) -> AsyncClient:
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()
        transport = ASGITransport(app=self.app)
        self._client = AsyncClient(transport=transport, base_url="http://testserver")
        await self._client.__aenter__()
        return self._client

    async def __aexit__(self, *exc) -> None:
        await self._client.__aexit__(*exc)
        await self._lifespan.__aexit__(*exc)


@pytest.fixture(scope="session")
def ingested_corpus(tmp_path_factory):
    """The shared corpus ingested once; tests get a private copy (see `corpus_settings`)."""
    import asyncio

    from backend.commands import ingest

    data = tmp_path_factory.mktemp("corpus") / "data"
    url, name = new_database()
    settings = make_settings(data, url)

    async def build() -> None:
        rt = Runtime.start(settings)
        try:
            args = type(
                "Args",
                (),
                {
                    "paths": [str(CORPUS)],
                    "source_type": None,
                    "document_type": None,
                    "organisation": None,
                    "enqueue": False,
                },
            )()
            assert await ingest(rt, args) == 0
        finally:
            await rt.close()

    asyncio.run(build())
    yield data, name
    drop_database(name)


@pytest.fixture
def corpus_settings(ingested_corpus, tmp_path):
    source, template = ingested_corpus
    data = tmp_path / "data"
    shutil.copytree(source, data)
    url, name = new_database(template)
    yield make_settings(data, url)
    drop_database(name)


@pytest.fixture(scope="session")
def es_url() -> str:
    """The real Elasticsearch node (scripts/test.sh starts it; else it is started here).
    Never skipped: a missing node is a failure."""
    from tests.elasticsearch import node

    url = os.environ.get("EVIDENCE_TEST_ES_URL") or "http://127.0.0.1:9200"
    if not node.is_up(url):
        url = node.start(port=int(url.rsplit(":", 1)[1]))
    return node.current_node(url)


async def new_project(rt: Runtime, name: str = "Study") -> int:
    from backend.projects.models import Project

    async with rt.sessions() as session:
        project = Project(name=name)
        session.add(project)
        await session.commit()
        return project.id


@pytest.fixture
async def project_id(runtime) -> int:
    return await new_project(runtime)
