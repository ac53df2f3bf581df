"""Agreement statistics against published worked examples and the `krippendorff` package."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from backend.agreement.stats import (
    agreement_report,
    cohens_kappa,
    krippendorff_alpha_nominal,
    percent_agreement,
)


def _from_2x2(yes_yes: int, yes_no: int, no_yes: int, no_no: int) -> tuple[list, list]:
    """Two coders' values from a 2x2 table (rows: coder A, columns: coder B)."""
    cells = [("yes", "yes")] * yes_yes + [("yes", "no")] * yes_no
    cells += [("no", "yes")] * no_yes + [("no", "no")] * no_no
    return [a for a, _ in cells], [b for _, b in cells]


def _units_by_coder_to_package(units: list[list]) -> np.ndarray:
    """Our units x coders layout, None = missing -> the package's coders x units, NaN = missing."""
    return np.array([[np.nan if v is None else v for v in unit] for unit in units], dtype=float).T


# --- Cohen's kappa: published examples -------------------------------------------------------


def test_kappa_wikipedia_worked_example():
    # Wikipedia, "Cohen's kappa", simple example: 50 grant proposals read by two readers;
    # both yes 20, A yes / B no 5, A no / B yes 10, both no 15. p_o = 0.7, p_e = 0.5, kappa = 0.4.
    a, b = _from_2x2(20, 5, 10, 15)
    assert percent_agreement(a, b) == pytest.approx(0.7)
    assert cohens_kappa(a, b) == pytest.approx(0.4)
    assert cohens_kappa(b, a) == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        # Wikipedia, "Cohen's kappa", "same percentages but different numbers": both tables have
        # p_o = 0.60 over 100 units but different marginals, so different kappas.
        ((45, 15, 25, 15), 0.1304),
        ((25, 35, 5, 35), 0.2593),
    ],
)
def test_kappa_wikipedia_same_agreement_different_kappa(table, expected):
    a, b = _from_2x2(*table)
    assert percent_agreement(a, b) == pytest.approx(0.6)
    assert cohens_kappa(a, b) == pytest.approx(expected, abs=5e-5)


def test_kappa_three_categories_by_hand():
    # A: x x x y y z ; B: x x y y z z. Agreements 4/6. Marginals A (x3, y2, z1), B (x2, y2, z2):
    # p_e = (3*2 + 2*2 + 1*2) / 36 = 12/36, kappa = (4/6 - 1/3) / (1 - 1/3) = 1/2.
    assert cohens_kappa(list("xxxyyz"), list("xxyyzz")) == pytest.approx(0.5)


def test_kappa_perfect_and_systematic_disagreement():
    assert cohens_kappa([1, 0, 1, 0], [1, 0, 1, 0]) == 1.0
    assert cohens_kappa([1, 0, 1, 0], [0, 1, 0, 1]) == -1.0


# --- Krippendorff's alpha: published example and the reference package -----------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C (nominal data,
# any number of observers, missing values): observers A-D, units 1-12, None where the paper has
# "." (missing). Unit 12 has a single value and is not pairable.
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def test_alpha_krippendorff_2011_worked_example():
    units = [list(unit) for unit in zip(*KRIPPENDORFF_2011.values(), strict=True)]
    # The paper's figures: n = 40 pairable values, marginals n_1..n_5 = 9, 13, 10, 5, 3.
    # Disagreeing ordered pairs: unit 2 (2,2,3,2) 6/3, unit 6 (1,2,3,4) 12/3, unit 8 (1,1,2,1) 6/3
    # -> 8; sum_{c != k} n_c n_k = 40^2 - (81 + 169 + 100 + 25 + 9) = 1216;
    # alpha = 1 - 39 * 8 / 1216 = 0.743.
    alpha = krippendorff_alpha_nominal(units)
    assert alpha == pytest.approx(1 - 39 * 8 / 1216)
    assert round(alpha, 3) == 0.743
    # The same example is in the `krippendorff` package's documentation (nominal 0.743).
    reference = krippendorff.alpha(
        reliability_data=_units_by_coder_to_package(units), level_of_measurement="nominal"
    )
    assert alpha == pytest.approx(float(reference), rel=1e-12)


