"""Inputs that once produced a 500 (review findings), and the index-sync races."""

import base64
import json

import pytest

from backend.indexing import service as indexing
from backend.indexing.docs import passage_docs
from backend.ingest_jobs.worker import run_job
from search.base import SearchRequest
from search.query import prepare
from tests.conftest import INSULIN_PDF, runtime_of, signed_in


@pytest.fixture
async def api(corpus_settings):
    async with signed_in(corpus_settings) as c:
        yield c


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    "path",
    [
        "/documents/99999999999999999999999",
        "/documents/2147483648/original",
        "/ingest/jobs/99999999999999999999999",
        "/annotations/2147483648",
        "/codes/99999999999999999999999",
    ],
)
async def test_huge_ids_are_422(api, path):
    r = await api.get(api.base + path)
    assert r.status_code == 422


HUGE = 2**64  # SQLite cannot bind it: without validation this was a 500


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("post", "/annotations", {"document_id": HUGE, "start": 0, "end": 3}),
        ("post", "/annotations", {"document_id": 1, "start": 0, "end": 3, "code_ids": [HUGE]}),
        ("patch", "/annotations/1", {"memo": "x", "version": HUGE}),
        ("post", "/codes", {"name": "x", "parent_id": HUGE}),
        ("post", "/codes/1/merge", {"into": HUGE}),
        ("post", "/cmocs", {"title": "x", "theory_ids": [HUGE]}),
        ("post", "/cmocs", {"evidence": [{"annotation_id": HUGE, "part": "context"}]}),
        ("patch", "/theories/1", {"statement": "x", "version": HUGE}),
        (
            "post",
            "/proposals/decide",
            {"origin": "cmoc", "origin_id": HUGE, "passage_id": 1, "decision": "dismiss"},
        ),
    ],
)
async def test_huge_ids_in_bodies_are_422(api, method, path, body):
    r = await getattr(api, method)(api.base + path, json=body)
    assert r.status_code == 422 and "less than or equal" in r.text


@pytest.mark.parametrize(
    "params",
    [
        {"q": "(" * 300 + "needle" + ")" * 300},
        {"q": "-" * 990 + "ab"},
        {"q": "needle", "document_id": "99999999999999999999999"},
        {"q": "needle", "cursor": _cursor("[1, Infinity]")},
        {"q": "needle", "cursor": _cursor("[NaN, 3]")},
        {"q": "needle", "cursor": _cursor("[[[[1]]]]")},
        {"q": "x" * 3000},
    ],
)
async def test_hostile_search_parameters_are_4xx(api, params):
    r = await api.get(f"{api.base}/search", params=params)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "[" * 3000 + "]" * 3000},
        {"filter": '{"a":' * 2000 + "1" + "}" * 2000},
        {"range": "[99999999999999999999999,99999999999999999999999]"},
        {"filter": '{"status":{"a":1}}'},
        {"filter": '{"status":[["ready"]]}'},
        {"filter": '{"organisation":{"a":1}}'},
        {"filter": '{"id":"x"}'},
        {"filter": '{"id":[99999999999999999999999]}'},
        {"filter": '{"q":""}'},
    ],
)
async def test_hostile_list_parameters_are_400(api, params):
    r = await api.get(f"{api.base}/documents", params=params)
    assert r.status_code == 400, r.text


async def test_wrong_types_on_jobs_and_passages_are_400(api):
    assert (
        await api.get(f"{api.base}/ingest/jobs", params={"filter": '{"state":{"a":1}}'})
    ).status_code == 400
    doc = (await api.get(f"{api.base}/documents")).json()[0]
    r = await api.get(
        f"{api.base}/documents/{doc['id']}/passages", params={"filter": '{"version_id":"x"}'}
    )
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("get", "/documents", {"params": {"filter": '{"q":"\u0000"}'}}),
        ("get", "/search", {"params": {"q": "a\u0000b"}}),
        ("patch", "/documents/1", {"json": {"title": "T\u0000itle"}}),
        (
            "post",
            "/ingest",
            {
                "files": [("files", ("a.txt", b"text", "text/plain"))],
                "data": {"organisation": "x\u0000y"},
            },
        ),
    ],
)
async def test_nul_characters_are_400_and_change_nothing(api, method, path, kwargs):
    before = (await api.get(f"{api.base}/documents/1")).json()
    r = await getattr(api, method)(api.base + path, **kwargs)
    assert r.status_code == 400 and "NUL" in r.json()["detail"]
    assert (await api.get(f"{api.base}/documents/1")).json() == before


