"""Shared fixtures. Every test gets its own data folder and database."""

from __future__ import annotations

import os
import shutil
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


def pytest_configure(config):
    if not CORPUS.is_dir():
        raise pytest.UsageError(f"the shared corpus is missing at {CORPUS}")


def make_settings(data_dir: Path, **overrides) -> Settings:
    return Settings(evidence_data_dir=data_dir, database_url=None, search_engine="sqlite",
                    **overrides)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
async def runtime(settings):
    rt = Runtime.start(settings)
    await rt.search.ensure_ready()
    yield rt
    await rt.close()


@pytest.fixture
async def client(settings):
    async with app_client(settings) as c:
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
def ingested_corpus(tmp_path_factory) -> Path:
    """The shared corpus ingested once; tests get a private copy (see `corpus_settings`)."""
    import asyncio

    from backend.commands import ingest

    data = tmp_path_factory.mktemp("corpus") / "data"
    settings = make_settings(data)

    async def build() -> None:
        rt = Runtime.start(settings)
        try:
            args = type("Args", (), {"paths": [str(CORPUS)], "source_type": None,
                                     "document_type": None, "organisation": None,
                                     "enqueue": False})()
            assert await ingest(rt, args) == 0
        finally:
            await rt.close()

    asyncio.run(build())
    return data


@pytest.fixture
def corpus_settings(ingested_corpus, tmp_path) -> Settings:
    data = tmp_path / "data"
    shutil.copytree(ingested_corpus, data)
    return make_settings(data)
