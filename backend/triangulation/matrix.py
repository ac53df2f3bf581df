"""The triangulation matrix as a pure computation over evidence rows.

A row (theory, CMOC or code) gathers excerpts; each excerpt has a stance and
comes from a source (a document, interview or observation record). A cell counts
distinct sources and excerpts, per stance. A row's status looks at source types,
whatever the columns show:

- corroborated: supporting evidence (supports or refines) from at least two
  source types, and nothing refuting;
- single_source: supporting evidence from one source type only, nothing refuting;
- contested: supporting and refuting evidence;
- refuted: refuting evidence only (the issue is silent; saying "single source"
  would hide that everything found speaks against it);
- no_evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

STANCES = ("supports", "refutes", "refines")
SUPPORTING = {"supports", "refines"}
SOURCE_TYPES = ("document", "interview", "observation")
NONE_KEY = "(none)"


@dataclass(frozen=True)
class Evidence:
    row_id: int
    annotation_id: int
    stance: str
    document_id: int
    source_type: str
    organisation: str | None = None
    document_type: str | None = None
    part: str | None = None  # CMOC rows: which part it evidences
    cmoc_id: int | None = None


@dataclass
class Tally:
    sources: set[int] = field(default_factory=set)
    excerpts: set[int] = field(default_factory=set)

    def add(self, e: Evidence) -> None:
        self.sources.add(e.document_id)
        self.excerpts.add(e.annotation_id)

    def counts(self) -> dict[str, int]:
        return {"sources": len(self.sources), "excerpts": len(self.excerpts)}


@dataclass
class Cell:
    all: Tally = field(default_factory=Tally)
    by_stance: dict[str, Tally] = field(default_factory=lambda: {s: Tally() for s in STANCES})

    def add(self, e: Evidence) -> None:
        self.all.add(e)
        self.by_stance[e.stance].add(e)

    def as_dict(self) -> dict:
        return self.all.counts() | {s: t.counts() for s, t in self.by_stance.items()}


def column_of(e: Evidence, columns: str) -> str:
    value = getattr(e, columns)
    return value if value else NONE_KEY


def status(evidence: list[Evidence]) -> str:
    supporting = {e.source_type for e in evidence if e.stance in SUPPORTING}
    refuting = any(e.stance == "refutes" for e in evidence)
    if refuting:
        return "contested" if supporting else "refuted"
    if len(supporting) >= 2:
        return "corroborated"
    return "single_source" if supporting else "no_evidence"


def build(rows: list[tuple[int, str]], evidence: list[Evidence], columns: str) -> dict:
    """`rows`: (id, label) in display order; `columns`: an Evidence attribute."""
    by_row: dict[int, list[Evidence]] = defaultdict(list)
    for e in evidence:
        by_row[e.row_id].append(e)
    keys = _column_keys(evidence, columns)
    out = []
    for row_id, label in rows:
        cells = {k: Cell() for k in keys}
        total = Cell()
        for e in by_row.get(row_id, []):
            cells[column_of(e, columns)].add(e)
            total.add(e)
        out.append(
            {
                "id": row_id,
                "label": label,
                "status": status(by_row.get(row_id, [])),
                "cells": {k: c.as_dict() for k, c in cells.items()},
                "total": total.as_dict(),
            }
        )
    return {"columns": [{"key": k, "label": k} for k in keys], "rows": out}


def _column_keys(evidence: list[Evidence], columns: str) -> list[str]:
    seen = {column_of(e, columns) for e in evidence}
    if columns == "source_type":
        return list(SOURCE_TYPES) + sorted(seen - set(SOURCE_TYPES))
    return sorted(seen - {NONE_KEY}) + ([NONE_KEY] if NONE_KEY in seen else [])
