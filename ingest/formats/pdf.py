"""PDF adapter: pypdfium2 text, plus layout hints from one char per line.

Per-char queries over the whole text would cost more than the extraction itself.
"""

from __future__ import annotations

import ctypes
import math
import re
import threading
from collections import Counter, defaultdict
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from unstructured.documents import elements as el

from ingest import ocr
from ingest.errors import IngestError, NeedsOCR
from ingest.formats import scan
from ingest.formats.base import Extracted, FileProbe
from ingest.formats.lines import MARGIN, MARGIN_MIN_PT
from ingest.formats.lines import Line as _Line
from ingest.ocr import OcrOptions, PageSource

MIN_CHARS_PER_PAGE = 20  # below this on average the text layer is missing (a scan)
SOFT_HYPHEN = "\ufffe"  # pdfium's marker for a line-end hyphen it joined across lines
_PREFIXES = frozenset(["anti", "co", "cross", "ex", "multi", "non", "post", "pre", "self", "well"])

_LINE = re.compile(r"[^\r\n]+")
_WORD_CHAR = re.compile(r"\w")
_GLYPH_BULLET = re.compile(r"^(?:[•●▪■◦‣∙○◆❖➢➤►✓✔\ue000-\uf8ff]\s*|[-–—*o]\s+)")
# OCR reads round bullets as ¢, «, © or °; only OCR'd lines are read that way, since in a
# text layer "© NHS England" is the text itself and must not lose its sign.
_OCR_BULLET = re.compile(r"^(?:[•●▪■◦‣∙○◆❖➢➤►✓✔\ue000-\uf8ff]\s*|[-–—*o¢«©°]\s+)")


def _bullet(line: _Line) -> re.Pattern[str]:
    return _OCR_BULLET if line.para >= 0 else _GLYPH_BULLET


_NUMBERED = re.compile(r"^\(?(?:\d{1,3}[.)](?:\s+|(?=[A-Z]))|(?:[a-zA-Z]|[ivx]{1,5})[.)]\s+)")
_PAGE_ANYWHERE = re.compile(r"^page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_PAGE_IN_MARGIN = re.compile(r"^[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—]?(?:\s*/\s*\d{1,4})?$")
_PAGE_LABEL = re.compile(r"^(\d{1,4})\s*[|·•–—-]\s*\S|\S\s*[|·•–—-]\s*(\d{1,4})$")
_SOFT_RE = re.compile(r"([^\s\ufffe]*)\ufffe(?=(\S?))")
_JUNK = re.compile(r"[\ue000-\uf8ff\ufffe\x00-\x08\x0b\x0c\x0e-\x1f]")
_BOLD_NAME = re.compile(rb"bold|black|heavy", re.I)
_JUNK_TITLE = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel) - |untitled|document\d*$|slide \d+$)"
    r"|\.(?:docx?|pptx?|xlsx?|pdf|rtf|odt|indd|qxd|tmp)$",
    re.I,
)
_LOCKED = "The PDF is password-protected; remove the password and upload it again."
_LOCKED_CODES = (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY)
_DAMAGED = "The PDF is damaged or incomplete (e.g. truncated) and cannot be opened; re-export it."
_ROLE_CLASS = {"top": el.Header, "bottom": el.Footer, "page": el.PageNumber}
PDFIUM_LOCK = threading.Lock()  # pdfium is not thread-safe; concurrent calls can crash


@dataclass(slots=True)
class _Run:
    lines: list[_Line]
    soft: bool  # split from the previous run only by a font change, not by layout
    kind: type[el.Text] = el.NarrativeText


@dataclass(frozen=True)
class _Stats:
    body: float  # most common font size, weighted by chars
    pitch: float  # most common baseline-to-baseline distance in body text
    repeated: frozenset[str]  # margin lines (digits as #) seen on many pages


