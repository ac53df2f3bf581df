"""ingest.pipeline.parse_file on the shared corpus and on generated transcripts."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import docx
import pytest

from ingest.errors import IngestError
from ingest.layout import CONTENTS
from ingest.pipeline import ParsedDocument, ParseOptions, parse_file
from tests.conftest import CONSTITUTION_DOCX, INSULIN_PDF, POLICY_PDF, SOP_PDF
from tests.ingest.pdfs import make_pdf, paragraph

CORPUS_DOCS = [POLICY_PDF, SOP_PDF, INSULIN_PDF, CONSTITUTION_DOCX]
IDS = ["policy", "sop", "insulin", "constitution"]
SENTENCE_INSIDE = re.compile(r"[.!?;:][\"'”’)\]]*\s")
SENTENCE_AT_END = re.compile(r"[.!?;:][\"'”’)\]]*$")


def parsed(path: Path, max_chars: int = 1500) -> ParsedDocument:
    return _parsed(path, max_chars)


@cache
def _parsed(path: Path, max_chars: int) -> ParsedDocument:
    return parse_file(path, path.name, ParseOptions(max_chars=max_chars))


corpus = pytest.mark.parametrize("path", CORPUS_DOCS, ids=IDS)


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "pages"), [(POLICY_PDF, 29), (SOP_PDF, 67), (INSULIN_PDF, 4)], ids=IDS[:3]
)
def test_pdf_page_counts(path: Path, pages: int) -> None:
    assert parsed(path).page_count == pages


def test_docx_page_count_from_its_rendering() -> None:
    doc = parsed(CONSTITUTION_DOCX)
    assert (doc.format, doc.page_count) == ("docx", 48)  # as in Word (tests/ingest/formats/)


@pytest.mark.parametrize(
    ("path", "pagination"),
    [(POLICY_PDF, "rendered"), (SOP_PDF, "rendered"), (CONSTITUTION_DOCX, "rendered")],
    ids=["policy", "sop", "constitution"],
)
def test_pagination_says_where_pages_come_from(path: Path, pagination: str) -> None:
    assert parsed(path).pagination == pagination


@corpus
def test_page_offsets_one_per_page_from_zero_non_decreasing(path: Path) -> None:
    doc = parsed(path)
    offsets = doc.page_offsets
    assert len(offsets) == doc.page_count
    assert offsets[0] == 0
    assert offsets == sorted(offsets)
    assert offsets[-1] < len(doc.text)


# --- passages ------------------------------------------------------------------------------------


@corpus
def test_passages_are_exact_slices_of_the_text(path: Path) -> None:
    doc = parsed(path)
    assert len(doc.passages) > 10
    for i, passage in enumerate(doc.passages):
        assert passage.ordinal == i
        assert passage.text.strip()
        assert passage.text == doc.text[passage.start : passage.end]


@corpus
def test_passage_offsets_increase_and_never_overlap(path: Path) -> None:
    passages = parsed(path).passages
    for before, after in zip(passages, passages[1:], strict=False):
        assert before.start < before.end <= after.start < after.end


@corpus
def test_passage_pages_within_the_document(path: Path) -> None:
    doc = parsed(path)
    for passage in doc.passages:
        assert 1 <= passage.page_start <= passage.page_end <= doc.page_count, passage


@corpus
def test_page_of_a_passage_start_offset_is_its_first_page(path: Path) -> None:
    doc = parsed(path)
    for passage in doc.passages:
        page = bisect.bisect_right(doc.page_offsets, passage.start)
        assert page == passage.page_start, passage.text[:80]


@pytest.mark.parametrize(
    ("path", "max_chars"),
    [
        *((path, 1500) for path in CORPUS_DOCS),
        (POLICY_PDF, 400),
        (SOP_PDF, 400),
        (INSULIN_PDF, 400),
    ],
    ids=[*IDS, "policy-400", "sop-400", "insulin-400"],
)
def test_no_passage_over_max_chars(path: Path, max_chars: int) -> None:
    lengths = [len(p.text) for p in parsed(path, max_chars).passages]
    assert max(lengths) <= max_chars


@pytest.mark.parametrize("path", [POLICY_PDF, SOP_PDF], ids=IDS[:2])
def test_blocks_split_for_size_are_cut_at_a_sentence_end(path: Path) -> None:
    doc = parsed(path, 400)
    cut = [
        (before, after)
        for before, after in zip(doc.passages, doc.passages[1:], strict=False)
        if "\n\n" not in doc.text[before.end : after.start]  # same block on both sides
    ]
    assert len(cut) >= 10
    at_sentence_end = 0
    for before, _ in cut:
        piece = before.text.rsplit("\n\n", 1)[-1]  # the part of the long block
        if SENTENCE_AT_END.search(piece):
            at_sentence_end += 1
        else:  # only cut elsewhere when that piece of the block had no sentence end at all
            assert not SENTENCE_INSIDE.search(piece), piece
    assert at_sentence_end >= len(cut) // 2


# --- headings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "path_tail"),
    [
        (POLICY_PDF, ["Equality statement"]),
        (POLICY_PDF, ["Plain language summary", "When does this policy apply?"]),
        (POLICY_PDF, ["Experimental and unproven treatments", "What is an unproven treatment?"]),
        (SOP_PDF, ["The Screening Group", "Outcomes at IFR screening"]),
        (
            SOP_PDF,
            ["Introduction", "Individual funding requests for NHS England prescribed services"],
        ),
        (INSULIN_PDF, ["Introduction", "Safe Disposal of needles"]),
        (CONSTITUTION_DOCX, ["3 Appointments process for the board", "3.3 Chair"]),
    ],
    ids=lambda v: v.name[:12] if isinstance(v, Path) else v[-1][:30],
)
def test_known_headings_in_heading_paths(path: Path, path_tail: list[str]) -> None:
    doc = parsed(path)
    matches = [p for p in doc.passages if p.heading_path[-len(path_tail) :] == path_tail]
    assert matches, sorted({tuple(p.heading_path) for p in doc.passages})
    assert path_tail[-1] in matches[0].text.split("\n\n")  # the heading is in the passage


def test_document_title_heads_every_policy_path() -> None:
    doc = parsed(POLICY_PDF)
    assert all(
        p.heading_path[0] == "Commissioning policy: individual funding requests"
        for p in doc.passages
    )


# --- running heads, page numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        (POLICY_PDF, r"\d+ \| individual funding requests"),  # the footer on every page
        (SOP_PDF, r"\| Standard operating procedures"),
        (INSULIN_PDF, r"Page \d of 4"),
        (CONSTITUTION_DOCX, r"NHSCP ICB Constitution v1\.5"),  # the DOCX footer
    ],
    ids=IDS,
)
def test_running_heads_are_not_in_the_text(path: Path, pattern: str) -> None:
    assert not re.search(pattern, parsed(path).text)


@corpus
def test_no_page_number_paragraphs(path: Path) -> None:
    text = parsed(path).text
    assert not re.search(r"(?:^|\n\n)(?:page )?\d{1,3}(?: of \d+)?(?:\n\n|$)", text, re.I)


# --- guessed metadata ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "title", "date", "document_type", "rules"),
    [
        (
            POLICY_PDF,
            "Commissioning policy: individual funding requests",
            dt.date(2023, 2, 8),  # "Version 3, 8 February 2023" on the cover
            "policy",
            ("heading", "version"),
        ),
        (
            SOP_PDF,
            "Standard operating procedures: Individual funding requests",
            dt.date(2023, 2, 8),  # "Version 5, 8 February 2023" before the file name's month
            "policy",
            ("heading", "version"),
        ),
        # PDF info title; "Date ratified: December 2024" in the table on the last page
        (
            INSULIN_PDF,
            "Prescribing of Insulin Needles",
            dt.date(2024, 12, 1),
            "other",
            ("file_metadata", "ratified"),
        ),
        (
            CONSTITUTION_DOCX,
            "NHS Cambridgeshire and Peterborough Integrated Care Board — CONSTITUTION",
            dt.date(2025, 10, 1),  # "Approved-NHS-England-October-2025" in the file name
            "other",
            ("heading", "filename"),
        ),
    ],
    ids=IDS,
)
def test_guessed_metadata(
    path: Path, title: str, date: dt.date | None, document_type: str, rules: tuple[str, str]
) -> None:
    doc = parsed(path)
    assert (doc.title, doc.date, doc.document_type) == (title, date, document_type)
    assert (doc.metadata_sources["title"], doc.metadata_sources["date"]) == rules
    assert (doc.source_type, doc.status, doc.message) == ("document", "ready", None)


@pytest.mark.parametrize(
    ("path", "organisation"),
    [
        (CONSTITUTION_DOCX, "NHS Cambridgeshire and Peterborough Integrated Care Board"),
        # "Authored by:" in the last page's table beats the councils its bin advice lists
        (INSULIN_PDF, "Cambridgeshire and Peterborough Integrated Care Board"),
        (POLICY_PDF, None),  # NHS England is not a name the guesser knows
        (SOP_PDF, None),  # and "NHS England and ICB IFR Teams" is not an organisation
    ],
    ids=["constitution", "insulin", "policy", "sop"],
)
def test_guessed_organisation(path: Path, organisation: str | None) -> None:
    assert parsed(path).organisation == organisation


def test_guessed_organisation_is_named_in_the_text() -> None:
    doc = parsed(INSULIN_PDF)
    assert doc.organisation and doc.organisation in doc.text


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (ParseOptions(), (None, "policy", "document")),  # the guesses
        (
            ParseOptions(organisation="NHS England", document_type="strategy", source_type="x"),
            ("NHS England", "strategy", "x"),
        ),
        (ParseOptions(source_type="observation"), (None, "field_notes", "observation")),
        (ParseOptions(document_type="minutes"), (None, "minutes", "document")),
    ],
)
def test_options_override_guesses(options: ParseOptions, expected: tuple) -> None:
    doc = parse_file(POLICY_PDF, POLICY_PDF.name, options)
    assert (doc.organisation, doc.document_type, doc.source_type) == expected
    assert doc.title == "Commissioning policy: individual funding requests"
    assert all(p.speaker is None for p in doc.passages)


def test_original_name_not_path_drives_the_guesses(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "upload.pdf", [paragraph(700, 4, "diabetes")])
    doc = parse_file(pdf, "Diabetes-strategy-March-2021.pdf", ParseOptions())
    assert (doc.date, doc.document_type) == (dt.date(2021, 3, 1), "strategy")
    assert (doc.title, doc.metadata_sources["date"]) == ("Diabetes strategy March 2021", "filename")
    # A date the document gives itself beats its file name's.
    doc = parse_file(INSULIN_PDF, "Diabetes-strategy-March-2021.pdf", ParseOptions())
    assert (doc.date, doc.metadata_sources["date"]) == (dt.date(2024, 12, 1), "ratified")


# --- transcripts ---------------------------------------------------------------------------------

HEADER = ["Interview 7 - ward manager", "Date: 3 March 2024"]
TURNS = [
    "Interviewer: Thanks for joining. Can you describe your role?",
    "P3: I manage the ward. I have done so for six years.",
    "and before that I was a staff nurse here.",
    "[00:01:02] Interviewer: What changed when the new policy came in?",
    "R: Honestly, not much at first.",
    "P3: The panel paperwork got longer.",
]
EXPECTED_TURNS = [
    ("Interviewer", "Interviewer: Thanks for joining. Can you describe your role?"),
    (
        "P3",
        "P3: I manage the ward. I have done so for six years. and before that I was a "
        "staff nurse here.",
    ),
    ("Interviewer", "Interviewer: What changed when the new policy came in?"),
    ("R", "R: Honestly, not much at first."),
    ("P3", "P3: The panel paperwork got longer."),
]


def write_txt(path: Path, header: list[str], lines: list[str]) -> Path:
    path = path.with_suffix(".txt")
    path.write_text("\n".join(header) + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_docx(path: Path, header: list[str], lines: list[str]) -> Path:
    path = path.with_suffix(".docx")
    document = docx.Document()
    for line in [*header, *lines]:
        document.add_paragraph(line)
    document.save(path)
    return path


WRITERS = pytest.mark.parametrize("write", [write_txt, write_docx], ids=["txt", "docx"])


def parse(path: Path, **options) -> ParsedDocument:
    return parse_file(path, path.name, ParseOptions(**options))


@WRITERS
def test_transcript_turns_become_passages(tmp_path: Path, write: Callable) -> None:
    doc = parse(write(tmp_path / "interview-7", HEADER, TURNS))
    assert (doc.source_type, doc.document_type) == ("interview", "transcript")
    assert doc.date == dt.date(2024, 3, 3)
    header, turns = doc.passages[: -len(EXPECTED_TURNS)], doc.passages[-len(EXPECTED_TURNS) :]
    # A DOCX continuation paragraph stays a paragraph; a text file's next line joins its line.
    assert [(p.speaker, p.text.replace("\n\n", " ")) for p in turns] == EXPECTED_TURNS
    assert [(p.line_start, p.line_end) for p in turns] == (
        [(3, 3), (4, 5), (6, 6), (7, 7), (8, 8)]
        if write is write_docx  # paragraph numbers
        else [(4, 4), (5, 6), (7, 7), (8, 8), (9, 9)]  # lines of the file (a blank line at 3)
    )
    assert [p.speaker_role for p in turns] == [
        "interviewer",
        "interviewee",
        "interviewer",
        "interviewee",
        "interviewee",
    ]
    assert [(p.timestamp, p.timestamp_label) for p in turns][2] == (62.0, "00:01:02")
    assert all(p.speaker is None and p.turn is None for p in header)
    assert [p.turn for p in turns] == list(range(1, len(EXPECTED_TURNS) + 1))
    assert doc.pagination == "none"
    assert " ".join(p.text.replace("\n\n", " ") for p in header) == " ".join(HEADER)
    assert all(p.text == doc.text[p.start : p.end] for p in doc.passages)


@WRITERS
def test_long_turn_split_into_passages_of_one_speaker(tmp_path: Path, write: Callable) -> None:
    answer = " ".join(f"Then on day {i} we changed the rota again." for i in range(40))
    lines = ["Interviewer: What happened?", f"P3: {answer}", "Interviewer: I see.", "R: Yes."]
    doc = parse(write(tmp_path / "long", HEADER, lines), max_chars=300)
    p3 = [p for p in doc.passages if p.speaker == "P3"]
    assert len(p3) >= 5
    assert all(len(p.text) <= 300 for p in doc.passages)
    assert p3[0].text.startswith("P3: Then on day 0")
    assert " ".join(p.text for p in p3) == f"P3: {answer}"
    assert {p.turn for p in p3} == {2}  # the pieces of one turn share its number
    assert [p.speaker for p in doc.passages][-2:] == ["Interviewer", "R"]


@WRITERS
def test_document_with_note_lines_is_not_a_transcript(tmp_path: Path, write: Callable) -> None:
    lines = [
        "Patients are discharged when medically fit and a care plan is agreed with them.",
        "Note: weekend discharges need a senior review before the patient leaves.",
        "The ward manager signs off every discharge and records it on the system.",
        "Note: this replaces the 2021 version of the procedure.",
        "Pharmacy must supply take-home medicines before noon on the day.",
    ]
    doc = parse(write(tmp_path / "discharge-procedure", ["Discharge procedure"], lines))
    assert (doc.source_type, doc.document_type) == ("document", "policy")
    assert all(p.speaker is None for p in doc.passages)
    assert "Note: weekend discharges" in doc.text


@WRITERS
def test_interview_source_type_forces_turns(tmp_path: Path, write: Callable) -> None:
    lines = ["Interviewer: Shall we start?", "P3: Yes, go ahead.", "It was a long winter."]
    path = write(tmp_path / "short", ["Ward visit"], lines)
    assert parse(path).source_type == "document"  # too few turns to guess
    doc = parse(path, source_type="interview")
    assert (doc.source_type, doc.document_type) == ("interview", "transcript")
    assert [p.speaker for p in doc.passages] == [None, "Interviewer", "P3"]
    assert doc.passages[-1].text.replace("\n\n", " ") == "P3: Yes, go ahead. It was a long winter."


@WRITERS
def test_other_source_type_turns_off_transcript_detection(tmp_path: Path, write: Callable) -> None:
    doc = parse(write(tmp_path / "interview-7", HEADER, TURNS), source_type="document")
    assert doc.document_type == "other"
    assert all(p.speaker is None for p in doc.passages)


def test_file_with_no_text_is_an_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "blank.docx"
    docx.Document().save(path)
    with pytest.raises(IngestError, match="No text"):
        parse(path)


@corpus
def test_a_contents_page_is_no_sections_parent(path: Path) -> None:
    paths = [p.heading_path for p in parsed(path).passages]
    assert not any(CONTENTS.match(h) for heading_path in paths for h in heading_path[:-1])
    # and the contents passage itself is one of the first pages'
    own = [p for p in parsed(path).passages if any(CONTENTS.match(h) for h in p.heading_path)]
    assert all((p.page_start or 1) <= 3 for p in own)
