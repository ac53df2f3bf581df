"""Inter-coder agreement statistics, computed on plain Python values (no database, no web).

The unit of analysis is whatever the caller passes as a "unit"; the workbench uses passages.
For one code, coder c's value on passage p is 1 if c applied the code to an annotation
overlapping p, else 0, and only passages every compared coder has seen are passed in. This is
the passage-level comparison NVivo's coding comparison and ATLAS.ti's inter-coder agreement
offer, reduced to nominal data.

Statistics (nominal data throughout):

- Percent agreement: the share of units on which two coders gave the same value.
- Cohen's kappa (Cohen 1960, "A coefficient of agreement for nominal scales"): agreement
  corrected for the agreement two coders would reach by chance given their own marginal
  frequencies.
- Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability",
  https://repository.upenn.edu/asc_papers/43/): any number of coders, missing values allowed,
  chance estimated from the pooled values of all coders.

Everything is computed with exact integer or fraction arithmetic and converted to float at the
end, so "undefined" (a zero denominator) is detected exactly rather than through rounding.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import TypeVar

U = TypeVar("U", bound=Hashable)  # a rating unit (passage)
C = TypeVar("C", bound=Hashable)  # a code
K = TypeVar("K", bound=Hashable)  # a coder


def _check_pair(a: Sequence[Hashable], b: Sequence[Hashable]) -> None:
    """Two coders' values must be complete, non-empty and about the same units."""
    if len(a) != len(b):
        raise ValueError(f"the two coders rated different numbers of units ({len(a)} vs {len(b)})")
    if not a:
        raise ValueError("agreement needs at least one unit; both sequences are empty")
    if any(v is None for v in a) or any(v is None for v in b):
        raise ValueError(
            "missing values (None) are not allowed here; "
            "use krippendorff_alpha_nominal for data with missing values"
        )


