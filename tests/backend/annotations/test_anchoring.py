"""backend.annotations.anchoring: selectors, re-anchoring across versions, UTF-16 offsets.

Re-anchoring runs on the real text of the IFR policy PDF: ~20 spans of varied length
(sentences, phrases, words, spans across a paragraph break) are annotated, the text is
edited as a new version would be, and each annotation must land on the right new span.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable

import pytest

from backend.annotations.anchoring import (
    CONTEXT,
    Anchor,
    AnchorError,
    Reanchored,
    codepoint_offset,
    make_anchor,
    reanchor,
    utf16_offset,
)
from ingest.pipeline import ParseOptions, parse_file
from tests.conftest import POLICY_PDF

SENTENCE = re.compile(r"(?<!\S)[A-Z][^.!?\n]{40,250}[.!?](?=\s|$)")
WORD = re.compile(r"\b[A-Za-z]{5,}\b")
PARAGRAPH_BREAK = "\n\n"
# Made-up text: nothing here occurs in the policy.
NEW_PARAGRAPH = (
    "Version 4 note: this section was added after consultation with integrated care boards "
    "and describes the transitional arrangements for requests already in progress.\n\n"
)
NEW_SECTION = NEW_PARAGRAPH * 40  # ~6,600 characters: a whole new section

SPAN_IDS = (
    [f"sentence-{i}" for i in range(8)]
    + [f"phrase-{i}" for i in range(4)]
    + [f"word-{i}" for i in range(6)]
    + ["crossing-0", "crossing-1"]
)
SENTENCES = [s for s in SPAN_IDS if s.startswith("sentence")]
MULTI_WORD = [s for s in SPAN_IDS if not s.startswith("word")]

Span = tuple[int, int]
Edit = tuple[str, Span]  # the new text and where the annotation should now be


@pytest.fixture(scope="module")
def text() -> str:
    return parse_file(POLICY_PDF, POLICY_PDF.name, ParseOptions()).text


@pytest.fixture(scope="module")
def spans(text: str) -> dict[str, Span]:
    """Annotated spans spread evenly through the document."""
    # Only spans whose stored selectors are unique: this policy repeats whole passages
    # (the plain language summary), and identical quote + context cannot be told apart.
    sentences = [m for m in SENTENCE.finditer(text) if _unique(text, m.span())]
    # Words of prose paragraphs (not headings), so they read as "a word in a sentence".
    words = [
        m
        for m in WORD.finditer(text)
        if _paragraph_length(text, m.start()) > 200 and _unique(text, m.span())
    ]
    picked = _spread(sentences, 12)
    whole = [picked[i] for i in (0, 1, 2, 4, 6, 8, 10, 11)]
    chosen = {f"sentence-{i}": m.span() for i, m in enumerate(whole)}
    for i, m in enumerate(picked[3:10:2]):  # the first six words of the other four
        chosen[f"phrase-{i}"] = (m.start(), _word_end(text, m.start(), 6))
    for i, m in enumerate(_spread(words, 6)):
        chosen[f"word-{i}"] = m.span()
    for i, brk in enumerate(_paragraph_breaks(text, 2)):
        chosen[f"crossing-{i}"] = (_word_start(text, brk, 4), _word_end(text, brk + 2, 3))
    assert sorted(chosen) == sorted(SPAN_IDS)
    return chosen


def _unique(text: str, span: Span) -> bool:
    return text.count(text[span[0] - CONTEXT : span[1] + CONTEXT]) == 1


def _paragraph_length(text: str, pos: int) -> int:
    start = _paragraph_start(text, pos)
    end = text.find(PARAGRAPH_BREAK, pos)
    return (len(text) if end == -1 else end) - start


def _spread(items: list, count: int) -> list:
    step = len(items) / count
    return [items[int(step * (i + 0.5))] for i in range(count)]


def _word_end(text: str, start: int, words: int) -> int:
    ends = [m.end() for m in re.finditer(r"\S+", text[start : start + 20 * words])]
    return start + ends[words - 1]


def _word_start(text: str, end: int, words: int) -> int:
    starts = [m.start() for m in re.finditer(r"\S+", text[end - 400 : end])]
    return end - 400 + starts[-words]


def _paragraph_breaks(text: str, count: int) -> list[int]:
    # Breaks between two prose paragraphs (long lines both sides), at 1/3 and 2/3.
    breaks = [
        m.start()
        for m in re.finditer(r"(?<=[a-z.]) ?\n\n(?=[A-Z][a-z]+ [a-z]+ [a-z]+)", text)
        if text.rfind("\n", 0, m.start()) < m.start() - 100
    ]
    return _spread(breaks, count)


def _assert_reanchored(text: str, span: Span, edit: Edit, method: str) -> None:
    new_text, (start, end) = edit
    found = reanchor(make_anchor(text, *span), new_text, old_length=len(text))
    assert found is not None, f"orphaned: {text[span[0] : span[1]]!r}"
    got = found.anchor
    assert new_text[got.start : got.end] == new_text[start:end]
    assert (got.start, got.end) == (start, end)
    assert found.method == method
    assert got.exact == new_text[start:end]
    assert got.prefix == new_text[max(0, start - CONTEXT) : start]
    assert got.suffix == new_text[end : end + CONTEXT]
    if method == "exact":
        assert found.score == 1.0
    else:
        assert 0.75 <= found.score < 1.0


def _paragraph_start(text: str, pos: int) -> int:
    found = text.rfind(PARAGRAPH_BREAK, 0, pos)
    return 0 if found == -1 else found + len(PARAGRAPH_BREAK)


def _replace(text: str, span: Span, start: int, end: int, new: str) -> Edit:
    """Replace text[start:end] by `new`; the annotation's expected new span follows."""
    shift = len(new) - (end - start)
    if end <= span[0]:
        return text[:start] + new + text[end:], (span[0] + shift, span[1] + shift)
    if start >= span[1]:
        return text[:start] + new + text[end:], span
    assert span[0] <= start and end <= span[1], "edits inside must stay inside"
    return text[:start] + new + text[end:], (span[0], span[1] + shift)


