"""ingest.layout: blocks -> full text, page map and passage drafts."""

from __future__ import annotations

import re

import pytest

from ingest.clean import Block
from ingest.layout import (
    SEPARATOR,
    PassageDraft,
    assemble,
    page_offsets,
    split_sections,
    split_turns,
)

SENTENCE_END = re.compile(r"[.!?;:][\"'”’)\]]*$")


def title(text: str, depth: int = 0, page: int | None = 1) -> Block:
    return Block("title", text, page, depth)


def body(text: str, page: int | None = 1) -> Block:
    return Block("text", text, page)


def sections(blocks: list[Block], max_chars: int = 1500) -> tuple[str, list[PassageDraft]]:
    text, spans = assemble(blocks)
    return text, split_sections(spans, max_chars)


def draft_texts(text: str, drafts: list[PassageDraft]) -> list[str]:
    return [text[d.start : d.end] for d in drafts]


# --- assemble ------------------------------------------------------------------------------------


def test_assemble_joins_blocks_with_blank_lines_and_maps_spans() -> None:
    blocks = [title("Intro"), body("First."), body("Second.")]
    text, spans = assemble(blocks)
    assert text == "Intro\n\nFirst.\n\nSecond."
    assert [(s.start, s.end) for s in spans] == [(0, 5), (7, 13), (15, 22)]
    assert all(text[s.start : s.end] == s.block.text for s in spans)
    assert SEPARATOR == "\n\n"


def test_assemble_counts_code_points_not_bytes() -> None:
    text, spans = assemble([body("Café 🎉"), body("naïve")])
    assert text[spans[1].start : spans[1].end] == "naïve"
    assert spans[1].start == len("Café 🎉") + 2


def test_assemble_nothing() -> None:
    assert assemble([]) == ("", [])


# --- page_offsets --------------------------------------------------------------------------------


def test_page_offsets_start_of_each_page() -> None:
    _, spans = assemble([body("one", 1), body("one more", 1), body("two", 2), body("three", 3)])
    assert page_offsets(spans, 3) == [0, 15, 20]


def test_empty_pages_share_the_next_start() -> None:
    _, spans = assemble([body("one", 1), body("four", 4)])
    assert page_offsets(spans, 4) == [0, 5, 5, 5]


def test_trailing_empty_pages_start_at_the_end() -> None:
    text, spans = assemble([body("one", 1), body("two", 2)])
    assert page_offsets(spans, 4) == [0, 5, len(text), len(text)]


def test_first_page_always_starts_at_zero() -> None:
    _, spans = assemble([body("cover is blank", 2), body("three", 3)])
    assert page_offsets(spans, 3) == [0, 0, 16]


@pytest.mark.parametrize("page_count", [None, 0])
def test_no_pages_no_offsets(page_count: int | None) -> None:
    _, spans = assemble([body("text", None)])
    assert page_offsets(spans, page_count) == []


def test_blocks_without_page_take_the_following_start() -> None:
    _, spans = assemble([body("one", 1), body("unknown", None), body("two", 2)])
    assert page_offsets(spans, 2) == [0, 14]


# --- split_sections: headings --------------------------------------------------------------------


def test_new_passage_at_each_heading_once_body_exists() -> None:
    text, drafts = sections(
        [title("Intro"), body("Alpha."), title("Method"), body("Beta."), body("Gamma.")]
    )
    assert draft_texts(text, drafts) == ["Intro\n\nAlpha.", "Method\n\nBeta.\n\nGamma."]
    assert [d.heading_path for d in drafts] == [["Intro"], ["Method"]]


def test_consecutive_headings_merge_into_one_passage() -> None:
    text, drafts = sections([title("Part A"), title("Chapter 1", depth=1), body("Alpha.")])
    assert draft_texts(text, drafts) == ["Part A\n\nChapter 1\n\nAlpha."]
    assert drafts[0].heading_path == ["Part A", "Chapter 1"]


def test_heading_depth_stack() -> None:
    _, drafts = sections(
        [
            title("Report"),
            body("a."),
            title("Findings", depth=1),
            body("b."),
            title("Wards", depth=2),
            body("c."),
            title("Clinics", depth=2),
            body("d."),
            title("Costs", depth=1),
            body("e."),
            title("Annex"),
            body("f."),
        ]
    )
    assert [d.heading_path for d in drafts] == [
        ["Report"],
        ["Report", "Findings"],
        ["Report", "Findings", "Wards"],
        ["Report", "Findings", "Clinics"],
        ["Report", "Costs"],
        ["Annex"],
    ]


def test_depth_jump_keeps_the_headings_there_are() -> None:
    _, drafts = sections([title("Top"), body("a."), title("Deep", depth=3), body("b.")])
    assert drafts[1].heading_path == ["Top", "Deep"]


def test_siblings_under_a_missing_level_do_not_nest() -> None:
    blocks = [title("Top"), body("a."), title("Deep 1", depth=2), body("b.")]
    _, drafts = sections([*blocks, title("Deep 2", depth=2), body("c.")])
    assert drafts[2].heading_path == ["Top", "Deep 2"]


