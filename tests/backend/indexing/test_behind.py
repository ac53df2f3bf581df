"""A search says when the index may not hold what the database does: changes waiting
over a minute (an engine refusing writes), or a rebuild running."""

from __future__ import annotations

from datetime import timedelta

from backend.core.time import utcnow
from backend.indexing import service as indexing
from backend.indexing.models import REBUILD_TIMEOUT, IndexJob, ReindexRun
from tests.conftest import make_settings, runtime_of, signed_in


async def _search(api) -> list[str]:
    r = await api.get(f"{api.base}/search", params={"q": "budgets"})
    assert r.status_code == 200, r.text
    return r.json()["caveats"]


async def test_a_search_says_the_index_is_behind_then_stops_when_it_caught_up(
    tmp_path, database_url
):
    async with signed_in(make_settings(tmp_path / "data", database_url)) as api:
        rt = runtime_of(api)
        async with rt.sessions() as session:
            session.add(IndexJob(entity=indexing.WHOLE, entity_id=10**6))  # a fresh change
            await session.commit()
        assert await _search(api) == []  # a drain is on its way: nothing to say yet

        async with rt.sessions() as session:
            waiting = IndexJob(
                entity=indexing.WHOLE, entity_id=10**6, created_at=utcnow() - timedelta(minutes=5)
            )
            session.add(waiting)
            await session.commit()
            since = f"{waiting.created_at:%Y-%m-%d %H:%M} UTC"
        (caveat,) = await _search(api)
        assert "behind the database" in caveat and since in caveat

        await indexing.drain(rt.sessions, rt.search)  # the engine takes them: in step again
        assert await _search(api) == []


async def test_a_search_during_a_rebuild_says_so(tmp_path, database_url):
    async with signed_in(make_settings(tmp_path / "data", database_url)) as api:
        rt = runtime_of(api)
        async with rt.sessions() as session:
            other = ReindexRun(engine="another engine", covered=0)
            dead = ReindexRun(
                engine=rt.search.name,
                covered=0,
                started_at=utcnow() - REBUILD_TIMEOUT - timedelta(minutes=1),
            )
            session.add_all([other, dead])
            await session.commit()
        assert await _search(api) == []  # another engine's, or a run long dead: not ours

        async with rt.sessions() as session:
            session.add(ReindexRun(engine=rt.search.name, covered=0))
            await session.commit()
        (caveat,) = await _search(api)
        assert "being rebuilt" in caveat