def _middle_space(text: str, span: Span) -> int:
    """The first single space after the middle of the span."""
    middle = (span[0] + span[1]) // 2
    return text.index(" ", middle, span[1])


# --- re-anchoring unchanged quotes (exact) ---------------------------------------------------


def test_spans_are_varied(text: str, spans: dict[str, Span]) -> None:
    lengths = [end - start for start, end in spans.values()]
    assert min(lengths) < 15 and max(lengths) > 120
    assert all(PARAGRAPH_BREAK in text[slice(*spans[f"crossing-{i}"])] for i in range(2))
    starts = sorted(start for start, _ in spans.values())
    assert starts[0] < len(text) * 0.15 and starts[-1] > len(text) * 0.85


@pytest.mark.parametrize("span_id", SPAN_IDS)
def test_same_text(text: str, spans: dict[str, Span], span_id: str) -> None:
    span = spans[span_id]
    _assert_reanchored(text, span, (text, span), "exact")


@pytest.mark.parametrize("span_id", SPAN_IDS)
def test_paragraph_inserted_near_start(text: str, spans: dict[str, Span], span_id: str) -> None:
    at = text.index(PARAGRAPH_BREAK) + len(PARAGRAPH_BREAK)
    edit = _replace(text, spans[span_id], at, at, NEW_PARAGRAPH)
    _assert_reanchored(text, spans[span_id], edit, "exact")


@pytest.mark.parametrize("span_id", SPAN_IDS)
def test_text_inserted_just_before(text: str, spans: dict[str, Span], span_id: str) -> None:
    start = spans[span_id][0]
    edit = _replace(text, spans[span_id], start, start, "[amended 2024] ")
    _assert_reanchored(text, spans[span_id], edit, "exact")


