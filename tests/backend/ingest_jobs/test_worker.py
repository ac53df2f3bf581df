"""The worker: one transaction per document, retries after crashes, versions."""

import datetime as dt
import shutil

from sqlmodel import func, select

from backend.documents import service as documents
from backend.documents.models import Document, DocumentUpdate, DocumentVersion, Passage
from backend.indexing.models import IndexJob
from backend.ingest_jobs import service as jobs
from backend.ingest_jobs import worker
from backend.ingest_jobs.models import IngestOptions, JobOutcome, JobState
from backend.projects.resolve import resolve_project
from search.base import SearchRequest
from search.query import prepare
from tests.conftest import INSULIN_PDF, POLICY_PDF
from tests.ingest.scans import make_scan


async def _enqueue(rt, path, name=None, project=None) -> int:
    stored = jobs.store_file(path, rt.settings)
    async with rt.sessions() as session:
        if project is None:
            project = await resolve_project(session, None)
        job = await jobs.enqueue(session, project.id, stored, name or path.name, IngestOptions())
        await session.commit()
        return job.id


async def _count(rt, model) -> int:
    async with rt.sessions() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


async def _hits(rt, query: str) -> int:
    return (await rt.search.search(SearchRequest(prepare(query)))).total


async def test_ingest_stores_and_indexes(runtime):
    job = await worker.run_job(runtime, await _enqueue(runtime, POLICY_PDF))
    assert job.state == JobState.done and job.outcome == JobOutcome.created
    assert job.page_count == 29
    assert await _count(runtime, IndexJob) == 0  # drained
    assert await _hits(runtime, '"individual funding"') > 0


async def test_identical_bytes_change_nothing(runtime):
    first = await worker.run_job(runtime, await _enqueue(runtime, POLICY_PDF))
    again = await worker.run_job(runtime, await _enqueue(runtime, POLICY_PDF, "copy.pdf"))
    assert again.outcome == JobOutcome.unchanged
    assert again.document_id == first.document_id
    assert await _count(runtime, Document) == 1
    assert await _count(runtime, DocumentVersion) == 1


async def test_changed_file_becomes_new_version_keeping_old_passages(runtime, tmp_path):
    name = "policy.pdf"
    first = await worker.run_job(runtime, await _enqueue(runtime, POLICY_PDF, name))
    old_passages = await _count(runtime, Passage)
    second = await worker.run_job(runtime, await _enqueue(runtime, INSULIN_PDF, name))
    assert second.outcome == JobOutcome.new_version
    assert second.document_id == first.document_id
    async with runtime.sessions() as session:
        doc = await session.get(Document, first.document_id)
        versions = await documents.list_versions(session, doc.id)
    assert [v.number for v in versions] == [1, 2]
    assert doc.current_version_id == versions[1].id and doc.page_count == 4
    assert await _count(runtime, Passage) > old_passages  # version 1's passages kept
    # Only the current version is searchable.
    assert await _hits(runtime, '"individual funding"') == 0
    assert await _hits(runtime, "needles") > 0


async def test_a_new_version_guesses_again_but_keeps_corrections(runtime):
    name = "policy.pdf"
    first = await worker.run_job(runtime, await _enqueue(runtime, POLICY_PDF, name))
    async with runtime.sessions() as session:
        doc = await session.get(Document, first.document_id)
        assert doc.metadata_sources["date"] == "version"  # "Version 3, 8 February 2023"
        await documents.update_document(session, doc, DocumentUpdate(title="IFR policy, v3"))
        await session.commit()
    await worker.run_job(runtime, await _enqueue(runtime, INSULIN_PDF, name))
    async with runtime.sessions() as session:
        doc = await session.get(Document, first.document_id)
    # The person's title stays; the date and its rule are the new version's guess.
    assert (doc.title, doc.metadata_sources["title"]) == ("IFR policy, v3", "user")
    assert (doc.date, doc.metadata_sources["date"]) == (dt.date(2024, 12, 1), "ratified")


async def test_crash_mid_document_stores_nothing_and_retries(runtime, monkeypatch):
    job_id = await _enqueue(runtime, POLICY_PDF)
    real = documents.store_version

    async def crash_after_passages(session, parsed, **kw):
        await real(session, parsed, **kw)  # rows are written, then the process "dies"
        raise RuntimeError("power cut")

    monkeypatch.setattr(documents, "store_version", crash_after_passages)
    job = await worker.run_job(runtime, job_id)
    assert job.state == JobState.queued and job.attempts == 1 and "power cut" in job.error
    assert await _count(runtime, Document) == 0
    assert await _count(runtime, Passage) == 0
    assert await _count(runtime, IndexJob) == 0

    monkeypatch.setattr(documents, "store_version", real)
    job = await worker.run_job(runtime, job_id)
    assert job.state == JobState.done and job.attempts == 2
    assert await _count(runtime, Document) == 1


