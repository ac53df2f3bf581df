"""Krippendorff's alpha for unitizing (alpha_u): agreement on *where* a code was
applied, character by character, not only whether a passage got it.

Plain Python values in, exact fractions inside, floats out; no database.

Definitions (Krippendorff 2004, Content Analysis: An Introduction to Its
Methodology, 2nd ed., Sage, section 12.4; first in Krippendorff 1995, "On the
reliability of unitizing contiguous data", Sociological Methodology 25:47-76).
For one code, each of m coders divides the continuum [B, B+L) into sections:
the units they coded with it (valued) and the gaps between (unvalued). For two
sections g and h of different coders, with beginnings b and lengths l:

- both valued and overlapping: d(g, h) = (b_g - b_h)^2 + (b_g + l_g - b_h - l_h)^2
  (the squared differences of their beginnings and of their ends);
- one valued and lying wholly inside the other, a gap: d = (the unit's length)^2;
- otherwise 0.

D_o = sum over ordered pairs of coders (i != j), over their sections, of d(g, h),
divided by m(m-1)L^2.

D_e = (2/L) * sum over valued units g of all coders of
      [ (N - 1)(2 l^3 - 3 l^2 + l)/3 + l^2 * sum over gaps h with l_h >= l of (l_h - l + 1) ]
      / [ mL(mL - 1) - sum over valued g of l(l - 1) ],
N being the number of valued units of all coders and the gaps those of all coders.

alpha_u = 1 - D_o / D_e for one code; over several codes
alpha_u = 1 - sum D_o / sum D_e. Krippendorff, Mathet, Bouvry & Widlöcher (2016,
Quality & Quantity 50:2347-2364) revise how D_o behaves with more than two coders;
with two (the usual blind round) both definitions agree.

A coder's units for one code must not overlap (the continuum is divided into
sections); callers merge overlapping spans of one coder first (`merge_spans`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate, combinations

Span = tuple[int, int]  # [start, end) on the continuum


@dataclass(frozen=True)
class Section:
    begin: int
    length: int
    valued: bool

    @property
    def end(self) -> int:
        return self.begin + self.length


@dataclass(frozen=True)
class Disagreement:
    """Observed and expected disagreement for one code (exact)."""

    observed: Fraction
    expected: Fraction

    @property
    def alpha(self) -> float | None:
        """None when undefined: nobody used the code, or no disagreement is possible."""
        if self.expected == 0:
            return None
        return float(1 - self.observed / self.expected)


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """One coder's spans for one code, overlapping ones joined (touching ones are
    two units: the coder drew a boundary there)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def sections(spans: Sequence[Span], begin: int, length: int) -> list[Section]:
    """The continuum [begin, begin+length) cut into this coder's units and gaps."""
    out: list[Section] = []
    cursor = begin
    for start, end in sorted(spans):
        if not begin <= start < end <= begin + length:
            raise ValueError(f"unit [{start}, {end}) lies outside the continuum or is empty")
        if start < cursor:
            raise ValueError(f"units overlap at {start}: merge one coder's spans first")
        if start > cursor:
            out.append(Section(cursor, start - cursor, False))
        out.append(Section(start, end - start, True))
        cursor = end
    if cursor < begin + length:
        out.append(Section(cursor, begin + length - cursor, False))
    return out


def distance(g: Section, h: Section) -> int:
    """Krippendorff's squared distance between two coders' sections."""
    if g.valued and h.valued:
        if g.begin < h.end and h.begin < g.end:
            return (g.begin - h.begin) ** 2 + (g.end - h.end) ** 2
        return 0
    if g.valued and not h.valued and h.begin <= g.begin and g.end <= h.end:
        return g.length**2
    if h.valued and not g.valued and g.begin <= h.begin and h.end <= g.end:
        return h.length**2
    return 0


def _pair_sum(a: Sequence[Section], b: Sequence[Section]) -> int:
    """Sum of distances over every pair of sections; only overlapping pairs can
    count, so one sweep over both (sorted, contiguous) lists suffices."""
    total, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        total += distance(a[i], b[j])
        if a[i].end <= b[j].end:
            i += 1
        else:
            j += 1
    return total


def disagreement(
    coders: Mapping[Hashable, Sequence[Span]], begin: int, length: int
) -> Disagreement:
    """D_o and D_e of one code: `coders` maps every coder (at least two) to the
    spans they coded with it (possibly none)."""
    m = len(coders)
    if m < 2:
        raise ValueError("unitizing agreement needs at least two coders")
    if length <= 0:
        raise ValueError("the continuum is empty")
    cut = [sections(spans, begin, length) for spans in coders.values()]
    pairs = sum(_pair_sum(a, b) for a, b in combinations(cut, 2))
    observed = Fraction(2 * pairs, m * (m - 1) * length * length)
    return Disagreement(observed, _expected(cut, m, length))


def _expected(cut: list[list[Section]], m: int, length: int) -> Fraction:
    units = [s.length for coder in cut for s in coder if s.valued]
    gaps = sorted(s.length for coder in cut for s in coder if not s.valued)
    tail = list(accumulate(reversed(gaps)))[::-1] + [0]  # tail[k]: sum of gaps[k:]
    n = len(units)
    numerator = Fraction(0)
    for unit in units:
        k = bisect_left(gaps, unit)  # gaps[k:] are the gaps at least as long
        fits = tail[k] - (unit - 1) * (len(gaps) - k)  # sum of (gap - unit + 1)
        numerator += Fraction((n - 1) * (2 * unit**3 - 3 * unit**2 + unit), 3)
        numerator += unit * unit * fits
    denominator = m * length * (m * length - 1) - sum(u * (u - 1) for u in units)
    if numerator == 0 or denominator == 0:
        return Fraction(0)
    return Fraction(2, length) * numerator / denominator


def overall_alpha(per_code: Sequence[Disagreement]) -> float | None:
    """alpha_u over several codes: 1 - sum D_o / sum D_e."""
    expected = sum((d.expected for d in per_code), Fraction(0))
    if expected == 0:
        return None
    return float(1 - sum((d.observed for d in per_code), Fraction(0)) / expected)