@pytest.mark.parametrize("span_id", SPAN_IDS)
def test_text_deleted_just_before(text: str, spans: dict[str, Span], span_id: str) -> None:
    start = spans[span_id][0]  # most of the stored prefix disappears
    edit = _replace(text, spans[span_id], start - 25, start, "")
    _assert_reanchored(text, spans[span_id], edit, "exact")


@pytest.mark.parametrize("span_id", SPAN_IDS)
def test_contents_deleted_far_before(text: str, spans: dict[str, Span], span_id: str) -> None:
    start = text.index("Contents")
    end = text.index("Equality statement\n")
    edit = _replace(text, spans[span_id], start, end, "")
    _assert_reanchored(text, spans[span_id], edit, "exact")


@pytest.mark.parametrize("span_id", SPAN_IDS)
def test_text_inserted_after(text: str, spans: dict[str, Span], span_id: str) -> None:
    end = spans[span_id][1]
    edit = _replace(text, spans[span_id], end, end, " (see annex B)")
    _assert_reanchored(text, spans[span_id], edit, "exact")


@pytest.mark.parametrize("span_id", SENTENCES)
def test_duplicate_sentence_elsewhere(text: str, spans: dict[str, Span], span_id: str) -> None:
    # A copy earlier in the document (the first occurrence now) and one later: the stored
    # prefix/suffix must pick the original.
    span = spans[span_id]
    quote = text[slice(*span)]
    before = _paragraph_start(text, span[0] - 2 * CONTEXT)
    new_text, moved = _replace(text, span, before, before, quote + " ")
    after = new_text.index(PARAGRAPH_BREAK, moved[1] + CONTEXT)
    new_text, moved = _replace(new_text, moved, after, after, " " + quote)
    assert new_text.count(quote) == 3
    _assert_reanchored(text, span, (new_text, moved), "exact")


@pytest.mark.parametrize("retouched", [False, True], ids=["intact", "retouched"])
def test_repeated_boilerplate_picks_the_scaled_position(retouched: bool) -> None:
    # Identical footers (same context): the old start, scaled by the length change,
    # decides. Every paragraph doubled, so unscaled the old start is nearest the first.
    # Retouched: every footer's context changed alike, so none is intact and all score
    # the same below 1.0.
    footer = "\n\nNHS England | Commissioning policy | Individual funding requests\n\n"
    paras = [f"Paragraph {n}: " + "lorem ipsum dolor " * 10 for n in "ABCD"]
    old = footer.join(paras)
    new_footer = footer.replace("\n\nNHS", "\nNHS") if retouched else footer
    new = new_footer.join(p + p for p in paras)
    start = old.index(footer, len(paras[0]) + 1) + 20  # inside the second footer
    anchor = make_anchor(old, start, start + 25)
    assert new.count(anchor.exact) == 3
    second = new.index(new_footer, len(paras[0]) * 2 + 1) + new_footer.index("issioning")
    assert reanchor(anchor, new, old_length=len(old)).anchor.start == second
    assert reanchor(anchor, new).anchor.start == new.index(anchor.exact)  # unscaled


def test_quote_at_the_start_prefers_the_start() -> None:
    # An empty prefix means "at the start of the text": a later copy of the quote, whose
    # following text survived the edit better, must not win.
    body = "Panel decisions are published monthly on the website. " * 3
    heading = "Individual funding requests. The panel meets monthly to decide them.\n\n"
    text = heading + body + heading + body
    anchor = make_anchor(text, 0, len("Individual funding requests"))
    new_text = (
        heading.replace(". The panel meets monthly", ": the panel meets weekly")
        + text[len(heading) :]
    )
    found = reanchor(anchor, new_text, old_length=len(text))
    assert found is not None and found.anchor.start == 0


# --- edited quotes (fuzzy) ---------------------------------------------------------------------