class PdfAdapter:
    name: ClassVar[str] = "pdf"

    def score(self, probe: FileProbe) -> int:
        return 100 if b"%PDF-" in probe.head[:1024] else 0

    def extract(self, path: Path, ocr_options: OcrOptions | None = None) -> Extracted:
        options = ocr_options or OcrOptions()
        with PDFIUM_LOCK:
            doc = _open(path)
        try:
            count = len(doc)
            if count == 0:
                raise IngestError("The PDF has no pages.")
            lines: list[_Line] = []
            sources: list[PageSource] = []
            for index in range(count):  # one page at a time: a 500-page scan is one page big
                page_lines, source = _read_page(doc, index, options)
                lines += page_lines
                sources.append(source)
                if options.progress is not None:
                    options.progress(index + 1, count)
            with PDFIUM_LOCK:
                title = _metadata_title(doc)
        finally:
            with PDFIUM_LOCK:
                doc.close()
        if sum(len(line.text) for line in lines) < MIN_CHARS_PER_PAGE * count:
            raise NeedsOCR(_no_text(sources), count)
        return Extracted(
            elements=elements_of(lines, count),
            page_count=count,
            title=title,
            pagination="rendered",
            page_sources=sources,
        )


def _read_page(
    doc: pdfium.PdfDocument, index: int, options: OcrOptions
) -> tuple[list[_Line], PageSource]:
    """A page's lines from its text layer, or from OCR when it has no usable one. The
    pdfium lock is held to read and render, not while the OCR engine works."""
    with PDFIUM_LOCK:
        lines = _page_lines(doc, index)
        with closing(doc[index]) as page:
            if not scan.needs_ocr(page, lines) or not ocr.available():
                return lines, PageSource(index + 1, scan.TEXT_LAYER)
            image = scan.render(page)
    return scan.ocr_lines(image, index + 1, options.languages)


def _no_text(sources: list[PageSource]) -> str:
    if not any(source.text_source == scan.OCR for source in sources):
        return (
            "The PDF has no text layer (it looks scanned or image-only) and no OCR engine is "
            "installed here (scripts/setup.sh installs tesseract-ocr); it needs OCR before "
            "its text can be searched."
        )
    return (
        "The PDF has no text layer and OCR found no readable text on its pages "
        "(blank, or too faint to read)."
    )


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        locked = getattr(exc, "err_code", None) in _LOCKED_CODES
        raise IngestError(_LOCKED if locked else _DAMAGED) from exc
    except OSError as exc:
        raise IngestError(f"The PDF could not be read: {exc.strerror or exc}.") from exc


def _metadata_title(doc: pdfium.PdfDocument) -> str | None:
    try:
        title = " ".join(doc.get_metadata_value("Title").split())
    except (pdfium.PdfiumError, UnicodeDecodeError):
        return None
    if not any(ch.isalpha() for ch in title) or _JUNK_TITLE.search(title):
        return None
    return title


class _CharProbe:
    """Reusable ctypes buffers for the few raw calls made per line of one text page."""

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self.raw = textpage.raw
        self.matrix = pdfium_c.FS_MATRIX()
        self.x, self.y = ctypes.c_double(), ctypes.c_double()
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()

    def char_index(self, text_index: int) -> int:
        index = pdfium_c.FPDFText_GetCharIndexFromTextIndex(self.raw, text_index)
        return index if index >= 0 else text_index

    def style(self, index: int) -> tuple[float, bool]:
        raw, m = self.raw, self.matrix
        size = pdfium_c.FPDFText_GetFontSize(raw, index)
        # Many producers set a 1pt font and scale it with the text matrix.
        if pdfium_c.FPDFText_GetMatrix(raw, index, m):
            size *= math.sqrt(abs(m.a * m.d - m.b * m.c))
        pdfium_c.FPDFText_GetFontInfo(raw, index, self.name, 128, self.flags)
        weight = pdfium_c.FPDFText_GetFontWeight(raw, index)
        return round(size * 2) / 2, weight >= 600 or bool(_BOLD_NAME.search(self.name.value))

    def baseline(self, index: int) -> float:
        pdfium_c.FPDFText_GetCharOrigin(self.raw, index, self.x, self.y)
        return self.y.value


