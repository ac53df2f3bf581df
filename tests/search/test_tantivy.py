"""The tantivy engine runs the whole search contract, plus its own specifics."""

import pytest

from search.tantivy_engine import TantivyEngine
from tests.search.contract import EngineContract
from tests.search.vector_contract import VectorContract


@pytest.fixture
async def engine(tmp_path):
    engine = TantivyEngine(tmp_path / "search.db")
    await engine.ensure_ready()
    yield engine
    await engine.close()


class TestTantivyContract(EngineContract, VectorContract):
    pass