def test_alpha_ignores_units_with_fewer_than_two_values():
    units = [list(unit) for unit in zip(*KRIPPENDORFF_2011.values(), strict=True)]
    with_extra = units + [[None, None, None, None], [7, None, None, None]]
    assert krippendorff_alpha_nominal(with_extra) == krippendorff_alpha_nominal(units)


def test_alpha_package_docstring_example():
    # The `krippendorff` package's own docstring example (3 coders, 15 units, nominal 0.691358),
    # in coders x units layout.
    by_coder = [
        [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
        [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
        [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
    ]
    units = [list(unit) for unit in zip(*by_coder, strict=True)]
    assert krippendorff_alpha_nominal(units) == pytest.approx(0.691358, abs=5e-7)


@pytest.mark.parametrize("seed", range(8))
def test_alpha_matches_krippendorff_package_on_random_data(seed):
    rng = np.random.default_rng(seed)
    n_coders = int(rng.integers(2, 6))
    n_units = int(rng.integers(5, 40))
    n_values = int(rng.integers(2, 6))
    values = rng.integers(1, n_values + 1, size=(n_units, n_coders))
    missing = rng.random((n_units, n_coders)) < 0.25
    units = [
        [None if missing[u, k] else int(values[u, k]) for k in range(n_coders)]
        for u in range(n_units)
    ]
    ours = krippendorff_alpha_nominal(units)
    reference = krippendorff.alpha(
        reliability_data=_units_by_coder_to_package(units), level_of_measurement="nominal"
    )
    assert ours is not None
    assert ours == pytest.approx(float(reference), rel=1e-9, abs=1e-12)


def test_alpha_accepts_strings_and_perfect_agreement_is_one():
    units = [["ctx", "ctx", None], ["mech", "mech", "mech"], [None, "out", "out"]]
    assert krippendorff_alpha_nominal(units) == 1.0


# --- Percent agreement: trivial cases ---------------------------------------------------------


def test_percent_agreement_trivial_cases():
    assert percent_agreement([1, 0, 1], [1, 0, 1]) == 1.0
    assert percent_agreement([1, 1, 1], [0, 0, 0]) == 0.0
    assert percent_agreement(["a", "b", "c", "d"], ["a", "x", "c", "y"]) == 0.5
    assert percent_agreement(["only"], ["only"]) == 1.0
    assert percent_agreement([1, 0, 0], [1, 1, 1]) == pytest.approx(1 / 3)


# --- Undefined cases --------------------------------------------------------------------------


def test_kappa_undefined_when_both_coders_constant_and_equal():
    assert cohens_kappa([0, 0, 0, 0], [0, 0, 0, 0]) is None
    assert cohens_kappa(["yes"] * 5, ["yes"] * 5) is None


def test_kappa_defined_when_coders_constant_but_different():
    # p_e = 0, p_o = 0 -> kappa = 0, not undefined.
    assert cohens_kappa([1, 1, 1], [0, 0, 0]) == 0.0


@pytest.mark.parametrize(
    "units",
    [
        [],  # no data at all
        [[1, None], [None, 2]],  # no unit with two values: nothing pairable
        [[5, None, None]],
        [[1, 1], [1, 1, 1], [None, 1]],  # only one value ever used: D_e == 0
        [["a", "a", "a"]],
    ],
)
def test_alpha_undefined_returns_none(units):
    assert krippendorff_alpha_nominal(units) is None


# --- The report on a hand-made scenario -------------------------------------------------------

# Three coders, six passages p1..p6, two codes. 1 = coder applied the code on that passage.
#
# Code X          p1 p2 p3 p4 p5 p6   applied
#   ana            1  1  1  0  0  0   3
#   ben            1  1  0  0  0  0   2
#   cat            1  1  1  0  0  1   4
#   ana/ben: agree 5/6; marginals (3 ones, 3 zeros) vs (2, 4): S = 3*2 + 3*4 = 18,
#            kappa = (6*5 - 18) / (36 - 18) = 12/18 = 2/3
#   ana/cat: agree 5/6; (3, 3) vs (4, 2): S = 12 + 6 = 18, kappa = 12/18 = 2/3
#   ben/cat: agree 4/6; (2, 4) vs (4, 2): S = 8 + 8 = 16, kappa = (24 - 16) / (36 - 16) = 0.4
#   mean percent agreement = (5 + 5 + 4) / 18 = 7/9
#   alpha: n = 18 values, 9 ones, 9 zeros. Disagreeing units p3 (1,0,1) and p6 (0,0,1), each
#          (9 - (4 + 1)) / 2 = 2 -> 4. alpha = 1 - 17 * 4 / (2 * 9 * 9) = 1 - 68/162 = 47/81
#   any applied: p1 p2 p3 p6 = 4; all applied: p1 p2 = 2; unanimous: p1 p2 p4 p5 = 4
#
# Code Y          p1 p2 p3 p4 p5 p6   applied
#   ana            0  0  0  0  0  0   0
#   ben            0  0  0  0  0  0   0
#   cat            0  0  0  1  0  0   1
#   ana/ben: agree 6/6, both constant 0 -> kappa undefined (None)
#   ana/cat: agree 5/6; (0 ones, 6 zeros) vs (1, 5): S = 30, kappa = (30 - 30) / (36 - 30) = 0
#   ben/cat: the same, 5/6 and 0
#   mean percent agreement = (6 + 5 + 5) / 18 = 8/9
#   alpha: n = 18, 1 one, 17 zeros; p4 (0,0,1) gives 2. alpha = 1 - 17 * 2 / (2 * 1 * 17) = 0
#   any applied: 1; all applied: 0; unanimous: 5
#
# Overall: 12 (passage, code) cells; ana 3 ones / 9 zeros, ben 2 / 10, cat 5 / 7.
#   ana/ben: agree 5 + 6 = 11/12; S = 3*2 + 9*10 = 96, kappa = (132 - 96) / (144 - 96) = 0.75
#   ana/cat: agree 5 + 5 = 10/12; S = 15 + 63 = 78, kappa = (120 - 78) / (144 - 78) = 7/11
#   ben/cat: agree 4 + 5 = 9/12; S = 10 + 70 = 80, kappa = (108 - 80) / (144 - 80) = 7/16
#   mean percent agreement = (11 + 10 + 9) / 36 = 5/6
#   alpha: n = 36, 10 ones, 26 zeros; three disagreeing cells of 2 each -> 6.
#          alpha = 1 - 35 * 6 / (2 * 10 * 26) = 1 - 210/520 = 31/52
#   any applied: 4 + 1 = 5; all applied: 2; unanimous: 4 + 5 = 9
#
# `applied` also holds a code not compared ("Z") and a passage not seen by everyone ("p7"):
# both must be ignored. cat's "Y" on p4 comes with "Z", which must not hide it.
PASSAGES = ["p1", "p2", "p3", "p4", "p5", "p6"]
APPLIED = {
    "ana": {"p1": {"X"}, "p2": {"X", "Z"}, "p3": {"X"}, "p5": {"Z"}, "p7": {"X", "Y"}},
    "ben": {"p1": {"X"}, "p2": {"X"}, "p3": set(), "p6": {"Z"}},
    "cat": {"p1": {"X"}, "p2": {"X"}, "p3": {"X"}, "p4": {"Y", "Z"}, "p6": {"X"}, "p7": {"Y"}},
}


@pytest.fixture
def report():
    return agreement_report(PASSAGES, ["X", "Y"], ["ana", "ben", "cat"], APPLIED)


def _pair_figures(stats):
    return {(p.coder_a, p.coder_b): (p.percent_agreement, p.kappa) for p in stats.pairs}


def test_report_shape(report):
    assert report.coders == ("ana", "ben", "cat")
    assert report.n_passages == 6
    assert [entry.code for entry in report.per_code] == ["X", "Y"]


def test_report_code_x(report):
    x = report.for_code("X")
    assert x.n_units == 6
    assert x.applied_counts == (("ana", 3), ("ben", 2), ("cat", 4))
    assert (x.units_any_applied, x.units_all_applied, x.units_unanimous) == (4, 2, 4)
    assert _pair_figures(x) == {
        ("ana", "ben"): (pytest.approx(5 / 6), pytest.approx(2 / 3)),
        ("ana", "cat"): (pytest.approx(5 / 6), pytest.approx(2 / 3)),
        ("ben", "cat"): (pytest.approx(4 / 6), pytest.approx(0.4)),
    }
    assert x.percent_agreement == pytest.approx(7 / 9)
    assert x.alpha == pytest.approx(47 / 81)


def test_report_code_y_has_an_undefined_kappa(report):
    y = report.for_code("Y")
    assert y.applied_counts == (("ana", 0), ("ben", 0), ("cat", 1))
    assert (y.units_any_applied, y.units_all_applied, y.units_unanimous) == (1, 0, 5)
    assert y.pair("ben", "ana").percent_agreement == 1.0
    assert y.pair("ana", "ben").kappa is None
    assert y.pair("ana", "cat").kappa == 0.0
    assert y.pair("cat", "ben").kappa == 0.0
    assert y.percent_agreement == pytest.approx(8 / 9)
    assert y.alpha == pytest.approx(0.0, abs=1e-12)


def test_report_overall_pools_passage_code_cells(report):
    overall = report.overall
    assert overall.n_units == 12
    assert overall.applied_counts == (("ana", 3), ("ben", 2), ("cat", 5))
    assert overall.applied_by("cat") == 5
    assert (overall.units_any_applied, overall.units_all_applied) == (5, 2)
    assert overall.units_unanimous == 9
    assert _pair_figures(overall) == {
        ("ana", "ben"): (pytest.approx(11 / 12), pytest.approx(0.75)),
        ("ana", "cat"): (pytest.approx(10 / 12), pytest.approx(7 / 11)),
        ("ben", "cat"): (pytest.approx(9 / 12), pytest.approx(7 / 16)),
    }
    assert overall.percent_agreement == pytest.approx(5 / 6)
    assert overall.alpha == pytest.approx(31 / 52)


def test_report_two_coders_matches_the_plain_functions():
    applied = {"ana": APPLIED["ana"], "ben": APPLIED["ben"]}
    stats = agreement_report(PASSAGES, ["X"], ["ana", "ben"], applied).for_code("X")
    a, b = [1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0]
    assert stats.percent_agreement == percent_agreement(a, b)
    assert stats.pair("ana", "ben").kappa == cohens_kappa(a, b)
    assert stats.alpha == krippendorff_alpha_nominal([list(u) for u in zip(a, b, strict=True)])


def test_report_lookups_raise_for_unknown_keys(report):
    with pytest.raises(KeyError):
        report.for_code("Z")
    with pytest.raises(KeyError):
        report.overall.pair("ana", "ana")
    with pytest.raises(KeyError):
        report.overall.applied_by("dan")


# --- Bad inputs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ([1, 0], [1], "different numbers of units"),
        ([], [], "at least one unit"),
        ([1, None], [1, 0], "missing values"),
    ],
)
def test_pairwise_functions_reject_bad_input(a, b, message):
    with pytest.raises(ValueError, match=message):
        percent_agreement(a, b)
    with pytest.raises(ValueError, match=message):
        cohens_kappa(a, b)


@pytest.mark.parametrize(
    ("units", "codes", "coders", "message"),
    [
        (PASSAGES, ["X"], ["ana"], "at least 2 coders to compare, got 1"),
        (PASSAGES, ["X"], [], "at least 2 coders to compare, got 0"),
        ([], ["X"], ["ana", "ben"], "at least one passage"),
        (PASSAGES, [], ["ana", "ben"], "at least one code"),
        (PASSAGES, ["X"], ["ana", "ana"], "coders must be distinct; repeated: 'ana'"),
        (["p1", "p1"], ["X"], ["ana", "ben"], "passages must be distinct; repeated: 'p1'"),
        (PASSAGES, ["X", "X"], ["ana", "ben"], "codes must be distinct; repeated: 'X'"),
        (PASSAGES, ["X"], ["ana", "dan"], "no coding given for coder\\(s\\) 'dan'"),
    ],
)
def test_report_rejects_bad_input(units, codes, coders, message):
    with pytest.raises(ValueError, match=message):
        agreement_report(units, codes, coders, APPLIED)


def test_report_accepts_a_coder_who_applied_nothing():
    applied = {"ana": APPLIED["ana"], "eve": {}}
    stats = agreement_report(PASSAGES, ["X"], ["ana", "eve"], applied).for_code("X")
    assert stats.applied_counts == (("ana", 3), ("eve", 0))
    assert stats.percent_agreement == 0.5
    assert stats.pair("ana", "eve").kappa == 0.0
