"""/api/projects/{id}/ingest: uploads are queued; the worker turns them into documents."""

import io
import zipfile

import pytest

from backend.core.config import Settings
from backend.ingest_jobs.worker import run_job
from tests.conftest import INSULIN_PDF, POLICY_PDF, TEST_SEARCH, signed_in


@pytest.fixture
async def api(settings):
    async with signed_in(settings) as c:
        yield c


def _files(*named):
    return [("files", (name, data, "application/octet-stream")) for name, data in named]


async def _run_all(api, jobs):
    rt = api._transport.app.state.runtime
    return [await run_job(rt, j["id"]) for j in jobs]


async def test_upload_queues_then_worker_ingests(api):
    r = await api.post(
        f"{api.base}/ingest",
        files=_files(
            (POLICY_PDF.name, POLICY_PDF.read_bytes()), (INSULIN_PDF.name, INSULIN_PDF.read_bytes())
        ),
        data={"organisation": "NHS England", "document_type": "policy"},
    )
    assert r.status_code == 202
    jobs = r.json()
    assert [j["state"] for j in jobs] == ["queued", "queued"]
    done = await _run_all(api, jobs)
    assert [j.state for j in done] == ["done", "done"]
    listed = (
        await api.get(f"{api.base}/ingest/jobs", params={"filter": '{"state":"done"}'})
    ).json()
    assert {j["id"] for j in listed} == {j["id"] for j in jobs}
    doc = (await api.get(f"{api.base}/documents/{done[0].document_id}")).json()
    assert doc["organisation"] == "NHS England" and doc["document_type"] == "policy"
    r = await api.get(f"{api.base}/search", params={"q": '"individual funding"'})
    assert r.json()["total"] > 0


async def test_job_status_shows_parse_errors(api):
    half = POLICY_PDF.read_bytes()[:40_000]
    r = await api.post(f"{api.base}/ingest", files=_files(("broken.pdf", half)))
    (job,) = await _run_all(api, r.json())
    assert job.state == "failed"
    body = (await api.get(f"{api.base}/ingest/jobs/{job.id}")).json()
    assert body["state"] == "failed" and "PDF" in body["error"]
    assert (await api.get(f"{api.base}/documents")).json() == []


async def test_empty_file_is_400(api):
    r = await api.post(f"{api.base}/ingest", files=_files(("empty.pdf", b"")))
    assert r.status_code == 400 and "empty" in r.json()["detail"]


async def test_unreadable_format_is_415(api):
    r = await api.post(f"{api.base}/ingest", files=_files(("letter.pdf", b"{\\rtf1 Hello}")))
    assert r.status_code == 415 and "RTF" in r.json()["detail"]
    r = await api.post(f"{api.base}/ingest", files=_files(("blob.bin", bytes(range(256)) * 4)))
    assert r.status_code == 415 and "format" in r.json()["detail"]


async def test_oversized_upload_is_413_and_nothing_is_kept(tmp_path):
    settings = Settings(evidence_data_dir=tmp_path / "d", max_upload_mb=1)
    async with signed_in(settings) as api:
        r = await api.post(f"{api.base}/ingest", files=_files(("big.txt", b"a " * (2**20))))
        assert r.status_code == 413 and "limit" in r.json()["detail"]
        assert (await api.get(f"{api.base}/ingest/jobs")).json() == []
    assert not list((tmp_path / "d" / "originals").rglob("*.txt"))


async def test_zip_bomb_docx_fails_its_job_cleanly(api):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (50 * 2**20))
    r = await api.post(f"{api.base}/ingest", files=_files(("bomb.docx", buf.getvalue())))
    assert r.status_code == 202
    (job,) = await _run_all(api, r.json())
    assert job.state == "failed" and "zip bomb" in job.error


@pytest.mark.parametrize(
    ("field", "value"), [("source_type", "podcast"), ("document_type", "memo")]
)
async def test_bad_options_are_400(api, field, value):
    r = await api.post(
        f"{api.base}/ingest", files=_files(("a.txt", b"hello there")), data={field: value}
    )
    assert r.status_code == 400 and value in r.json()["detail"]


async def test_missing_files_is_422(api):
    r = await api.post(f"{api.base}/ingest", data={"organisation": "x"})
    assert r.status_code == 422


async def test_unknown_job_is_404(api):
    assert (await api.get(f"{api.base}/ingest/jobs/999")).status_code == 404


async def test_health_reports_engine(api):
    r = await api.get("/api/health")
    assert r.status_code == 200
    assert r.json()["search"]["engine"] == TEST_SEARCH
    assert r.json()["database"] == "ok"


async def test_ocr_languages_are_installed_packs_per_project_or_upload(api):
    r = await api.post("/api/projects", json={"name": "Welsh", "ocr_languages": "eng+cym"})
    assert r.status_code == 201 and r.json()["ocr_languages"] == "eng+cym"
    r = await api.post("/api/projects", json={"name": "Klingon", "ocr_languages": "tlh"})
    assert r.status_code == 422 and "not installed: tlh" in r.text
    r = await api.patch(api.base, json={"ocr_languages": "pol"})
    assert r.status_code == 200 and r.json()["ocr_languages"] == "pol"
    r = await api.patch(api.base, json={"ocr_languages": "eng+xx"})
    assert r.status_code == 422 and "installed: " in r.text
    r = await api.post(
        f"{api.base}/ingest",
        files=_files(("scan.pdf", POLICY_PDF.read_bytes())),
        data={"languages": "urd+xx"},
    )
    assert r.status_code == 400 and "not installed: xx" in r.json()["detail"]
    assert (await api.get(f"{api.base}/ingest/jobs")).json() == []
    r = await api.post(
        f"{api.base}/ingest",
        files=_files(("a.pdf", INSULIN_PDF.read_bytes())),
        data={"languages": "eng+urd"},
    )
    assert r.status_code == 202 and r.json()[0]["options"]["languages"] == "eng+urd"
