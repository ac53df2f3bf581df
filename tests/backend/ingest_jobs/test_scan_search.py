"""A scanned copy is searchable like its digital original: the same phrases hit the same
pages, both documents ingested through the worker and searched through the app's engine."""

from sqlmodel import col, select

from backend.documents.models import Document, DocumentVersion, Passage
from backend.ingest_jobs import worker
from backend.ingest_jobs.models import JobState
from ingest.pipeline import ParseOptions, parse_file
from search.base import Filters, SearchRequest
from search.query import prepare
from tests.backend.ingest_jobs.test_worker import _enqueue
from tests.conftest import POLICY_PDF
from tests.ingest.scans import make_scan, page_texts, phrase_pages, sample_phrases

# The contents page and two body pages; the cover has a test of its own below.
PAGES = [2, 3, 4]
# The cover's text layer runs from its last block ("Version 3, 8 February 2023", low on
# the page) straight into its first ("Classification: Official", at the top): these words
# follow one another in the file, not on the page, so no reading of the image has them.
ACROSS_THE_COVER = "8 february 2023 classification: official"


async def _ingest(rt, path) -> int:
    job = await worker.run_job(rt, await _enqueue(rt, path))
    assert job.state == JobState.done, job.message
    return job.document_id


async def _pages_hit(rt, document_id: int, phrase: str) -> list[int]:
    """The pages a quoted phrase is on in one document: where in each passage it hits
    (a passage may run over a page break, and the scan's break its passages elsewhere)."""
    request = SearchRequest(prepare(f'"{phrase}"'), Filters(document_ids=(document_id,)))
    ids = [hit.passage_id for hit in (await rt.search.search(request)).hits]
    async with rt.sessions() as session:
        found = (await session.exec(select(Passage).where(col(Passage.id).in_(ids)))).all()
        document = await session.get(Document, document_id)
        version = await session.get(DocumentVersion, document.current_version_id)
    offsets = version.page_offsets
    return sorted({n for p in found for n in phrase_pages(phrase, p.text, p.start, offsets)})


def _as_original(scan_pages: list[int]) -> list[int]:
    return [PAGES[n - 1] for n in scan_pages]  # the scan's page n is PAGES[n - 1]


async def test_phrases_hit_the_same_pages_in_the_scan_as_in_the_original(runtime, tmp_path):
    original = await _ingest(runtime, POLICY_PDF)
    scan = await _ingest(runtime, make_scan(POLICY_PDF, tmp_path / "scan.pdf", PAGES))
    texts = page_texts(parse_file(POLICY_PDF, POLICY_PDF.name, ParseOptions()))
    checked = 0
    for page in PAGES:
        for phrase in sample_phrases(texts[page - 1]):
            want = await _pages_hit(runtime, original, phrase)
            assert page in want, (page, phrase, want)  # the phrase is the page's own
            want = [n for n in want if n in PAGES]  # the scan has only these pages
            got = _as_original(await _pages_hit(runtime, scan, phrase))
            assert got == want, (page, phrase, got, want)
            checked += 1
    assert checked == 3 * len(PAGES)


async def test_the_covers_phrases_hit_it_but_for_one_the_page_does_not_show(runtime, tmp_path):
    original = await _ingest(runtime, POLICY_PDF)
    scan = await _ingest(runtime, make_scan(POLICY_PDF, tmp_path / "cover.pdf", [1]))
    phrases = sample_phrases(page_texts(parse_file(POLICY_PDF, POLICY_PDF.name, ParseOptions()))[0])
    assert ACROSS_THE_COVER in phrases and len(phrases) == 3
    for phrase in phrases:
        assert await _pages_hit(runtime, original, phrase) == [1], phrase
        want = [] if phrase == ACROSS_THE_COVER else [1]
        assert await _pages_hit(runtime, scan, phrase) == want, phrase