def _page_lines(doc: pdfium.PdfDocument, index: int) -> list[_Line]:
    try:
        with closing(doc[index]) as page, closing(page.get_textpage()) as textpage:
            _, bottom, _, top = page.get_cropbox()
            return _lines_of(textpage, index + 1, bottom, top)
    except (pdfium.PdfiumError, AssertionError) as exc:  # pypdfium2 asserts on odd text buffers
        raise IngestError(f"Page {index + 1} of the PDF is damaged and cannot be read.") from exc


def _lines_of(textpage: pdfium.PdfTextPage, page: int, bottom: float, top: float) -> list[_Line]:
    text = textpage.get_text_range()
    probe = _CharProbe(textpage)
    margin = max((top - bottom) * MARGIN, MARGIN_MIN_PT)
    lines = []
    for match in _LINE.finditer(text):
        stripped = match.group().strip()
        if not stripped:
            continue
        # Style from the first letter/digit, so a bullet glyph's symbol font doesn't count.
        char = _WORD_CHAR.search(text, match.start(), match.end())
        pos = char.start() if char else match.start() + match.group().index(stripped[0])
        index = probe.char_index(pos)
        size, bold = probe.style(index)
        y = y_end = probe.baseline(index)
        if SOFT_HYPHEN in stripped:
            last = match.start() + len(match.group().rstrip()) - 1
            y_end = probe.baseline(probe.char_index(last))
        zone = "bottom" if y < bottom + margin else "top" if y > top - margin else ""
        lines.append(_Line(stripped, page, size, bold, y, y_end, zone))
    return lines


def elements_of(lines: list[_Line], page_count: int) -> list[el.Element]:
    stats = _stats(lines, page_count)
    for line in lines:
        line.role = _role(line, stats)
    runs = _runs(lines, stats)
    for run, nxt in zip(runs, [*runs[1:], None], strict=True):
        # The next run continues this one's sentence: a font change only, then lowercase.
        flows_on = nxt is not None and nxt.soft and nxt.lines[0].text[0].islower()
        run.kind = _classify(run, flows_on, stats)
    runs = _merge_soft_breaks(runs)
    depths = _title_depths(runs)
    elements: list[el.Element] = []
    for run in runs:
        text = _clean(_join(run.lines), run.kind, _bullet(run.lines[0]))
        if text:
            depth = depths.get(_title_key(run)) if run.kind is el.Title else None
            meta = el.ElementMetadata(page_number=run.lines[0].page, category_depth=depth)
            elements.append(run.kind(text=text, metadata=meta))
    return elements


def _stats(lines: list[_Line], page_count: int) -> _Stats:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    body = max(sizes.most_common(1)[0][0], 1.0) if sizes else 12.0  # 0 from odd Type3 fonts
    gaps: Counter[float] = Counter()
    for prev, line in zip(lines, lines[1:], strict=False):
        gap = round(prev.y_end - line.y)
        if prev.page == line.page and prev.size == line.size == body and 0 < gap < 3 * body:
            gaps[gap] += 1
    pitch = gaps.most_common(1)[0][0] if gaps else body * 1.2
    pages: defaultdict[str, set[int]] = defaultdict(set)
    for line in lines:
        if line.zone:
            pages[_margin_key(line.text)].add(line.page)
    many = max(2, page_count / 2)
    repeated = frozenset(key for key, seen in pages.items() if len(seen) >= min(3, many))
    return _Stats(body=body, pitch=max(pitch, 1.0), repeated=repeated)


def _margin_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def _role(line: _Line, stats: _Stats) -> str:
    if _PAGE_ANYWHERE.match(line.text):
        return "page"
    if not line.zone:
        return ""
    if _PAGE_IN_MARGIN.match(line.text):
        return "page"
    if _margin_key(line.text) in stats.repeated or _is_page_label(line):
        return line.zone
    return ""


def _is_page_label(line: _Line) -> bool:
    # "12 | Report title": a number near the page index (front matter shifts it a little).
    match = _PAGE_LABEL.search(line.text)
    number = int(match.group(1) or match.group(2)) if match else -99
    return abs(number - line.page) <= 3 and len(line.text.split()) <= 15


def _runs(lines: list[_Line], stats: _Stats) -> list[_Run]:
    runs: list[_Run] = []
    prev: _Line | None = None
    for line in lines:
        brk = _break(prev, line, stats)
        if brk:
            runs.append(_Run([line], soft=brk == "soft"))
        else:
            runs[-1].lines.append(line)
        prev = line
    return runs


