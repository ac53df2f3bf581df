"""The citation style (README, "Citations"): one string per location, no ids."""

import datetime as dt

import pytest

from backend.citations import Location, Source, cite, clock, page_of, section_mark

ICB = Source("Constitution", "NHS C&P ICB", dt.date(2025, 10, 1))
INTERVIEW = Source("Interview 07", None, None)


@pytest.mark.parametrize(
    "where, expected",
    [
        (
            Location(
                page=33, page_end=33, section="5.1 Conflicts of Interest", pagination="rendered"
            ),
            "Constitution (NHS C&P ICB, 2025), p. 33, \u00a75.1",
        ),
        (
            Location(page=33, page_end=34, section="5.1. Conflicts", pagination="rendered"),
            "Constitution (NHS C&P ICB, 2025), pp. 33\u201334, \u00a75.1",
        ),
        (
            Location(page=24, page_end=24, pagination="approximate"),
            "Constitution (NHS C&P ICB, 2025), p. ~24",
        ),
        (
            Location(page=3, page_end=4, section="Overview", pagination="approximate"),
            "Constitution (NHS C&P ICB, 2025), pp. ~3\u20134, section \u201cOverview\u201d",
        ),
        (Location(section="Constitution"), "Constitution (NHS C&P ICB, 2025)"),  # the title
    ],
)
def test_paged_sources(where, expected):
    assert cite(ICB, where) == expected


@pytest.mark.parametrize(
    "where, expected",
    [
        (
            Location(turn=23, speaker_role="interviewee", timestamp=754.6),
            "Interview 07, turn 23 (Interviewee), 00:12:34",
        ),
        (
            Location(
                turn=23,
                turn_end=24,
                speaker="P3",
                speaker_role="interviewee",
                line=112,
                line_end=118,
                line_unit="line",
            ),
            "Interview 07, turns 23\u201324 (P3, interviewee), ll. 112\u2013118",
        ),
        (
            Location(turn=4, speaker="Dr Hale", line=9, line_end=9, line_unit="paragraph"),
            "Interview 07, turn 4 (Dr Hale), para. 9",
        ),
        (
            Location(turn=4, line=9, line_end=12, line_unit="paragraph"),
            "Interview 07, turn 4, paras 9\u201312",
        ),
        (Location(speaker="P3"), "Interview 07, speaker P3"),  # no turn numbers yet
    ],
)
def test_transcripts(where, expected):
    assert cite(INTERVIEW, where) == expected


def test_the_head_names_what_is_known():
    assert cite(Source("Minutes", "ICB", None), Location()) == "Minutes (ICB)"
    assert cite(Source("Minutes", None, dt.date(2024, 3, 1)), Location()) == "Minutes (2024)"


def test_long_unnumbered_headings_are_cut_and_numbering_is_recognised():
    assert section_mark("A" * 100).endswith("\u2026\u201d")
    assert len(section_mark("A" * 100)) < 75
    assert section_mark("12 Review") == "\u00a712"
    assert section_mark("\u00a7 3.2 Quorum") == "\u00a73.2"
    assert section_mark("2023 annual report").startswith("section")  # a year, not a number
    assert section_mark("Appendix 1").startswith("section")


def test_clock_and_pages():
    assert clock(0) == "00:00:00" and clock(3600 * 2 + 61.9) == "02:01:01"
    assert page_of([], 5) is None
    assert [page_of([0, 10, 20], o) for o in (0, 9, 10, 25)] == [1, 1, 2, 3]