@pytest.mark.parametrize("span_id", MULTI_WORD)
def test_text_inserted_inside(text: str, spans: dict[str, Span], span_id: str) -> None:
    span = spans[span_id]
    at = _middle_space(text, span)
    # Small enough for FUZZY_THRESHOLD (at most a quarter of the quote may change).
    inserted = " (amended)" if span[1] - span[0] >= 60 else " now"
    edit = _replace(text, span, at, at, inserted)
    _assert_reanchored(text, span, edit, "fuzzy")


@pytest.mark.parametrize("span_id", MULTI_WORD)
def test_word_deleted_inside(text: str, spans: dict[str, Span], span_id: str) -> None:
    # The shortest word that is neither first nor last (a long one in a short phrase would
    # be more than FUZZY_THRESHOLD allows).
    span = spans[span_id]
    words = list(re.finditer(r" \S+", text[slice(*span)]))[:-1]
    word = min(words, key=lambda m: (len(m.group()), m.start()))
    start, end = span[0] + word.start(), span[0] + word.end()
    edit = _replace(text, span, start, end, "")
    _assert_reanchored(text, span, edit, "fuzzy")


def _repunctuate(quote: str) -> str:
    """Punctuation and whitespace edits a re-typeset version might make."""
    edited = quote.replace(" ", "  ", 1).replace(", ", "; ", 1).replace("’", "'")
    edited = edited.replace(PARAGRAPH_BREAK, "\n")
    return edited[:-1] + ";" if edited[-1] in ".!?" else edited


@pytest.mark.parametrize("span_id", MULTI_WORD)
def test_punctuation_and_whitespace_changed_inside(
    text: str, spans: dict[str, Span], span_id: str
) -> None:
    span = spans[span_id]
    edit = _replace(text, span, *span, _repunctuate(text[slice(*span)]))
    _assert_reanchored(text, span, edit, "fuzzy")


@pytest.mark.parametrize("span_id", MULTI_WORD)
def test_edited_inside_after_a_new_section(text: str, spans: dict[str, Span], span_id: str) -> None:
    # The quote moved ~6,600 characters and changed: the proportional guess is far off,
    # the exact hits of its context or ends must find the window.
    span = spans[span_id]
    new_text, moved = _replace(text, span, *span, _repunctuate(text[slice(*span)]))
    at = new_text.index(PARAGRAPH_BREAK) + len(PARAGRAPH_BREAK)
    edit = _replace(new_text, moved, at, at, NEW_SECTION)
    _assert_reanchored(text, span, edit, "fuzzy")


def test_long_quote_edited_in_several_places(text: str, spans: dict[str, Span]) -> None:
    # A whole passage (> 2 * CONTEXT, located by its two ends) with edits throughout.
    start = spans["sentence-3"][0]
    end = _word_end(text, start, 120)
    quote = text[start:end]
    edited = _repunctuate(quote).replace(" the ", " this ", 3).replace("IFR", "I.F.R.", 2)
    found = reanchor(make_anchor(text, start, end), text[:start] + edited + text[end:])
    assert found is not None and found.method == "fuzzy"
    assert found.anchor.exact == edited
    assert (found.anchor.start, found.anchor.end) == (start, start + len(edited))


@pytest.mark.parametrize("span_id", SENTENCES)
def test_edited_quote_prefers_its_own_context_to_a_better_copy(
    text: str, spans: dict[str, Span], span_id: str
) -> None:
    # The new version edits the sentence and also quotes it, barely changed, near the start
    # (a summary). The copy matches the quote better; the original keeps its context.
    span = spans[span_id]
    quote = text[slice(*span)]
    new_text, moved = _replace(text, span, *span, _repunctuate(quote))
    at = text.index(PARAGRAPH_BREAK) + len(PARAGRAPH_BREAK)
    copy = quote[:-1] + ("," if quote[-1] != "," else ".")
    new_text, moved = _replace(new_text, moved, at, at, copy + PARAGRAPH_BREAK)
    _assert_reanchored(text, span, (new_text, moved), "fuzzy")


