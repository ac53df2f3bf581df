"""Guessed titles, dates and headings on PDFs made to reproduce what real NHS guidance
did to the guesser (issue 16, item 6): a bullet as the title, a cited appraisal's date
taken for the document's own, a ratification date on the last page missed, a contents
page as every section's parent heading."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ingest.layout import CONTENTS
from ingest.pipeline import ParsedDocument, ParseOptions, parse_file
from tests.ingest.pdfs import body, heading, make_pdf, paragraph, with_title

BULLET = "o Replacement transmitters for continuous glucose monitors"


def parse(path: Path) -> ParsedDocument:
    return parse_file(path, path.name, ParseOptions())


def test_a_bullet_is_never_the_title(tmp_path: Path) -> None:
    page = [
        heading(760, "Continuous glucose monitoring", 22),
        *paragraph(720, 4, "glucose monitoring"),
        body(640, BULLET),
        body(626, "o Sensors for people who meet the criteria"),
    ]
    pdf = with_title(make_pdf(tmp_path / "cgm.pdf", [page]), BULLET)  # as Word sets it
    doc = parse(pdf)
    assert (doc.title, doc.metadata_sources["title"]) == (
        "Continuous glucose monitoring",
        "heading",
    )


def test_a_bullet_in_a_large_font_is_passed_over(tmp_path: Path) -> None:
    page = [
        (72, 780, 18, BULLET, "Helvetica"),
        (72, 730, 18, "Glucose monitoring policy", "Helvetica"),
        *paragraph(720, 4, "glucose monitoring"),
    ]
    doc = parse(make_pdf(tmp_path / "cgm.pdf", [page]))
    assert doc.title == "Glucose monitoring policy"


def test_own_ratification_date_not_the_cited_appraisals(tmp_path: Path) -> None:
    cover = [
        heading(760, "Flash glucose monitoring policy", 22),
        body(720, "This policy follows NICE technology appraisal TA943, published 12 March 2019,"),
        body(706, "and sets out who may be prescribed sensors in the area."),
        *paragraph(680, 20, "prescribing"),
    ]
    middle = [heading(760, "Eligibility"), *paragraph(730, 30, "eligibility")]
    control = [
        heading(760, "Document control"),
        body(730, "Authored by: Medicines Optimisation Team"),
        body(716, "Ratified by: Joint Prescribing Group"),
        body(702, "Date ratified: October 2023"),
        body(688, "Review date: October 2026"),
    ]
    doc = parse(make_pdf(tmp_path / "flash.pdf", [cover, middle, control]))
    assert (doc.date, doc.metadata_sources["date"]) == (dt.date(2023, 10, 1), "ratified")


def test_only_a_cited_date_gives_no_date(tmp_path: Path) -> None:
    page = [
        heading(760, "Flash glucose monitoring", 22),
        body(720, "In line with NICE guideline NG28 (December 2015) sensors may be prescribed."),
        *paragraph(700, 5, "prescribing"),
    ]
    doc = parse(make_pdf(tmp_path / "flash.pdf", [page]))
    assert (doc.date, doc.metadata_sources["date"]) == (None, "none")


def test_a_contents_page_is_no_sections_parent(tmp_path: Path) -> None:
    cover = [
        heading(780, "Winter discharge plan", 24),
        heading(740, "Contents", 18),  # larger than the sections' headings
        body(710, "Introduction ...................................... 2"),
        body(696, "Scope ............................................. 2"),
        body(682, "Eligibility ....................................... 3"),
    ]
    two = [
        heading(760, "Introduction", 14),
        *paragraph(740, 5, "discharge"),
        heading(650, "Scope", 14),
        *paragraph(630, 5, "community"),
    ]
    three = [heading(760, "Eligibility", 14), *paragraph(740, 5, "eligibility")]
    doc = parse(make_pdf(tmp_path / "winter.pdf", [cover, two, three]))
    top = "Winter discharge plan"
    headings = [tuple(p.heading_path) for p in doc.passages]
    assert headings == [
        (top, "Contents"),
        (top, "Introduction"),
        (top, "Scope"),
        (top, "Eligibility"),
    ]
    assert not any(CONTENTS.match(h) for p in doc.passages[1:] for h in p.heading_path)
    assert doc.title == "Winter discharge plan"
