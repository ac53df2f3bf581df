"""Where coders agree and where they do not, as regions of text (pure).

A region is a stretch of one document covered by overlapping annotations of any
of the compared coders (chained: a overlaps b overlaps c is one region). It is an
agreement when every coder coded it exactly alike (same boundaries, same codes);
otherwise a disagreement of one kind:

- `unmatched`: at least one coder coded nothing there;
- `codes`: the same boundaries, different codes;
- `boundaries`: the spans differ.

Adjudication walks the disagreements; agreements go into the consensus as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    agreement = "agreement"
    unmatched = "unmatched"
    codes = "codes"
    boundaries = "boundaries"


@dataclass(frozen=True)
class Coding:
    coder: int  # a user id (adjudication.service.DECISION for a consensus copy)
    annotation_id: int
    document_id: int
    start: int
    end: int
    codes: frozenset[int]


@dataclass(frozen=True)
class Region:
    document_id: int
    start: int
    end: int
    kind: Kind
    codings: tuple[Coding, ...]

    @property
    def key(self) -> str:
        """Stable name of the region (the round is closed, so it no longer moves)."""
        return f"{self.document_id}:{self.start}-{self.end}"


def _signature(codings: Sequence[Coding]) -> tuple:
    spans: dict[tuple[int, int], set[int]] = defaultdict(set)
    for c in codings:
        spans[(c.start, c.end)] |= c.codes
    return tuple(sorted((s, e, tuple(sorted(codes))) for (s, e), codes in spans.items()))


def _kind(codings: Sequence[Coding], coders: Sequence[Hashable]) -> Kind:
    by_coder = {k: [c for c in codings if c.coder == k] for k in coders}
    if any(not found for found in by_coder.values()):
        return Kind.unmatched
    signatures = {_signature(found) for found in by_coder.values()}
    if len(signatures) == 1:
        return Kind.agreement
    boundaries = {tuple((s, e) for s, e, _ in sig) for sig in signatures}
    return Kind.codes if len(boundaries) == 1 else Kind.boundaries


def regions(codings: Sequence[Coding], coders: Sequence[Hashable]) -> list[Region]:
    """Every region, in document and text order."""
    out: list[Region] = []
    ordered = sorted(codings, key=lambda c: (c.document_id, c.start, c.end, c.annotation_id))
    cluster: list[Coding] = []
    end = 0
    for coding in ordered:
        if cluster and (coding.document_id != cluster[0].document_id or coding.start >= end):
            out.append(_region(cluster, coders))
            cluster = []
        end = max(end, coding.end) if cluster else coding.end
        cluster.append(coding)
    if cluster:
        out.append(_region(cluster, coders))
    return out


def _region(cluster: list[Coding], coders: Sequence[Hashable]) -> Region:
    return Region(
        document_id=cluster[0].document_id,
        start=min(c.start for c in cluster),
        end=max(c.end for c in cluster),
        kind=_kind(cluster, coders),
        codings=tuple(cluster),
    )
