"""Property: for random texts with emoji, CJK, combining marks and CRLF, selections a fixture
writer records in UTF-16 units (NVivo) or code points (the spec) come back, through the reader
(BOM dropped, CRLF kept) and the placement, as exactly the same quote, and never for review."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.refi import offsets
from backend.refi.reader import open_package
from tests.backend.refi import builders as b

PIECES = st.sampled_from(
    ["word", "Trust", "café", "e\u0301t\u00e9", "医院", "の", "😊", "👩‍⚕️", "🏥", "🤝", "x"]
)
GAPS = st.sampled_from([" ", "\r\n", ", ", " — ", "\n\n", ". "])


@st.composite
def texts_and_spans(draw):
    words = draw(st.lists(PIECES, min_size=2, max_size=25))
    text, bounds = "", []
    for word in words:
        start = len(text)
        text += word
        bounds.append((start, len(text)))
        text += draw(GAPS)
    i = draw(st.integers(0, len(bounds) - 1))
    j = draw(st.integers(i, len(bounds) - 1))
    return text, bounds[i][0], bounds[j][1]


def _through_reader(tool: b.Tool, text: str, start: int, end: int, tmp_path) -> tuple:
    src = b.Src("S", text, [b.Sel(start, end)])
    # The text already holds its CRLFs (and some lone LFs): written as it is.
    data = b.qdpx(dataclasses.replace(tool, crlf=False), [src])
    path = tmp_path / "p.qdpx"
    path.write_bytes(data)
    with open_package(path, 2**24) as package:
        found = package.project()
        [source] = found.sources
        [sel] = source.selections
        return found.origin, package.text(source), sel.start, sel.end


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=texts_and_spans(), tool=st.sampled_from([b.NVIVO_WINDOWS, b.NVIVO_MAC, b.QUALCODER]))
def test_written_positions_import_to_the_same_quote(case, tool, tmp_path):
    text, start, end = case
    origin, stored, fs, fe = _through_reader(tool, text, start, end, tmp_path)
    assert stored == text  # the BOM is not text; CRLF is kept
    decision = offsets.decide(origin, [(stored, [(fs, fe)])])
    placed = offsets.place(stored, fs, fe, decision.reading, decision.certain)
    assert placed.status == "placed", placed
    assert stored[placed.start : placed.end] == text[start:end]


@settings(max_examples=150, deadline=None)
@given(case=texts_and_spans(), unit=st.sampled_from(["utf16", "codepoint"]))
def test_an_unknown_producer_is_read_in_the_unit_it_wrote(case, unit):
    """Without an origin, the tested reading never moves a word-aligned quote."""
    text, start, end = case
    if unit == "utf16":
        fs, fe = b.utf16(text, start), b.utf16(text, end)
    else:
        fs, fe = start, end
    decision = offsets.decide("MAXQDA 2022", [(text, [(fs, fe)])])
    placed = offsets.place(text, fs, fe, decision.reading, decision.certain)
    if placed.status == "placed":
        assert text[placed.start : placed.end] == text[start:end]
    else:  # both readings plausible and different: a person decides, nothing is guessed
        assert placed.status == "review"
        assert any(text[c.start : c.end] == text[start:end] for c in placed.candidates)
