"""ingest.transcript: spotting interview transcripts and cutting them into speaker turns."""

from __future__ import annotations

import pytest
from unstructured.documents.elements import ElementMetadata, NarrativeText, Title

from ingest.clean import Block
from ingest.transcript import looks_like_transcript, opens_turn, turn_blocks


def para(text: str, page: int | None = None) -> NarrativeText:
    return NarrativeText(text, metadata=ElementMetadata(page_number=page))


INTERVIEW = [
    "Interview 7 - ward manager",
    "Date: 3 March 2024",
    "Interviewer: Thanks for joining. Can you describe your role?",
    "P3: I manage the ward. I have done so for six years.",
    "and before that I was a staff nurse here.",
    "[00:01:02] Interviewer: What changed when the new policy came in?",
    "R: Honestly, not much at first.",
    "P3: The panel paperwork got longer.",
]


# --- labels --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("Interviewer: Can you say more?", "Interviewer"),
        ("P3: Yes.", "P3"),
        ("R: Yes.", "R"),
        ("Participant 12: Yes.", "Participant 12"),
        ("Dr Smith: Yes.", "Dr Smith"),
        ("12: Yes.", "12"),
        ("[00:01:02] Interviewer: Go on.", "Interviewer"),
        ("(01:02) P3 : Go on.", "P3"),
        ("00:01:02 R: Go on.", "R"),
        ("  Interviewer:   Go on.", "Interviewer"),
    ],
)
def test_turn_labels(line: str, speaker: str) -> None:
    assert opens_turn(line)
    (block,) = turn_blocks([para(line)])
    assert (block.kind, block.speaker) == ("turn", speaker)
    assert block.text.startswith(f"{speaker}: ")


@pytest.mark.parametrize(
    "line",
    [
        "Note: bring the consent form.",
        "Date: 3 March 2024",
        "Location: Ward 5",
        "Re: your letter",
        "interviewer: lower case is not a label",
        "The aim of this work: to learn.",
        "See https://example.org for details",
    ],
)
def test_not_turn_labels(line: str) -> None:
    assert not opens_turn(line)
    (block,) = turn_blocks([para(line)])
    assert (block.kind, block.speaker) == ("text", None)
    assert block.text == line


# --- looks_like_transcript -----------------------------------------------------------------------


def test_interview_looks_like_a_transcript() -> None:
    assert looks_like_transcript([para(line) for line in INTERVIEW])


def test_lines_of_one_element_are_seen_separately() -> None:
    assert looks_like_transcript([para("\n".join(INTERVIEW))])


def test_document_with_a_few_note_lines_is_not_a_transcript() -> None:
    lines = [
        "Discharge policy",
        "Note: this replaces the 2021 version.",
        "Patients are discharged when medically fit and a care plan is agreed.",
        "Note: weekend discharges need a senior review.",
        "Summary: the ward manager signs off every discharge.",
        "Owner: Director of Nursing",
        "Review: yearly",
    ]
    assert not looks_like_transcript([para(line) for line in lines])


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["A: one", "B: two", "A: three", "B: four"], True),
        (["A: one", "B: two", "A: three"], False),  # fewer than 4 turns
        (["A: one", "A: two", "A: three", "A: four"], False),  # one speaker only
        (["A: one", "B: two", "A: three", "B: four", *["plain line"] * 6], True),  # 40%
        (["A: one", "B: two", "A: three", "B: four", *["plain line"] * 7], False),  # under 40%
        ([], False),
    ],
)
def test_transcript_thresholds(lines: list[str], expected: bool) -> None:
    assert looks_like_transcript([para(line) for line in lines]) is expected


# --- turn_blocks ---------------------------------------------------------------------------------


def test_turn_blocks_header_turns_and_continuations() -> None:
    blocks = turn_blocks([para(line, page=1) for line in INTERVIEW])
    assert blocks == [
        Block("text", "Interview 7 - ward manager", 1),
        Block("text", "Date: 3 March 2024", 1),
        Block(
            "turn",
            "Interviewer: Thanks for joining. Can you describe your role?",
            1,
            speaker="Interviewer",
        ),
        Block(
            "turn",
            "P3: I manage the ward. I have done so for six years. and before that I "
            "was a staff nurse here.",
            1,
            speaker="P3",
        ),
        Block(
            "turn",
            "Interviewer: What changed when the new policy came in?",
            1,
            speaker="Interviewer",
        ),
        Block("turn", "R: Honestly, not much at first.", 1, speaker="R"),
        Block("turn", "P3: The panel paperwork got longer.", 1, speaker="P3"),
    ]


def test_label_on_its_own_line_takes_the_following_lines() -> None:
    blocks = turn_blocks([para("Interviewer:"), para("What happened next?"), para("P3: Nothing.")])
    assert [(b.speaker, b.text) for b in blocks] == [
        ("Interviewer", "Interviewer: What happened next?"),
        ("P3", "P3: Nothing."),
    ]


def test_a_turn_keeps_the_page_it_started_on() -> None:
    blocks = turn_blocks([para("A: starts here", 1), para("and runs over", 2), para("B: ok", 2)])
    assert [(b.speaker, b.page) for b in blocks] == [("A", 1), ("B", 2)]


def test_turn_text_is_normalised_and_blank_lines_skipped() -> None:
    blocks = turn_blocks([Title("P3:  the \ufb01rst   time\n\n   we tried"), para("   ")])
    assert [b.text for b in blocks] == ["P3: the first time we tried"]


def test_no_elements_no_blocks() -> None:
    assert turn_blocks([]) == []
