"""Transcripts end to end through parse_file: the nine real transcripts of the shared folder
(counts from its README), line numbers a reader can check, captions, DOCX paragraphs."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from ingest.pipeline import ParsedDocument, ParseOptions, parse_file
from ingest.transcript import opens_turn
from tests.conftest import SHARED

TRANSCRIPTS = SHARED / "transcripts"

# file -> (turns, {speaker: turns}, turns with a time stamp); from transcripts/README.md.
ORACLE = {
    "captions-seattle-council-briefing-2021-08-02.vtt": (17, {None: 17}, 17),
    "interview-breaking-bitcoin-2017-back-stark.md": (25, {"stark": 13, "adam3us": 12}, 0),
    "interview-changelog-645.md": (177, {"Jerod Santo": 89, "Richard Feldman": 88}, None),
    "interview-mismatches-naomi-1.md": (84, {"MEL": 42, "NAOMI": 42}, 0),
    "interview-stephan-livera-2022-gloria-zhao.md": (
        68,
        {"Stephan Livera": 34, "Gloria Zhao": 34},
        30,
    ),
    "otter-bootloader-episode-004.md": (41, {"Paul Cutler": 21, "Tod Kurt": 20}, 41),
    "otter-edited-eipip-meeting-023.md": (118, None, 116),
    "qa-bitcoin-core-dev-tech-2019-utreexo.md": (36, {"Q": 18, "A": 18}, 0),
    "zoom-ethereum-acdt-068.vtt": (98, None, 98),
}
SPEAKER_COUNTS = {"otter-edited-eipip-meeting-023.md": 5, "zoom-ethereum-acdt-068.vtt": 17}


@cache
def parsed(name: str) -> ParsedDocument:
    return parse_file(TRANSCRIPTS / name, name, ParseOptions())


def first_passages(doc: ParsedDocument) -> list:
    seen: set[int] = set()
    firsts = []
    for p in doc.passages:
        if p.turn is not None and p.turn not in seen:
            seen.add(p.turn)
            firsts.append(p)
    return firsts


@pytest.mark.parametrize("name", sorted(ORACLE))
def test_real_transcripts_turns_and_speakers(name: str) -> None:
    turns, speakers, timed = ORACLE[name]
    doc = parsed(name)
    assert (doc.source_type, doc.document_type, doc.pagination) == (
        "interview",
        "transcript",
        "none",
    )
    firsts = first_passages(doc)
    assert [p.turn for p in firsts] == list(range(1, turns + 1))  # stable: 1..n in file order
    by_speaker = Counter(p.speaker for p in firsts)
    if speakers is not None:
        assert dict(by_speaker) == speakers
    else:
        assert len(by_speaker) == SPEAKER_COUNTS[name]
    if timed is not None:
        assert sum(p.timestamp is not None for p in firsts) == timed
    assert all(p.text == doc.text[p.start : p.end] for p in doc.passages)


@pytest.mark.parametrize("name", sorted(ORACLE))
def test_line_numbers_are_the_file_s_own(name: str) -> None:
    """The line a turn starts on, counted as an editor counts, holds its first words."""
    lines = (TRANSCRIPTS / name).read_text(encoding="utf-8-sig").splitlines()
    doc = parsed(name)
    for p in first_passages(doc):
        assert 1 <= p.line_start <= p.line_end <= len(lines)
        span = " ".join(lines[p.line_start - 1 : p.line_end])
        words = p.text.split("\n\n")[0].removeprefix(f"{p.speaker}: ").split()[:3]
        assert all(w.strip(".,") in span for w in words if w.isalpha()), (p.turn, span[:80])


def test_continuations_stay_in_their_turn() -> None:
    doc = parsed("interview-mismatches-naomi-1.md")
    # 84 turns and 35 continuation paragraphs: the continuations carry their turn's number.
    paragraphs = [part for p in doc.passages if p.turn for part in p.text.split("\n\n")]
    assert paragraphs[0] == "BEGIN TRANSCRIPT"  # the heading above the first turn
    assert len(paragraphs[1:]) == 84 + 35


def test_otter_footer_and_attendees_are_not_speech() -> None:
    doc = parsed("otter-edited-eipip-meeting-023.md")
    footer = next(p for p in doc.passages if "Transcribed by https://otter.ai" in p.text)
    assert (footer.turn, footer.speaker) == (None, None)
    attendees = next(p for p in doc.passages if "Lenova K6 POWER" in p.text)
    assert attendees.turn is None


def test_a_heading_between_label_and_speech_keeps_the_speaker() -> None:
    doc = parsed("otter-edited-eipip-meeting-023.md")
    first = first_passages(doc)[0]
    assert first.speaker == "Hudson Jameson" and first.timestamp_label == "0:00"
    assert "All right, I think we're live." in first.text
    assert first.heading_path == ["3. EIP Repo cleanup"]


def test_caption_turns_start_at_speaker_changes_and_are_timed() -> None:
    doc = parsed("captions-seattle-council-briefing-2021-08-02.vtt")
    first = first_passages(doc)[0]
    assert first.text.startswith("GOOD MORNING EVERYONE. THE AUGUST 2nd, 2021")
    assert (first.timestamp, first.timestamp_label, first.line_start) == (5.872, "00:00:05.872", 4)
    assert "&gt;" not in doc.text and ">>" not in doc.text


def test_zoom_cues_of_one_speaker_are_one_turn() -> None:
    doc = parsed("zoom-ethereum-acdt-068.vtt")
    first = first_passages(doc)[0]
    assert (first.speaker, first.timestamp, first.line_start) == ("Barnabas", 230.78, 5)
    assert "Karim T. (matkt)" in {p.speaker for p in doc.passages}


def test_roles_only_where_the_labels_say_so() -> None:
    assert {p.speaker_role for p in parsed("interview-changelog-645.md").passages} == {None}
    qa = {
        (p.speaker, p.speaker_role)
        for p in parsed("qa-bitcoin-core-dev-tech-2019-utreexo.md").passages
        if p.turn
    }
    assert qa == {("Q", "interviewer"), ("A", "interviewee")}
    assert any(
        "'Q' taken as interviewer" in w
        for w in parsed("qa-bitcoin-core-dev-tech-2019-utreexo.md").warnings
    )


def test_srt_and_teams_voice_tags(tmp_path: Path) -> None:
    srt = tmp_path / "call.srt"
    srt.write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nInterviewer: How did it start?\n\n"
        "2\n00:00:03,500 --> 00:00:06,000\nP2: With a letter.\n\n"
        "3\n00:00:06,500 --> 00:00:09,000\nIt came in March.\n\n"
        "4\n00:00:09,500 --> 00:00:12,000\nInterviewer: And then?\n",
        encoding="utf-8",
    )
    doc = parse_file(srt, srt.name, ParseOptions())
    firsts = first_passages(doc)
    assert [(p.turn, p.speaker, p.timestamp, p.line_start, p.line_end) for p in firsts] == [
        (1, "Interviewer", 1.0, 3, 3),
        (2, "P2", 3.5, 7, 11),
        (3, "Interviewer", 9.5, 15, 15),
    ]
    vtt = tmp_path / "teams.vtt"
    vtt.write_text(
        "WEBVTT\n\n0a1b/12-0\n00:00:00.000 --> 00:00:02.000\n<v Ana Lopez>Hello there.</v>\n\n"
        "0a1b/13-0\n00:00:02.500 --> 00:00:04.000\n<v Ben Cole>Hi Ana.</v>\n",
        encoding="utf-8",
    )
    doc = parse_file(vtt, vtt.name, ParseOptions())
    assert [p.text for p in doc.passages] == ["Ana Lopez: Hello there.", "Ben Cole: Hi Ana."]


def test_nvivo_style_timestamped_rows(tmp_path: Path) -> None:
    path = tmp_path / "nvivo.txt"
    path.write_text(
        "[00:00:05] Interviewer: Thank you for coming.\n"
        "[00:00:09] Respondent: My pleasure.\n"
        "[00:00:15] Interviewer: Tell me about the board.\n"
        "[00:00:21] Respondent: It meets monthly.\n",
        encoding="utf-8",
    )
    firsts = first_passages(parse_file(path, path.name, ParseOptions()))
    assert [(p.speaker_role, p.timestamp) for p in firsts] == [
        ("interviewer", 5.0),
        ("interviewee", 9.0),
        ("interviewer", 15.0),
        ("interviewee", 21.0),
    ]


def test_opens_turn_for_paragraph_grouping() -> None:
    assert opens_turn("interviewer: so") and opens_turn("P3: yes")
    assert not opens_turn("The aim of this work: to learn.")