@pytest.mark.parametrize(
    ("line", "old", "new", "expected"),
    [
        # The last line: no suffix, so the quote's own end must not be clipped.
        (-1, "2023", "2023/24", "© NHS England 2023/24 | PR2086"),
        (-1, "©", "(c)", "(c) NHS England 2023 | PR2086"),  # whole token, not ") NHS..."
        # The title: no prefix.
        (0, "policy:", "policy -", "Commissioning policy - individual funding requests"),
        # Letter-spaced like a PDF title: the quote grew at its very start.
        (
            0,
            "Commissioning",
            "C o m missioning",
            "C o m missioning policy: individual funding requests",
        ),
        (
            0,
            "individual",
            "individual (IFR)",
            "Commissioning policy: individual (IFR) funding requests",
        ),
    ],
)
def test_edited_quote_at_the_edges_of_the_text(
    text: str, line: int, old: str, new: str, expected: str
) -> None:
    start, end = (0, text.index("\n")) if line == 0 else (text.rindex("\n") + 1, len(text))
    new_text = text[:start] + text[start:end].replace(old, new) + text[end:]
    found = reanchor(make_anchor(text, start, end), new_text, old_length=len(text))
    assert found is not None and found.method == "fuzzy"
    assert found.anchor.exact == expected
    assert found.anchor.start == start


@pytest.mark.parametrize(
    ("before", "quote", "after", "expected"),
    [
        # A space where the first letter was: the span does not start with it.
        ("on the grounds that", "grounds that", "on the  rounds that", "rounds that"),
        # A letter added at the end of a word the quote ended with: the whole word.
        ("the (IFR Panel) decides", "IFR Panel", "the (IFR Pannels) decides", "IFR Pannels"),
    ],
)
def test_fuzzy_span_keeps_the_kind_of_edges_the_quote_had(
    before: str, quote: str, after: str, expected: str
) -> None:
    filler = "Clinicians sometimes ask what the term means, and the answer is given here. "
    text, new_text = filler + before + " " + filler, filler + after + " " + filler
    start = text.index(quote)
    found = reanchor(make_anchor(text, start, start + len(quote)), new_text)
    assert found is not None and found.method == "fuzzy"
    assert found.anchor.exact == expected


# --- orphans -------------------------------------------------------------------------------------


@pytest.mark.parametrize("span_id", SENTENCES + [f"word-{i}" for i in range(6)])
def test_paragraph_deleted_orphans(text: str, spans: dict[str, Span], span_id: str) -> None:
    # Words occur elsewhere too; their context no longer does, so they must not jump there.
    span = spans[span_id]
    start = _paragraph_start(text, span[0])
    end = text.find(PARAGRAPH_BREAK, span[1])
    new_text = text[:start] + text[end + len(PARAGRAPH_BREAK) :]
    assert reanchor(make_anchor(text, *span), new_text, old_length=len(text)) is None


@pytest.mark.parametrize("span_id", SENTENCES)
def test_sentence_rewritten_orphans(text: str, spans: dict[str, Span], span_id: str) -> None:
    span = spans[span_id]
    rewritten = "The panel now publishes its reasons within ten working days of each decision."
    new_text = text[: span[0]] + rewritten + text[span[1] :]
    assert reanchor(make_anchor(text, *span), new_text, old_length=len(text)) is None


@pytest.mark.parametrize(("new_word", "placed"), [("panel", True), ("Pomel", False)])
def test_short_quote_threshold(new_word: str, placed: bool) -> None:
    # 1 of 5 characters changed is a similarity of 0.8, 2 of 5 is 0.6 (< FUZZY_THRESHOLD).
    text = "The decision of the IFR Panel is final and will be sent to the clinician."
    start = text.index("Panel")
    anchor = make_anchor(text, start, start + len("Panel"))
    found = reanchor(anchor, text.replace("Panel", new_word))
    if placed:
        assert found is not None and found.method == "fuzzy" and found.score == 0.8
        assert (found.anchor.start, found.anchor.exact) == (start, new_word)
    else:
        assert found is None