@pytest.mark.parametrize("contents", ["Contents", "CONTENTS", "Table of contents", "Contents:"])
def test_a_contents_page_is_no_sections_parent(contents: str) -> None:
    # The contents heading in a larger font than the sections' headings (depth 0 vs 1).
    blocks = [
        title("Winter plan"),
        title(contents),
        body("Introduction ........ 3"),
        title("Scope ................................. 4", depth=1),  # an entry in bold
        title("Introduction", depth=1),
        body("a."),
        title("Scope", depth=1),
        body("b."),
        title("Eligibility", depth=2),
        body("c."),
    ]
    _, drafts = sections(blocks)
    assert [d.heading_path for d in drafts] == [
        [contents],  # the contents page under its own heading
        ["Introduction"],
        ["Scope"],
        ["Scope", "Eligibility"],
    ]


def test_body_before_any_heading_has_empty_path() -> None:
    _, drafts = sections([body("Preamble."), title("Intro"), body("Alpha.")])
    assert [d.heading_path for d in drafts] == [[], ["Intro"]]


def test_heading_path_entries_are_capped() -> None:
    _, drafts = sections([title("H" * 300), body("a.")])
    assert drafts[0].heading_path == ["H" * 200]


def test_draft_pages_span_its_blocks() -> None:
    _, drafts = sections([title("Intro", page=2), body("a.", 2), body("b.", 4), body("c.", None)])
    assert drafts[0].pages() == (2, 4)
    _, drafts = sections([body("no pages", None)])
    assert drafts[0].pages() == (None, None)


# --- split_sections: size ------------------------------------------------------------------------


def test_size_limit_starts_a_new_passage_under_the_same_heading() -> None:
    paragraphs = [body(f"Paragraph {i} " + "w" * 40 + ".") for i in range(10)]
    text, drafts = sections([title("Long section"), *paragraphs], max_chars=200)
    assert len(drafts) > 2
    assert all(d.size <= 200 for d in drafts)
    assert all(d.heading_path == ["Long section"] for d in drafts)
    assert "".join(draft_texts(text, drafts)).count("Paragraph") == 10  # nothing lost


def test_many_headings_without_body_still_respect_the_size_limit() -> None:
    headings = [title(f"Heading number {i} " + "x" * 30, depth=1) for i in range(40)]
    _, drafts = sections([title("Contents"), *headings, body("Body.")], max_chars=300)
    assert all(d.size <= 300 for d in drafts)
    assert drafts[-1].heading_path[-1].startswith("Heading number 39")


def test_long_block_split_at_sentence_ends() -> None:
    sentences = [f"Sentence number {i} has a few words in it." for i in range(30)]
    text, drafts = sections([body(" ".join(sentences))], max_chars=200)
    parts = draft_texts(text, drafts)
    assert len(parts) > 5
    assert all(len(p) <= 200 and SENTENCE_END.search(p) for p in parts)
    assert " ".join(parts) == " ".join(sentences)


@pytest.mark.parametrize("end", ["!", "?", ";", ":", '."', ".)", ".”"])
def test_sentence_end_punctuation_variants(end: str) -> None:
    first = "a" * 50 + end
    text, drafts = sections([body(f"{first} {'b' * 50}.")], max_chars=70)
    assert draft_texts(text, drafts) == [first, "b" * 50 + "."]


def test_sentence_longer_than_limit_split_at_spaces() -> None:
    words = [f"word{i:03d}" for i in range(100)]  # one sentence, no full stop
    text, drafts = sections([body(" ".join(words))], max_chars=100)
    parts = draft_texts(text, drafts)
    assert all(0 < len(p) <= 100 for p in parts)
    assert " ".join(parts).split() == words  # cut between words only


def test_word_longer_than_limit_is_cut_at_the_limit() -> None:
    text, drafts = sections([body("x" * 250)], max_chars=100)
    assert [len(p) for p in draft_texts(text, drafts)] == [100, 100, 50]


def test_split_pieces_keep_offsets_into_the_full_text() -> None:
    blocks = [title("T"), body("First sentence here. " * 20 + "End.")]
    text, drafts = sections(blocks, max_chars=100)
    for draft in drafts:
        for span in draft.spans:
            assert text[span.start : span.end] == span.block.text


# --- split_turns ---------------------------------------------------------------------------------


def turn(speaker: str, text: str) -> Block:
    return Block("turn", f"{speaker}: {text}", None, speaker=speaker)


def test_one_passage_per_turn_with_speaker() -> None:
    blocks = [Block("text", "Interview 3", None), turn("Interviewer", "Hi."), turn("P3", "Hello.")]
    text, spans = assemble(blocks)
    drafts = split_turns(spans, 1500)
    assert [(d.speaker, text[d.start : d.end]) for d in drafts] == [
        (None, "Interview 3"),
        ("Interviewer", "Interviewer: Hi."),
        ("P3", "P3: Hello."),
    ]
    assert all(d.heading_path == [] for d in drafts)


def test_long_turn_split_keeps_the_speaker() -> None:
    long = " ".join(f"This is sentence {i} of a long answer." for i in range(20))
    text, spans = assemble([turn("P3", long), turn("Interviewer", "Thanks.")])
    drafts = split_turns(spans, 150)
    p3 = [d for d in drafts if d.speaker == "P3"]
    assert len(p3) > 3 and all(d.size <= 150 for d in p3)
    assert text[p3[0].start : p3[0].end].startswith("P3: ")
    assert drafts[-1].speaker == "Interviewer"