def percent_agreement(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """The share of units on which coders a and b gave the same value, in [0, 1].

    p_o = (number of units i with a[i] == b[i]) / n. Not corrected for chance, so it looks
    high whenever one value dominates (e.g. a code that is rarely applied). Raises ValueError
    for sequences of different lengths, empty sequences, or None values.
    """
    _check_pair(a, b)
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def agreement_where_used(a: Sequence[int], b: Sequence[int]) -> float | None:
    """Of the units where a or b applied the code (value 1), the share where both did.

    This is the figure to read next to alpha instead of plain percent agreement: a code
    used on 3 passages out of 500 gives 99 % plain agreement even when the coders never
    agree on one. None when neither coder applied the code anywhere.
    """
    _check_pair(a, b)
    either = sum(1 for x, y in zip(a, b, strict=True) if x or y)
    if not either:
        return None
    return sum(1 for x, y in zip(a, b, strict=True) if x and y) / either


def cohens_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa for two coders on nominal values, in [-1, 1].

    kappa = (p_o - p_e) / (1 - p_e), with p_o the observed agreement and
    p_e = sum over categories k of (n_a(k) / n) * (n_b(k) / n), the agreement expected if each
    coder assigned values independently with their own marginal frequencies (Cohen 1960,
    Educational and Psychological Measurement 20(1):37-46). 1 is perfect agreement, 0 is
    chance-level agreement.

    Returns None when kappa is undefined, i.e. p_e == 1: both coders used one and the same value
    on every unit (for a code: neither applied it anywhere, or both applied it everywhere), so
    there is no chance-corrected agreement to measure. Two coders who are each constant but on
    different values give p_e == 0 and kappa == 0. Computed here as
    (n * agreements - S) / (n**2 - S) with S = sum_k n_a(k) * n_b(k), in integers.
    """
    _check_pair(a, b)
    n = len(a)
    agreements = sum(x == y for x, y in zip(a, b, strict=True))
    counts_a, counts_b = Counter(a), Counter(b)
    chance = sum(count * counts_b[value] for value, count in counts_a.items())
    if chance == n * n:
        return None
    return (n * agreements - chance) / (n * n - chance)


def krippendorff_alpha_nominal(
    reliability_data: Sequence[Sequence[Hashable | None]],
) -> float | None:
    """Krippendorff's alpha for nominal data, any number of coders, missing values allowed.

    reliability_data is a list of units, each a list with one value per coder, None where that
    coder gave no value (only None means missing; NaN would count as a value). Units with fewer
    than 2 values cannot be paired and are ignored, as in Krippendorff (2011).

    alpha = 1 - D_o / D_e. With the coincidence matrix o_ck (each unit u with m_u >= 2 values
    contributes its ordered pairs of values from different coders, weighted 1 / (m_u - 1)),
    its marginals n_c and n = sum_c n_c (the number of pairable values), the nominal form is
    alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k
    (Krippendorff 2011, section C). 1 is perfect agreement, 0 is chance level, negative is
    systematic disagreement.

    Returns None when alpha is undefined: fewer than 2 pairable values, or D_e == 0 because
    every pairable value is the same (no disagreement is possible, so none can be avoided).
    """
    n = 0
    value_counts: Counter[Hashable] = Counter()
    # Unnormalised observed disagreement, grouped by m_u: sum over units of m_u^2 - sum_c n_uc^2,
    # the number of ordered pairs of values within the unit that differ.
    disagreeing_pairs: defaultdict[int, int] = defaultdict(int)
    for unit in reliability_data:
        unit_counts = Counter(v for v in unit if v is not None)
        m = sum(unit_counts.values())
        if m < 2:
            continue
        n += m
        value_counts.update(unit_counts)
        disagreeing_pairs[m] += m * m - sum(c * c for c in unit_counts.values())
    expected = n * n - sum(c * c for c in value_counts.values())  # sum_{c != k} n_c * n_k
    if expected == 0:  # one value throughout, or n == 0 (n is never 1: units have m >= 2)
        return None
    observed = sum(Fraction(pairs, m - 1) for m, pairs in disagreeing_pairs.items())
    return float(1 - (n - 1) * observed / expected)


@dataclass(frozen=True)
class PairAgreement:
    """Agreement between two coders over the same binary units."""

    coder_a: Hashable
    coder_b: Hashable
    percent_agreement: float
    kappa: float | None  # None: undefined, both coders constant and equal (see cohens_kappa)
    # Over the units where at least one of the two applied the code: the share where
    # both did. Not chance-corrected, and blind to the units nobody used the code on
    # (which make plain percent agreement look high). None: neither used it.
    agreement_where_used: float | None = None


@dataclass(frozen=True)
class AgreementStats:
    """Agreement on one set of binary (applied / not applied) units.

    For one code the units are the passages; for the overall figure they are the
    (passage, code) cells. The counts let a reader judge the coefficients: a code applied on
    two passages out of five hundred gives high percent agreement whatever the coders did.
    """

    n_units: int
    applied_counts: tuple[tuple[Hashable, int], ...]  # (coder, units where they applied it)
    units_any_applied: int  # units where at least one coder applied it
    units_all_applied: int  # units where every coder applied it
    units_unanimous: int  # units where all coders gave the same value (all 1 or all 0)
    percent_agreement: float  # mean of the pairwise percent agreements
    pairs: tuple[PairAgreement, ...]  # Cohen's kappa and percent agreement for each pair
    alpha: float | None  # Krippendorff's alpha, nominal, all coders together
    # Mean of the pairs' agreement_where_used (those defined); None when nobody used it.
    percent_agreement_where_used: float | None = None

    def applied_by(self, coder: Hashable) -> int:
        """The number of units on which this coder applied the code."""
        for known, count in self.applied_counts:
            if known == coder:
                return count
        raise KeyError(coder)

    def pair(self, coder_a: Hashable, coder_b: Hashable) -> PairAgreement:
        """The pairwise figures for these two coders, in either order."""
        for p in self.pairs:
            if {p.coder_a, p.coder_b} == {coder_a, coder_b} and coder_a != coder_b:
                return p
        raise KeyError((coder_a, coder_b))


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code, over the passages."""

    code: Hashable
    stats: AgreementStats


@dataclass(frozen=True)
class AgreementReport:
    """Agreement per code and overall, for a fixed set of coders and passages.

    Overall, each (passage, code) cell is one binary unit and the same statistics are computed
    over all cells pooled. Coding each category as present/absent per unit (as ATLAS.ti-style
    per-code comparisons do) and then taking the categories together reduces to exactly this;
    it is not a reimplementation of ATLAS.ti's segment-based cu-alpha / Cu-alpha. Every code
    contributes the same number of cells, so rarely applied codes add many cells where nobody
    applied them, which raise percent agreement; read the pooled figures next to the per-code
    ones.
    """

    coders: tuple[Hashable, ...]
    n_passages: int
    per_code: tuple[CodeAgreement, ...]  # in the order the codes were given
    overall: AgreementStats  # (passage, code) cells pooled as units

    def for_code(self, code: Hashable) -> AgreementStats:
        """The figures for one code."""
        for entry in self.per_code:
            if entry.code == code:
                return entry.stats
        raise KeyError(code)


def _check_distinct(name: str, items: Sequence[Hashable]) -> None:
    duplicates = sorted({repr(x) for x, count in Counter(items).items() if count > 1})
    if duplicates:
        raise ValueError(f"{name} must be distinct; repeated: {', '.join(duplicates)}")


def _validate_report_inputs(
    units: Sequence[U],
    codes: Sequence[C],
    coders: Sequence[K],
    applied: Mapping[K, Mapping[U, set[C]]],
) -> None:
    if len(coders) < 2:
        raise ValueError(f"agreement needs at least 2 coders to compare, got {len(coders)}")
    if not units:
        raise ValueError("agreement needs at least one passage seen by every coder, got none")
    if not codes:
        raise ValueError("agreement needs at least one code to compare, got none")
    _check_distinct("coders", coders)
    _check_distinct("passages", units)
    _check_distinct("codes", codes)
    missing = [repr(k) for k in coders if k not in applied]
    if missing:
        raise ValueError(
            f"no coding given for coder(s) {', '.join(missing)}; "
            "pass an empty mapping for a coder who applied nothing"
        )


def _binary_values(
    units: Sequence[U],
    code: C,
    coders: Sequence[K],
    applied: Mapping[K, Mapping[U, set[C]]],
) -> dict[K, list[int]]:
    """For each coder, 1 or 0 per unit: did they apply this code on it."""
    empty: frozenset[C] = frozenset()
    return {k: [int(code in applied[k].get(u, empty)) for u in units] for k in coders}


def _stats(values: Mapping[K, Sequence[int]], coders: Sequence[K]) -> AgreementStats:
    """Counts, pairwise percent agreement and kappa, and alpha over coders' binary values."""
    pairs = tuple(
        PairAgreement(
            coder_a=a,
            coder_b=b,
            percent_agreement=percent_agreement(values[a], values[b]),
            kappa=cohens_kappa(values[a], values[b]),
            agreement_where_used=agreement_where_used(values[a], values[b]),
        )
        for a, b in combinations(coders, 2)
    )
    where_used = [p.agreement_where_used for p in pairs if p.agreement_where_used is not None]
    units = list(zip(*(values[k] for k in coders), strict=True))
    return AgreementStats(
        n_units=len(units),
        applied_counts=tuple((k, sum(values[k])) for k in coders),
        units_any_applied=sum(any(unit) for unit in units),
        units_all_applied=sum(all(unit) for unit in units),
        units_unanimous=sum(len(set(unit)) == 1 for unit in units),
        percent_agreement=sum(p.percent_agreement for p in pairs) / len(pairs),
        pairs=pairs,
        alpha=krippendorff_alpha_nominal(units),
        percent_agreement_where_used=sum(where_used) / len(where_used) if where_used else None,
    )


def agreement_report(
    units: Sequence[U],
    codes: Sequence[C],
    coders: Sequence[K],
    applied: Mapping[K, Mapping[U, set[C]]],
) -> AgreementReport:
    """Inter-coder agreement per code and overall, at passage level.

    units: the passages every coder in `coders` has seen. codes: the codes to compare.
    applied[coder][unit]: the codes that coder applied on annotations overlapping that unit; a
    unit absent from applied[coder] means no code. Codes not in `codes` and units not in `units`
    are ignored. Every coder must have an entry in `applied` (possibly empty), so that a
    mistyped coder id cannot silently become a coder who applied nothing.

    Per code, each coder's value on a passage is 1 (applied) or 0 (not applied); the report
    gives the counts, Cohen's kappa and percent agreement for every pair of coders, their mean
    percent agreement and Krippendorff's nominal alpha over all coders.

    Overall, each (passage, code) cell is one binary unit, all cells pooled (see AgreementReport).

    Raises ValueError for fewer than 2 coders, no passages, no codes, repeated coders, passages
    or codes, or a coder missing from `applied`.
    """
    _validate_report_inputs(units, codes, coders, applied)
    per_code = []
    pooled: dict[K, list[int]] = {k: [] for k in coders}
    for code in codes:
        values = _binary_values(units, code, coders, applied)
        per_code.append(CodeAgreement(code=code, stats=_stats(values, coders)))
        for k in coders:
            pooled[k].extend(values[k])
    return AgreementReport(
        coders=tuple(coders),
        n_passages=len(units),
        per_code=tuple(per_code),
        overall=_stats(pooled, coders),
    )
