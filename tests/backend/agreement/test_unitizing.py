"""alpha_u against Krippendorff's published worked examples, and its properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.agreement.stats import krippendorff_alpha_nominal
from backend.agreement.unitizing import (
    Section,
    disagreement,
    distance,
    merge_spans,
    overall_alpha,
)


def _units(*pairs: tuple[int, int]) -> list[tuple[int, int]]:
    """(begin, length) as printed in the sources -> [start, end) spans."""
    return [(b, b + n) for b, n in pairs]


# Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology (2nd ed.),
# Sage, p. 254: two observers i and j unitize a continuum beginning at 150, of length 300,
# into categories c and k. Units as (beginning, length).
BOOK_BEGIN, BOOK_LENGTH = 150, 300
BOOK = {
    "c": {"i": _units((225, 70), (370, 30)), "j": _units((220, 80), (355, 20), (400, 20))},
    "k": {"i": _units((180, 60), (300, 50)), "j": _units((180, 60), (300, 50))},
}


def test_krippendorff_2004_worked_example():
    c = disagreement(BOOK["c"], BOOK_BEGIN, BOOK_LENGTH)
    k = disagreement(BOOK["k"], BOOK_BEGIN, BOOK_LENGTH)
    assert float(c.observed) == pytest.approx(0.0144, abs=5e-5)
    assert float(c.expected) == pytest.approx(0.0532, abs=5e-5)
    assert c.alpha == pytest.approx(0.7286, abs=5e-5)
    assert k.observed == 0 and float(k.expected) == pytest.approx(0.0490, abs=5e-5)
    assert k.alpha == 1.0
    # The book combines its rounded figures: 1 - .0144 / (.0532 + .0490) = .8591.
    assert overall_alpha([c, k]) == pytest.approx(0.8591, abs=5e-4)


def test_krippendorff_2004_distances():
    """The book's distances between pairs of sections (same page)."""
    assert distance(Section(225, 70, True), Section(220, 80, True)) == 50
    assert distance(Section(370, 30, True), Section(355, 20, True)) == 850
    assert distance(Section(400, 50, False), Section(400, 20, True)) == 400


# Krippendorff, K. (1995). On the reliability of unitizing contiguous data. Sociological
# Methodology 25:47-76, p. 57: four pairs of coders (A-D) on a continuum of 24 units;
# alpha_u as reported there for each pair. The paper treats the continuum as finely
# divisible, so the sections are stretched 50,000-fold (the figures converge) and
# compared at the paper's precision of about .02.
PAPER = {
    "A": ({"Bertha": [(2, 8), (14, 6)], "Bill": [(4, 4), (15, 2)]}, 0.553),
    "B": (
        {
            "John": [(0, 18)],
            "Jill": [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)],
        },
        -0.926,
    ),
    "C": (
        {
            "Gerret": [(2, 6), (10, 2), (14, 4), (20, 2)],
            "Gill": [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)],
        },
        0.679,
    ),
    "D": (
        {
            "Heather": [(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)],
            "Hill": [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)],
        },
        0.066,
    ),
}


@pytest.mark.parametrize("pair", sorted(PAPER))
def test_krippendorff_1995_worked_examples(pair):
    coders, published = PAPER[pair]
    stretch = 50_000
    spans = {k: _units(*((b * stretch, n * stretch) for b, n in v)) for k, v in coders.items()}
    assert disagreement(spans, 0, 24 * stretch).alpha == pytest.approx(published, abs=0.02)


def test_identical_codings_give_one():
    spans = {"ann": [(3, 9), (20, 31)], "ben": [(3, 9), (20, 31)], "cat": [(3, 9), (20, 31)]}
    assert disagreement(spans, 0, 50).alpha == 1.0


def test_unused_code_is_undefined_not_agreement():
    nobody = disagreement({"ann": [], "ben": []}, 0, 100)
    assert nobody.alpha is None
    assert overall_alpha([nobody]) is None
    used = disagreement({"ann": [(0, 10)], "ben": [(0, 10)]}, 0, 100)
    assert overall_alpha([nobody, used]) == 1.0  # an unused code adds nothing


def test_boundaries_matter_and_one_coder_alone_disagrees():
    exact = disagreement({"ann": [(10, 40)], "ben": [(10, 40)]}, 0, 100).alpha
    shifted = disagreement({"ann": [(10, 40)], "ben": [(15, 45)]}, 0, 100).alpha
    alone = disagreement({"ann": [(10, 40)], "ben": []}, 0, 100).alpha
    assert exact == 1.0 and alone < shifted < exact


def test_overlapping_spans_of_one_coder_are_merged_touching_ones_not():
    assert merge_spans([(5, 10), (0, 6), (10, 12)]) == [(0, 10), (10, 12)]
    with pytest.raises(ValueError, match="overlap"):
        disagreement({"ann": [(0, 6), (5, 10)], "ben": []}, 0, 20)
    with pytest.raises(ValueError, match="outside"):
        disagreement({"ann": [(0, 30)], "ben": []}, 0, 20)


@st.composite
def _codings(draw):
    length = draw(st.integers(min_value=5, max_value=60))
    n_coders = draw(st.integers(min_value=2, max_value=4))
    coders = {}
    for k in range(n_coders):
        cuts = sorted(draw(st.sets(st.integers(0, length), max_size=8)))
        coders[f"c{k}"] = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
    return coders, length


@settings(max_examples=150, deadline=None)
@given(_codings(), st.randoms(use_true_random=False))
def test_swapping_coders_changes_nothing(data, rnd):
    coders, length = data
    names = list(coders)
    shuffled = names[:]
    rnd.shuffle(shuffled)
    renamed = {new: coders[old] for old, new in zip(names, shuffled, strict=True)}
    reordered = dict(reversed(list(coders.items())))
    first = disagreement(coders, 0, length)
    for other in (disagreement(renamed, 0, length), disagreement(reordered, 0, length)):
        assert (other.observed, other.expected) == (first.observed, first.expected)
    assert isinstance(first.observed, Fraction)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.sampled_from("abc")), min_size=3, max_size=3),
        min_size=1,
        max_size=30,
    ),
    st.permutations([0, 1, 2]),
)
def test_nominal_alpha_ignores_the_order_of_coders(units, order):
    swapped = [[unit[i] for i in order] for unit in units]
    assert krippendorff_alpha_nominal(swapped) == krippendorff_alpha_nominal(units)
