"""The pure parts: theory and CMOC notes, passages of an imported text, GUIDs and times."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from backend.refi import notes, passages
from backend.refi.common import SCHEMA_PATH, guid, norm_guid, parse_datetime, xsd_datetime
from tests.backend.refi.conftest import PROJECT_XSD

AWKWARD = (
    "line\r\nbreak \x01 control, \ufffe non-character, emoji 😀, [Evidence Workbench CMOC]\n{}"
)


def test_the_shipped_schema_is_the_shared_one():
    assert SCHEMA_PATH.read_bytes() == PROJECT_XSD.read_bytes()


def test_cmoc_notes_come_back_exactly_whatever_the_text():
    cmoc = SimpleNamespace(
        title="T — é",
        context=AWKWARD,
        mechanism_resource="",
        mechanism_reasoning="r",
        outcome="o\n",
        memo=AWKWARD,
        status="draft",
    )
    kind, fields = notes.parse(notes.cmoc_text(cmoc))
    assert kind == "cmoc"
    assert fields == {f: getattr(cmoc, f) for f in notes.CMOC_FIELDS}


def test_theory_notes_come_back_exactly():
    theory = SimpleNamespace(framework="", statement=AWKWARD, form="cmo", status="revised")
    assert notes.parse(notes.theory_text(theory)) == (
        "theory",
        {"framework": "", "statement": AWKWARD, "form": "cmo", "status": "revised"},
    )


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "A memo",
        "[Evidence Workbench CMOC]\nnot json",
        "x\n[Evidence Workbench CMOC]\n[1]",
    ],
)
def test_other_notes_are_not_ours(text):
    assert notes.parse(text) is None


def test_readable_part_of_a_note_has_no_characters_xml_refuses():
    theory = SimpleNamespace(framework="", statement=AWKWARD, form="free", status="initial")
    text = notes.theory_text(theory)
    assert "\x01" not in text and "\ufffe" not in text


def test_passages_cover_the_text_exactly_and_know_their_pages():
    text = "Title\n\n" + "A sentence that goes on. " * 100 + "\r\n\r\nLast line.\n"
    offsets = [0, 1000, 2000]
    rows = passages.split(text, offsets, transcript=False, max_chars=500)
    assert all(text[r.start : r.end] == r.text and r.end - r.start <= 500 for r in rows)
    assert [r.ordinal for r in rows] == list(range(len(rows)))
    assert rows[0].page_start == 1 and rows[-1].page_end == 3
    assert rows[-1].text.endswith("Last line.")


def test_transcript_passages_are_turns_with_speakers():
    text = "Interview 3\n\nInterviewer: How was it?\n\nP3: Fine, really.\n\nP3: And then?"
    rows = passages.split(text, [], transcript=True, max_chars=1500)
    assert [(r.speaker, r.text) for r in rows] == [
        (None, "Interview 3"),
        ("Interviewer", "Interviewer: How was it?"),
        ("P3", "P3: Fine, really."),
        ("P3", "P3: And then?"),
    ]
    assert all(r.page_start is None for r in rows)


def test_guids_are_stable_and_distinct():
    assert guid(1, "annotation", 5) == guid(1, "annotation", 5)
    assert len({guid(1, "annotation", 5), guid(2, "annotation", 5), guid(1, "memo", 5)}) == 3
    assert norm_guid("{0000000A-AAAA-BBBB-CCCC-DDDDDDDDDDDD}") == (
        "0000000a-aaaa-bbbb-cccc-dddddddddddd"
    )


def test_times_round_trip_to_the_microsecond():
    moment = dt.datetime(2026, 1, 31, 9, 5, 0, 123456, tzinfo=dt.UTC)
    assert parse_datetime(xsd_datetime(moment)) == moment
    assert xsd_datetime(moment.replace(microsecond=0)) == "2026-01-31T09:05:00Z"
    assert parse_datetime("2019-03-18T10:21:54.1234567+01:00") == dt.datetime(
        2019, 3, 18, 9, 21, 54, 123456, tzinfo=dt.UTC
    )
    assert parse_datetime("yesterday") is None
