"""OCR accuracy, speed and memory on a scanned copy of a real corpus PDF.

    .venv/bin/python -m benchmarks.ocr [--file PDF] [--pages 1-29] [--languages eng]

Renders the pages to greyscale 200 dpi images (page 8 turned 90 degrees, page 13 skewed
1.5 degrees, as in tests/ingest/formats/test_scan.py), writes them as an image-only PDF,
ingests it (ingest.pipeline.parse_file, as the worker does) and compares each page's text
with the same page of the original, both through the same pipeline. Prints, per page and
as median and minimum, two character accuracies: the project's own (runs of 12 reference
words aligned anywhere in the OCR text, tests/ingest/scans.py `char_accuracy`) and the
published flexible character accuracy (Clausner et al. 2020, blocks matched in any order,
tests/ingest/flex_accuracy.py); then pages/s, and peak memory: this process (pdfium,
Pillow, the pipeline) and the largest OCR engine process (one per page).

Then searches both, as the app does: the original's and the scan's passages indexed in the
embedded engine (search.sqlite_fts), and three five-word phrases of each original page
(near its start, middle and end, tests/ingest/scans.py `sample_phrases`) searched as quoted
phrases within each document. Counts the phrases the scan finds on the same page(s) as the
original, those it does not find, and those it finds elsewhere, and lists each miss.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium

from benchmarks.ingest_memory import max_rss, reset_peak
from ingest.pipeline import ParsedDocument, ParseOptions, parse_file
from search.base import Filters, PassageDoc, SearchRequest
from search.query import prepare
from search.sqlite_fts import SqliteFtsEngine
from tests.ingest.scans import (
    char_accuracy,
    flex_accuracy,
    make_scan,
    page_texts,
    phrase_pages,
    sample_phrases,
)

ROOT = Path(__file__).resolve().parents[1]
POLICY = (
    ROOT.parent / "shared" / "corpus" / "Commissioning-policy-individual-funding-requests-v3.pdf"
)
MB = 2**20
ORIGINAL_ID, SCAN_ID = 1, 2


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


Locate = Callable[[str], list[int]]


def _index(
    parsed: ParsedDocument, document_id: int, page_of: Callable[[int], int]
) -> tuple[list[PassageDoc], dict[int, Locate]]:
    """The passages as the index gets them, and for each, where in it (on which of the
    original's pages) a phrase is: a passage may run over a page break."""
    docs, locate = [], {}
    for p in parsed.passages:
        doc = PassageDoc(
            document_id * 1_000_000 + p.ordinal,
            document_id,
            document_id,
            p.text,
            "document",
            "other",
            page_start=page_of(p.page_start) if p.page_start else None,
            page_end=page_of(p.page_end) if p.page_end else None,
            start=p.start,
            end=p.end,
            ordinal=p.ordinal,
        )
        docs.append(doc)
        # Where the engine's match is not found again (its folding is wider), the passage's
        # pages stand for it.
        whole = list(range(doc.page_start or 0, (doc.page_end or doc.page_start or 0) + 1))
        locate[doc.passage_id] = lambda phrase, p=p, whole=whole: (
            [page_of(n) for n in phrase_pages(phrase, p.text, p.start, parsed.page_offsets)]
            or whole
        )
    return docs, locate


async def _pages_hit(
    engine: SqliteFtsEngine, locate: dict[int, Locate], document_id: int, phrase: str
) -> list[int]:
    """The pages where a quoted phrase is found in one document."""
    query = SearchRequest(
        prepare(f'"{phrase}"'), Filters(document_ids=(document_id,)), limit=100, facets=False
    )
    hits = (await engine.search(query)).hits
    return sorted({page for hit in hits for page in locate[hit.passage_id](phrase)})


async def phrase_hits(original: ParsedDocument, scanned: ParsedDocument, pages: list[int]) -> dict:
    """Each page's sampled phrases searched in the original and in the scan (whose page n
    is the original's pages[n - 1]): same pages, not in the scan, or on other pages."""
    with tempfile.TemporaryDirectory(prefix="ewb-ocr-search-") as tmp:
        engine = SqliteFtsEngine(Path(tmp) / "search.db")
        await engine.ensure_ready()
        docs, locate = _index(original, ORIGINAL_ID, lambda n: n)
        scan_docs, scan_locate = _index(scanned, SCAN_ID, lambda n: pages[n - 1])
        await engine.replace_documents([ORIGINAL_ID, SCAN_ID], docs + scan_docs)
        locate |= scan_locate
        counts: Counter[str] = Counter()
        misses = []
        texts = page_texts(original)
        for page in pages:
            for phrase in sample_phrases(texts[page - 1]):
                want = await _pages_hit(engine, locate, ORIGINAL_ID, phrase)
                got = await _pages_hit(engine, locate, SCAN_ID, phrase)
                kind = (
                    "not_in_original"
                    if not want
                    else "same_pages"
                    if got == want
                    else "not_in_scan"
                    if not got
                    else "other_pages"
                )
                counts[kind] += 1
                if kind != "same_pages":
                    misses.append(
                        {
                            "page": page,
                            "phrase": phrase,
                            "kind": kind,
                            "original": want,
                            "scan": got,
                        }
                    )
        await engine.close()
    kinds = ("same_pages", "not_in_scan", "other_pages", "not_in_original")
    return {"phrases": sum(counts.values()), **{k: counts[k] for k in kinds}, "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=POLICY)
    parser.add_argument("--pages", default="", help="e.g. 2-6 (default: all)")
    parser.add_argument("--languages", default="eng")
    args = parser.parse_args()
    with pdfium.PdfDocument(args.file) as doc:
        count = len(doc)
    first, last = (int(x) for x in args.pages.split("-")) if args.pages else (1, count)
    pages = list(range(first, last + 1))
    parse_original = parse_file(args.file, args.file.name, ParseOptions())
    original = page_texts(parse_original)
    with tempfile.TemporaryDirectory(prefix="ewb-ocr-bench-") as tmp:
        scan = make_scan(args.file, Path(tmp) / "scan.pdf", pages, {8: 90}, {13: 1.5})
        reset_peak()
        started, cpu_started = time.perf_counter(), _cpu()
        parsed = parse_file(scan, "scan.pdf", ParseOptions(languages=args.languages))
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu_started
    pairs = list(zip((original[n - 1] for n in pages), page_texts(parsed), strict=True))
    scores = [char_accuracy(ref, ocr) for ref, ocr in pairs]
    flex = [flex_accuracy(ref, ocr) for ref, ocr in pairs]
    report = {
        "file": args.file.name,
        "pages": len(pages),
        "median_char_accuracy": round(statistics.median(scores), 4),
        "min_page_accuracy": round(min(scores), 4),
        "worst_pages": sorted(zip(scores, pages, strict=True))[:3],
        "median_flex_accuracy": round(statistics.median(flex), 4),
        "min_page_flex_accuracy": round(min(flex), 4),
        "worst_pages_flex": sorted(zip(flex, pages, strict=True))[:3],
        "pages_per_s": round(len(pages) / seconds, 3),
        "seconds": round(seconds, 1),
        # CPU seconds (this process and the OCR engine's) hardly move with the machine's
        # load, unlike wall time: pages per CPU-second is what one free core would do.
        "cpu_seconds": round(cpu, 1),
        "pages_per_cpu_s": round(len(pages) / cpu, 3),
        "mean_confidence": round(
            statistics.mean(s.confidence or 0 for s in parsed.page_sources), 1
        ),
        "peak_rss_mb": round(max_rss() / MB),
        "peak_engine_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / MB
        ),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    report["phrase_search"] = asyncio.run(phrase_hits(parse_original, parsed, pages))
    print("page  char_accuracy  flex_accuracy")
    for number, score, flexible in zip(pages, scores, flex, strict=True):
        print(f"{number:4d}  {score:13.4f}  {flexible:13.4f}")
    search = report["phrase_search"]
    print(
        f"phrases: {search['phrases']}, same pages {search['same_pages']}, not in the scan"
        f" {search['not_in_scan']}, other pages {search['other_pages']}, not found in the"
        f" original {search['not_in_original']}"
    )
    for miss in search["misses"]:
        print(
            f'  page {miss["page"]} {miss["kind"]}: "{miss["phrase"]}" original'
            f" {miss['original']} scan {miss['scan']}"
        )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