# --- many annotations ----------------------------------------------------------------------------


def _random_anchors(text: str, count: int) -> list[Anchor]:
    rng = random.Random(7)
    words = list(re.finditer(r"\S+", text))
    anchors = []
    for _ in range(count):
        first = rng.randrange(len(words) - 40)
        last = first + rng.choice([0, 0, 2, 5, 12, 30])  # words to sentences to passages
        anchors.append(make_anchor(text, words[first].start(), words[last].end()))
    return anchors


def test_thousand_annotations(text: str) -> None:
    anchors = _random_anchors(text, 1000)
    # A new version: a section inserted near the start, the middle paragraph deleted and a
    # space turned into a semicolon further on.
    at = text.index(PARAGRAPH_BREAK) + len(PARAGRAPH_BREAK)
    gone_start = _paragraph_start(text, len(text) // 2)
    gone = (gone_start, text.index(PARAGRAPH_BREAK, gone_start) + len(PARAGRAPH_BREAK))
    edited = text.index(" ", len(text) * 3 // 4)
    pieces = [text[:at], NEW_SECTION, text[at : gone[0]], text[gone[1] : edited], ";"]
    new_text = "".join(pieces) + text[edited + 1 :]

    began = time.perf_counter()
    results = [reanchor(a, new_text, old_length=len(text)) for a in anchors]
    elapsed = time.perf_counter() - began
    print(f"\nre-anchored {len(anchors)} anchors on {len(text):,} characters in {elapsed:.3f}s")

    counts = {"moved": 0, "twin": 0, "orphaned": 0, "edited": 0}
    for anchor, found in zip(anchors, results, strict=True):
        if gone[0] <= anchor.start and anchor.end <= gone[1]:
            # Inside the deleted paragraph: orphaned, unless the same quote with a matching
            # context is still elsewhere (never a fuzzy look-alike).
            counts["orphaned"] += found is None
            assert found is None or found.method == "exact", (anchor, found)
        elif anchor.start <= edited < anchor.end:
            counts["edited"] += 1
            assert found is not None and found.method == "fuzzy"
            semicolon = edited - anchor.start
            old = text[anchor.start : anchor.end]
            assert found.anchor.exact == old[:semicolon] + ";" + old[semicolon + 1 :]
        elif at <= anchor.start and (anchor.end <= gone[0] or gone[1] <= anchor.start):
            counts["moved"] += 1
            move = len(NEW_SECTION) - (0 if anchor.end <= gone[0] else gone[1] - gone[0])
            counts["twin"] += _check_moved(anchor, found, move)
    print(counts)
    assert counts["moved"] > 900 and counts["orphaned"] > 0 and counts["edited"] > 0


def _check_moved(anchor: Anchor, found: Reanchored | None, move: int) -> bool:
    """True if an identical twin was chosen, which only identical selectors allow."""
    assert found is not None and found.method == "exact"
    if found.anchor.start == anchor.start + move:
        return False
    # Same quote and same stored context elsewhere (this policy repeats passages): the
    # selectors cannot tell them apart and the scaled old position decides.
    assert (found.anchor.prefix, found.anchor.suffix) == (anchor.prefix, anchor.suffix)
    return True


# --- make_anchor ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1, 4, "negative"),
        (0, 99, "past the end"),
        (5, 5, "empty or reversed"),
        (6, 2, "empty or reversed"),
        (4, 8, "only whitespace"),
    ],
)
def test_make_anchor_rejects(start: int, end: int, message: str) -> None:
    with pytest.raises(AnchorError, match=message):
        make_anchor("abcd \n\t efgh", start, end)


def test_make_anchor_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        make_anchor("abc", 2, 1)


