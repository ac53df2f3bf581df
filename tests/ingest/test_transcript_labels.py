"""ingest.transcript_labels: speaker labels, roles and time stamps in the forms tools write."""

from __future__ import annotations

import pytest

from ingest.transcript_labels import accept, candidate, leading_time, role_of, seconds


@pytest.mark.parametrize(
    ("line", "name", "rest", "time"),
    [
        ("Interviewer: Can you say more?", "Interviewer", "Can you say more?", None),
        ("interviewee: yes, I think so", "interviewee", "yes, I think so", None),
        ("INTERVIEWER: Go on.", "INTERVIEWER", "Go on.", None),
        ("I: And then?", "I", "And then?", None),
        ("R: Yes.", "R", "Yes.", None),
        ("P1: Yes.", "P1", "Yes.", None),
        ("Q: Why?", "Q", "Why?", None),
        ("A: Because.", "A", "Because.", None),
        ("Participant 12: Yes.", "Participant 12", "Yes.", None),
        ("Dr Smith: Yes.", "Dr Smith", "Yes.", None),
        ("stark: Thank you.", "stark", "Thank you.", None),
        ("adam3us: Sure.", "adam3us", "Sure.", None),
        ("MEL: Okay.", "MEL", "Okay.", None),
        ("Karim T. (matkt): Hi.", "Karim T. (matkt)", "Hi.", None),
        ("Saulius Grigaitis | Grandine: ok", "Saulius Grigaitis | Grandine", "ok", None),
        ("Toni Wahrstätter: ja", "Toni Wahrstätter", "ja", None),
        ("**Jerod Santo:** Well, today", "Jerod Santo", "Well, today", None),
        ("**Jerod Santo**: Well", "Jerod Santo", "Well", None),
        ("Paul Cutler  0:01  ", "Paul Cutler", "", "0:01"),
        ("**Hudson Jameson**  12:30  ", "Hudson Jameson", "", "12:30"),
        ("**Hudson Jameson**", "Hudson Jameson", "", None),
        ("Gloria Zhao [4:30]: Thanks.", "Gloria Zhao", "Thanks.", "4:30"),
        ("Gloria Zhao [1:12:19]: Right.", "Gloria Zhao", "Right.", "1:12:19"),
        ("[00:01:02] Interviewer: Go on.", "Interviewer", "Go on.", "00:01:02"),
        ("00:12:34 R: Go on.", "R", "Go on.", "00:12:34"),
        ("(01:02) P3 : Go on.", "P3", "Go on.", "01:02"),
        ("Interviewer:", "Interviewer", "", None),
    ],
)
def test_labels(line: str, name: str, rest: str, time: str | None) -> None:
    label = candidate(line)
    assert label is not None
    assert (label.name, label.rest, label.time) == (name, rest, time)


@pytest.mark.parametrize(
    "line",
    [
        "The aim of this work: to learn.",
        "See https://example.org for details",
        "I, NAOMI CEDER, hereby release this work under the following open license:http://x",
        "**DECISION 23.1**: If you move things to Final",
        "Section 4.2: Quorum",
        "## Q&A",
        "- item: value",
        "12: not a speaker",
        "",
    ],
)
def test_not_labels(line: str) -> None:
    assert candidate(line) is None


def test_a_label_must_recur_unless_it_names_a_role() -> None:
    labels = [candidate(x) for x in ["Mel: a", "Mel: b", "Aim: c", "Interviewer: d", "P4: e"]]
    assert accept([lab for lab in labels if lab]) == {"Mel", "Interviewer", "P4"}


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("Interviewer", ("interviewer", "label")),
        ("interviewee", ("interviewee", "label")),
        ("RESPONDENT", ("interviewee", "label")),
        ("Participant 12", ("interviewee", "label")),
        ("I", ("interviewer", "convention")),
        ("Q", ("interviewer", "convention")),
        ("R", ("interviewee", "convention")),
        ("A", ("interviewee", "convention")),
        ("P3", ("interviewee", "convention")),
        ("Gloria Zhao", (None, None)),
        ("stark", (None, None)),
    ],
)
def test_roles_come_from_labels_and_say_how(name: str, role: tuple) -> None:
    assert role_of(name) == role


@pytest.mark.parametrize(
    ("stamp", "value"),
    [
        ("0:01", 1.0),
        ("13:03", 783.0),
        ("1:12:19", 4339.0),
        ("00:12:34", 754.0),
        ("01:20:01.18", 4801.18),
        ("00:00:05,872", 5.872),
        (None, None),
    ],
)
def test_seconds(stamp: str | None, value: float | None) -> None:
    assert seconds(stamp) == value


def test_leading_time_anchor_also_markdown_escaped() -> None:
    assert leading_time("\\[08:12\\] So we did") == "08:12"
    assert leading_time("[01:20:01.18] Then") == "01:20:01.18"
    assert leading_time("[that] is it") is None
