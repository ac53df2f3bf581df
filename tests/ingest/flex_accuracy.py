"""Flexible character accuracy: OCR accuracy that does not depend on reading order.

After C. Clausner, S. Pletschacher and A. Antonacopoulos, "Flexible character accuracy
measure for reading-order-independent evaluation", Pattern Recognition Letters 131 (2020),
written here from the paper's description. Both texts come as lines (for a page: its
blocks). Lines are matched a pair at a time: the longest reference line left with the OCR
line that fits it best, the shorter of the two slid along the longer. Where the shorter one
matched only part of the longer, the rest of the longer line goes back as a line of its own,
so a block that OCR merged with another, or split, is still found. The errors are the edits
within the matched pairs plus every character left unmatched on either side (a reference
character OCR missed, an OCR character the reference lacks); accuracy is 1 - errors /
reference characters.

Which OCR line fits best is decided by a penalty weighing the pair's edit distance, the
difference of the two lines' lengths, how far the match lies from either end of the longer
line (a match at an end leaves one remainder, not two) and the matched length. As in the
paper, the measure is computed for every combination of weights in its grid (Table 1) and
the best accuracy is kept: the measure asks how well the OCR read the text, and the
weights only steer a greedy search for the pairing that shows it.

Written from the paper's published summary and its weight grid, not its full text; where
those leave a detail open, the choice here is marked where it is made: the matched part
of the longer line may be a little longer or shorter than the shorter line (`fit`), lines
sharing no more than half their characters are not paired (`fit`), a longer match lowers
the penalty (`_Matcher.best_partner`), whitespace at a cut is not text (`_remainders`).
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from math import gcd

from rapidfuzz.distance import Levenshtein

# The paper's grid of penalty weights (Table 1): min, max inclusive, step.
DISTANCE_WEIGHTS = range(15, 31, 5)
LENGTH_DIFF_WEIGHTS = range(0, 24, 3)
OFFSET_WEIGHTS = range(0, 4)
LENGTH_WEIGHTS = range(0, 6)


@dataclass(frozen=True)
class Weights:
    distance: int
    length_diff: int
    offset: int
    length: int


@dataclass(frozen=True)
class Fit:
    """Where the shorter of a reference line and an OCR line matches in the longer."""

    distance: int  # edits between the shorter line and the matched part of the longer
    offset: int  # characters between the matched part and the nearer end of the longer line
    start: int  # the matched part of the longer line: [start, end)
    end: int
    length: int  # characters of the shorter line, all of them matched


def grid() -> list[Weights]:
    """The paper's weight combinations, each kept once up to scale: weights (15, 3, 0, 0)
    and (30, 6, 0, 0) rank every pair alike, so computing both would change nothing."""
    seen: set[tuple[int, ...]] = set()
    kept = []
    for combo in itertools.product(
        DISTANCE_WEIGHTS, LENGTH_DIFF_WEIGHTS, OFFSET_WEIGHTS, LENGTH_WEIGHTS
    ):
        divisor = gcd(*combo)
        key = tuple(w // divisor for w in combo)
        if key not in seen:
            seen.add(key)
            kept.append(Weights(*combo))
    return kept


def fit(a: str, b: str) -> Fit | None:
    """The part of the longer line that the shorter one matches with fewest edits (then
    nearest an end, then longest), or None when even the best place for the shorter line
    keeps no more than half of its characters: such lines are different texts, whose
    characters count as unmatched rather than as substitutions of each other."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    m, n = len(short), len(long)
    if m == 0:
        return None
    # The shorter line slid along the longer one, as in the paper.
    windows = [Levenshtein.distance(short, long[i : i + m]) for i in range(n - m + 1)]
    least = min(windows)
    if 2 * least >= m:
        return None
    # A window as long as the shorter line cuts a character off where OCR dropped or added
    # one, and counts it twice (once misaligned, once left over). The best part of any
    # length has at most `least` edits, so it is at most `least` longer or shorter, and the
    # window where it starts is at most 2 * `least` edits off.
    starts = [i for i, d in enumerate(windows) if d <= 2 * least]
    starts += range(n - m + 1, min(n, n - m + least + 1))
    best = Fit(least + 1, n, 0, 0, m)
    for i in starts:
        for end in range(max(i + 1, i + m - least), min(n, i + m + least) + 1):
            distance = Levenshtein.distance(short, long[i:end], score_cutoff=best.distance)
            candidate = Fit(distance, min(i, n - end), i, end, m)
            if _key(candidate) < _key(best):
                best = candidate
    return best


def _key(found: Fit) -> tuple[int, int, int, int]:
    return (found.distance, found.offset, found.start - found.end, found.start)


class _Matcher:
    """Matches lines for one pair of texts; each pair of lines is fitted once, for all the
    weight combinations."""

    def __init__(self, reference: list[str], ocr: list[str]) -> None:
        self.reference, self.ocr = reference, ocr
        self.fits: dict[tuple[str, str], Fit | None] = {}

    def fitted(self, ref: str, ocr: str) -> Fit | None:
        key = (ref, ocr)
        if key not in self.fits:
            self.fits[key] = fit(ref, ocr)
        return self.fits[key]

    def best_partner(self, ref: str, ocr: list[str], w: Weights) -> tuple[int, Fit] | None:
        """The OCR line with the lowest penalty for `ref` (the first on a tie)."""
        best: tuple[int, int, Fit] | None = None
        for index, line in enumerate(ocr):
            found = self.fitted(ref, line)
            if found is None:
                continue
            penalty = (
                w.distance * found.distance
                + w.length_diff * abs(len(ref) - len(line))
                + w.offset * found.offset
                # A longer match is the likelier true partner: "the" fits into many lines.
                - w.length * found.length
            )
            if best is None or penalty < best[0]:
                best = (penalty, index, found)
        return None if best is None else (best[1], best[2])

    def errors(self, w: Weights) -> int:
        """Character errors with one set of weights."""
        order = itertools.count()
        pending = [(-len(line), next(order), line) for line in self.reference]
        heapq.heapify(pending)
        ocr = list(self.ocr)
        errors = 0
        while pending:
            _, _, ref = heapq.heappop(pending)
            partner = self.best_partner(ref, ocr, w)
            if partner is None:
                errors += len(ref)
                continue
            index, found = partner
            line = ocr.pop(index)
            errors += found.distance
            longer = ref if len(ref) > len(line) else line
            for rest in _remainders(longer, found):
                if longer is ref:
                    heapq.heappush(pending, (-len(rest), next(order), rest))
                else:
                    ocr.append(rest)
        return errors + sum(len(line) for line in ocr)


def _remainders(longer: str, found: Fit) -> list[str]:
    """What is left of the longer line on either side of the match. A cut is a line break,
    and whitespace beside a line break is layout, not text: it is neither matched nor an
    error."""
    parts = (longer[: found.start], longer[found.end :])
    return [part.strip() for part in parts if part.strip()]


def flexible_accuracy(reference: list[str], ocr: list[str]) -> float:
    """1 - character errors / reference characters, the best over the paper's weight grid,
    for lines already normalised (blank lines are ignored). Below 0 when OCR added more
    text than the reference has, reported as 0."""
    reference = [line for line in reference if line]
    ocr = [line for line in ocr if line]
    total = sum(len(line) for line in reference)
    if not total:
        return 1.0 if not ocr else 0.0
    matcher = _Matcher(reference, ocr)
    fewest = min(matcher.errors(w) for w in grid())
    return max(0.0, 1 - fewest / total)