async def test_repeated_crashes_end_as_failed(runtime, monkeypatch):
    async def always(*_a, **_k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(documents, "store_version", always)
    job_id = await _enqueue(runtime, INSULIN_PDF)
    for _ in range(runtime.settings.job_max_attempts):
        job = await worker.run_job(runtime, job_id)
    assert job.state == JobState.failed and "disk on fire" in job.error


async def test_worker_that_died_is_replaced_after_its_lease(runtime):
    job_id = await _enqueue(runtime, INSULIN_PDF)
    async with runtime.sessions() as session:
        assert await jobs.claim(session, job_id, runtime.settings)  # this worker then "dies"
        assert not await jobs.claim(session, job_id, runtime.settings)  # lease still held
        job = await jobs.get_job(session, job_id)
        from datetime import timedelta

        job.lease_until = job.lease_until - timedelta(seconds=10_000)
        session.add(job)
        await session.commit()
    job = await worker.run_job(runtime, job_id)
    assert job.state == JobState.done and job.attempts == 2


async def test_bad_file_does_not_stop_the_batch(runtime, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(POLICY_PDF.read_bytes()[:30_000])
    ids = [await _enqueue(runtime, p) for p in (broken, INSULIN_PDF)]
    results = [await worker.run_job(runtime, i) for i in ids]
    assert [r.state for r in results] == [JobState.failed, JobState.done]
    assert "PDF" in results[0].error and results[0].attempts == 1


async def test_scanned_pdf_is_stored_as_needs_ocr(runtime, tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(2):
        pdf.new_page(595, 842)
    scanned = tmp_path / "scan.pdf"
    pdf.save(str(scanned))
    job = await worker.run_job(runtime, await _enqueue(runtime, scanned))
    assert job.state == JobState.done and job.outcome == JobOutcome.needs_ocr
    assert "OCR" in job.error
    async with runtime.sessions() as session:
        doc = await session.get(Document, job.document_id)
    assert doc.status == "needs_ocr" and doc.page_count == 2


async def test_scanned_pdf_is_read_by_ocr_and_says_so(runtime, tmp_path):
    scan = make_scan(POLICY_PDF, tmp_path / "scan.pdf", [13], skew={13: 1.0})
    job = await worker.run_job(runtime, await _enqueue(runtime, scan))
    assert job.state == JobState.done and job.outcome == JobOutcome.created
    assert job.pages_done == job.page_count == 1
    async with runtime.sessions() as session:
        doc = await session.get(Document, job.document_id)
        version = await session.get(DocumentVersion, job.version_id)
        passages = (await session.exec(select(Passage))).all()
    assert doc.status == "ready" and doc.text_source == "ocr" and doc.ocr_low_pages == 0
    assert doc.ocr_confidence is not None and doc.ocr_confidence > 85
    assert version.page_sources == [
        {"page": 1, "text_source": "ocr", "confidence": doc.ocr_confidence}
    ]
    assert passages and {p.text_source for p in passages} == {"ocr"}
    assert await _hits(runtime, '"dealing in a fair manner in comparable cases"') == 1


async def test_unknown_ocr_language_fails_the_job_clearly(runtime, tmp_path):
    scan = make_scan(POLICY_PDF, tmp_path / "scan.pdf", [13])
    stored = jobs.store_file(scan, runtime.settings)
    async with runtime.sessions() as session:
        project = await resolve_project(session, None)
        options = IngestOptions(languages="eng+xx")
        job = await jobs.enqueue(session, project.id, stored, "scan.pdf", options)
        await session.commit()
    job = await worker.run_job(runtime, job.id)
    assert job.state == JobState.failed and "not installed: xx" in job.error


async def test_missing_original_fails_clearly(runtime):
    job_id = await _enqueue(runtime, INSULIN_PDF)
    async with runtime.sessions() as session:
        job = await jobs.get_job(session, job_id)
    shutil.rmtree(runtime.settings.data_dir / "originals")
    job = await worker.run_job(runtime, job_id)
    assert job.state == JobState.failed and "missing" in job.error


async def test_summary_lines_name_the_outcome(runtime, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    done = await worker.run_job(runtime, await _enqueue(runtime, INSULIN_PDF))
    failed = await worker.run_job(runtime, await _enqueue(runtime, empty))
    assert worker.summary_line(done).startswith("CREATED")
    assert worker.summary_line(failed).startswith("FAILED") and "No text" in failed.error