async def test_refused_uploads_leave_no_files(api):
    originals = runtime_of(api).settings.data_dir / "originals"
    before = sorted(p.name for p in originals.rglob("*") if p.is_file())
    files = [
        ("files", ("ok.txt", b"perfectly good text", "text/plain")),
        # Images are read by OCR now; RTF is a format still refused at the door.
        ("files", ("letter.rtf", b"{\\rtf1 Hello}", "application/rtf")),
    ]
    assert (await api.post(f"{api.base}/ingest", files=files)).status_code == 415
    after = sorted(p.name for p in originals.rglob("*") if p.is_file())
    assert after == before


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("..\\..\\windows\\notes.txt", "notes.txt"),
        ("../../etc/passwd", "passwd"),
        ("..", "upload-"),
        ("  ", "upload-"),
    ],
)
async def test_client_file_names_are_reduced_to_a_safe_name(api, sent, stored):
    r = await api.post(
        f"{api.base}/ingest",
        files=[("files", (sent, b"some words " + sent.encode(), "text/plain"))],
    )
    assert r.status_code == 202, r.text
    assert r.json()[0]["original_filename"].startswith(stored)


async def test_reuploading_an_older_revision_makes_it_current_again(api, tmp_path):
    rt = runtime_of(api)

    async def upload(text: str):
        files = [("files", ("minutes.txt", text.encode(), "text/plain"))]
        job = (await api.post(f"{api.base}/ingest", files=files)).json()[0]
        return await run_job(rt, job["id"])

    first = await upload("The fox chaired the board meeting.")
    await upload("The zebra chaired the board meeting.")
    again = await upload("The fox chaired the board meeting.")
    assert again.outcome == "new_version" and again.document_id == first.document_id
    await indexing.drain(rt.sessions, rt.search)
    hits = (await api.get(f"{api.base}/search", params={"q": "fox"})).json()
    assert hits["total"] == 1
    assert (await api.get(f"{api.base}/search", params={"q": "zebra"})).json()["total"] == 0


async def test_an_older_snapshot_written_late_does_not_win(api):
    """Two drains race: the one that read first writes last. The index keeps the newer."""
    rt = runtime_of(api)
    doc = (await api.get(f"{api.base}/documents")).json()[0]
    async with rt.sessions() as session:
        old_state = await passage_docs(session, [doc["id"]])
    await api.patch(f"{api.base}/documents/{doc['id']}", json={"organisation": "NewOrg"})
    await indexing.drain(rt.sessions, rt.search)  # the newer snapshot lands first
    await rt.search.replace_documents([doc["id"]], old_state, seq=0)  # the stale one, late
    request = SearchRequest(prepare("the OR and OR board OR policy OR funding OR care"))
    result = await rt.search.search(request)
    organisations = {f.value for f in result.facets["organisation"]}
    assert "NewOrg" in organisations


async def test_edits_during_a_rebuild_are_not_lost(api, monkeypatch):
    rt = runtime_of(api)
    doc = (await api.get(f"{api.base}/documents")).json()[0]
    real_rebuild = rt.search.rebuild

    async def rebuild_with_an_edit_in_the_middle(batches, seq=0):
        first = True

        async def interleaved():
            nonlocal first
            async for batch in batches:
                yield batch
                if first:
                    first = False
                    r = await api.patch(
                        f"{api.base}/documents/{doc['id']}", json={"organisation": "DuringRebuild"}
                    )
                    assert r.status_code == 200
                    await indexing.drain(rt.sessions, rt.search)  # waits: rebuild running

        return await real_rebuild(interleaved(), seq)

    monkeypatch.setattr(rt.search, "rebuild", rebuild_with_an_edit_in_the_middle)
    await indexing.rebuild(rt.sessions, rt.search)
    r = await api.get(f"{api.base}/search", params={"q": "board", "organisation": "DuringRebuild"})
    assert r.json()["total"] > 0
    async with rt.sessions() as session:
        assert await indexing.pending(session) == 0


async def test_insulin_upload_still_works_end_to_end(api):
    files = [("files", (INSULIN_PDF.name, INSULIN_PDF.read_bytes(), "application/pdf"))]
    job = (await api.post(f"{api.base}/ingest", files=files)).json()[0]
    done = await run_job(runtime_of(api), job["id"])
    assert done.outcome == "unchanged"  # the corpus already holds these bytes
    assert json.dumps(done.model_dump(mode="json"))


async def test_a_second_rebuild_does_not_start_while_one_runs(api):
    from backend.indexing.models import ReindexRun

    rt = runtime_of(api)
    async with rt.sessions() as session:
        session.add(ReindexRun(engine=rt.search.name, covered=0))  # another process's run
        await session.commit()
    before = await rt.search.count()
    assert await indexing.rebuild(rt.sessions, rt.search) == 0
    assert await rt.search.count() == before  # the running one was not disturbed