def _break(prev: _Line | None, line: _Line, stats: _Stats) -> str:
    if prev is None or prev.page != line.page or prev.role or line.role:
        return "hard"
    if _bullet(line).match(line.text) or _NUMBERED.match(line.text):
        return "hard"
    if line.para >= 0:  # OCR: the engine's paragraphs, not spacing measured on a scan
        return "hard" if line.para != prev.para else ""
    drop = prev.y_end - line.y
    scale = max(prev.size, line.size) / stats.body
    # More than body line spacing is a paragraph break; going up is a new column or cell.
    if drop > stats.pitch * scale * 1.35 + 1 or drop < -0.5 * line.size:
        return "hard"
    if prev.size != line.size and min(prev.size, line.size) >= stats.body:
        return "hard"  # heading next to body text; smaller sizes are footnote marks and such
    return "soft" if (prev.size, prev.bold) != (line.size, line.bold) else ""


def _classify(run: _Run, flows_on: bool, stats: _Stats) -> type[el.Text]:
    first = run.lines[0]
    if first.role:
        return _ROLE_CLASS[first.role]
    if first.aside:
        return el.NarrativeText
    words = sum(len(line.text.split()) for line in run.lines)
    if first.size >= stats.body + max(1.0, stats.body * 0.08) and words <= 30:
        return el.Title
    if _bullet(first).match(first.text):
        return el.ListItem
    short = words <= 12 and not run.lines[-1].text.endswith(".")
    # Bold text running into regular text without a break is emphasis, not a heading.
    if first.bold and short and not (run.soft or flows_on) and first.size >= stats.body - 0.5:
        return el.Title
    return el.ListItem if _NUMBERED.match(first.text) else el.NarrativeText


def _merge_soft_breaks(runs: list[_Run]) -> list[_Run]:
    """Re-join body text that was split only by an inline change of font."""
    merged: list[_Run] = []
    for run in runs:
        body_like = merged and merged[-1].kind in (el.NarrativeText, el.ListItem)
        if run.soft and run.kind is el.NarrativeText and body_like:
            merged[-1].lines.extend(run.lines)
        else:
            merged.append(run)
    return merged


def _title_key(run: _Run) -> tuple[float, bool]:
    return run.lines[0].size, run.lines[0].bold


def _title_depths(runs: list[_Run]) -> dict[tuple[float, bool], int]:
    """Depth 0 for the largest heading style; at equal size bold ranks higher."""
    keys = {_title_key(run) for run in runs if run.kind is el.Title}
    ranked = sorted(keys, key=lambda key: (-key[0], not key[1]))
    return {key: depth for depth, key in enumerate(ranked)}


def _join(lines: list[_Line]) -> str:
    text = lines[0].text
    for line in lines[1:]:
        nxt = line.text
        if text[-1] in "-" + SOFT_HYPHEN and text[-2:-1].isalpha() and nxt[0].isalnum():
            text = text[:-1] + SOFT_HYPHEN + nxt
        elif nxt[0] in ",.;:)]":
            text += nxt
        else:
            text += " " + nxt
    return _SOFT_RE.sub(_resolve_hyphen, text) if SOFT_HYPHEN in text else text


def _resolve_hyphen(match: re.Match[str]) -> str:
    left, following = match.group(1), match.group(2)
    fragment = re.search(r"[A-Za-z]+$", left)
    # Rule: drop the hyphen only when lowercase follows and the left part is neither a common
    # prefix ("self-", "co-") nor part of a URL or address; otherwise it is a real hyphen.
    keep = (
        not following.islower()
        or not fragment
        or fragment.group().lower() in _PREFIXES
        or any(mark in left for mark in ("/", "@", "www."))
    )
    return left + ("-" if keep else "")


def _clean(text: str, kind: type[el.Element], bullet: re.Pattern[str]) -> str:
    if kind is el.ListItem:
        text = bullet.sub("", text, count=1)
    return " ".join(_JUNK.sub(" ", text).split())