def test_prefix_and_suffix_at_the_edges() -> None:
    text = "".join(chr(ord("a") + i % 26) for i in range(100))
    whole = make_anchor(text, 0, 100)
    assert (whole.prefix, whole.exact, whole.suffix) == ("", text, "")
    near_start = make_anchor(text, 5, 10)
    assert near_start.prefix == text[:5] and near_start.suffix == text[10:42]
    near_end = make_anchor(text, 90, 97)
    assert near_end.prefix == text[58:90] and near_end.suffix == text[97:]
    assert len(make_anchor(text, 40, 50).prefix) == CONTEXT == 32


def test_quote_at_the_very_start_and_end(text: str) -> None:
    # Spans touching the document's edges keep working after edits elsewhere.
    first = make_anchor(text, 0, text.index("\n"))
    last = make_anchor(text, text.rindex("©"), len(text))
    new_text = text.replace("Equality statement", "Equality and inclusion statement")
    for anchor in (first, last):
        found = reanchor(anchor, new_text, old_length=len(text))
        assert found is not None and found.method == "exact"
        assert found.anchor.exact == anchor.exact
    assert reanchor(last, new_text).anchor.end == len(new_text)


def test_reanchor_rejects_an_empty_quote() -> None:
    with pytest.raises(AnchorError, match="empty"):
        reanchor(Anchor(0, 0, "", "", "abc"), "abc")


# --- UTF-16 offsets ----------------------------------------------------------------------------

MIXED = "Caf\u00e9 cafe\u0301 🙂 漢字 ok 👍🏽!"


def _js_units(text: str) -> int:
    """What a browser's `text.length` reports."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


@pytest.mark.parametrize(
    ("text", "codepoints", "units"),
    [
        ("a🙂b", 1, 1),
        ("a🙂b", 2, 3),  # the emoji is one code point, two UTF-16 units
        ("a🙂b", 3, 4),
        ("caf\u00e9!", 4, 4),  # é precomposed: one of each
        ("cafe\u0301!", 5, 5),  # e + combining accent: two of each
        ("漢字です", 2, 2),  # CJK in the Basic Multilingual Plane: one of each
        ("𠀋x", 1, 2),  # CJK Extension B: outside the BMP, two units
        ("", 0, 0),
    ],
)
def test_utf16_conversion(text: str, codepoints: int, units: int) -> None:
    assert utf16_offset(text, codepoints) == units
    assert codepoint_offset(text, units) == codepoints


def test_round_trips_every_offset() -> None:
    for cp in range(len(MIXED) + 1):
        units = utf16_offset(MIXED, cp)
        assert units == _js_units(MIXED[:cp])
        assert codepoint_offset(MIXED, units) == cp
    assert utf16_offset(MIXED, len(MIXED)) == _js_units(MIXED)


@pytest.mark.parametrize("units", [6, 8, 12])
def test_offsets_inside_a_surrogate_pair_are_rejected(units: int) -> None:
    text = "abcde🙂🙂 x🙂"  # pairs at units 5-6, 7-8 and 11-12
    with pytest.raises(AnchorError, match="surrogate pair"):
        codepoint_offset(text, units)
    assert [codepoint_offset(text, u) for u in (5, 7, 9, 11, 13)] == [5, 6, 7, 9, 10]


@pytest.mark.parametrize(
    ("convert", "offset"),
    [(utf16_offset, -1), (utf16_offset, 8), (codepoint_offset, -1), (codepoint_offset, 9)],
)
def test_out_of_range_offsets_are_rejected(convert: Callable[[str, int], int], offset: int) -> None:
    text = "a🙂b\u00e9 漢x"  # 7 code points, 8 UTF-16 units
    with pytest.raises(AnchorError, match="outside the text"):
        convert(text, offset)


def test_browser_selection_after_emoji_anchors_the_right_text() -> None:
    # The browser reports a selection of "漢字 ok" in UTF-16 units.
    text = MIXED
    quote = "漢字 ok"
    js_start = _js_units(text[: text.index(quote)])
    start = codepoint_offset(text, js_start)
    end = codepoint_offset(text, js_start + _js_units(quote))
    anchor = make_anchor(text, start, end)
    assert anchor.exact == quote
    assert utf16_offset(text, anchor.start) == js_start
