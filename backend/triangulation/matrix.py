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

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

STANCES = ("supports", "refutes", "refines")
SUPPORTING = {"supports", "refines"}
SOURCE_TYPES = ("document", "interview", "observation")
NONE_KEY = "(none)"
EMPTY_CELL = {"sources": 0, "excerpts": 0} | {
    s: {"sources": 0, "excerpts": 0} for s in ("supports", "refutes", "refines")
}


class Evidence(NamedTuple):
    """One excerpt in one row, in the column order the SQL query selects."""

    row_id: int
    annotation_id: int
    document_id: int
    source_type: str
    organisation: str | None
    document_type: str | None
    stance: str
    part: str | None = None  # CMOC rows: which part it evidences
    cmoc_id: int | None = None


def column_of(e: Evidence, columns: str) -> str:
    return getattr(e, columns) or NONE_KEY


def status(evidence: list[Evidence]) -> str:
    supporting = {e.source_type for e in evidence if e.stance in SUPPORTING}
    refuting = any(e.stance == "refutes" for e in evidence)
    return _status(len(supporting), refuting)


def _status(supporting_types: int, refuting: bool) -> str:
    if refuting:
        return "contested" if supporting_types else "refuted"
    if supporting_types >= 2:
        return "corroborated"
    return "single_source" if supporting_types else "no_evidence"


@dataclass
class Counts:
    """What the matrix shows, whoever counted it: distinct sources and excerpts
    keyed by (row, column or None for all, stance or None for all), plus what the
    statuses need. Filled from evidence rows in Python (the API: fastest at this
    size) or by GROUP BY queries (exports: memory does not grow with the project)."""

    sources: Counter = field(default_factory=Counter)
    excerpts: Counter = field(default_factory=Counter)
    supporting_types: Counter = field(default_factory=Counter)  # row -> source types
    refuting: set = field(default_factory=set)  # rows with refuting evidence
    columns: set = field(default_factory=set)

    @classmethod
    def of(cls, evidence: list[Evidence], columns: str) -> Counts:
        """Row by row, a set per cell: plain loops over tuples measured ~3x faster
        here than set projections or one object per cell (10,000 excerpts)."""
        at = Evidence._fields.index(columns)
        out = cls()
        by_row: dict[int, list] = defaultdict(list)
        for e in evidence:
            by_row[e[0]].append(e)
        for row_id, items in by_row.items():
            out._count_row(row_id, items, at)
        return out

    def _count_row(self, row_id: int, items: list, at: int) -> None:
        docs: dict[tuple, set] = defaultdict(set)
        anns: dict[tuple, set] = defaultdict(set)
        supporting = set()
        for e in items:
            column, stance, doc, ann = e[at] or NONE_KEY, e[6], e[2], e[1]
            for key in ((column, stance), (column, None), (None, stance), (None, None)):
                docs[key].add(doc)
                anns[key].add(ann)
            if stance in SUPPORTING:
                supporting.add(e[3])
            elif stance == "refutes":
                self.refuting.add(row_id)
        for (column, stance), found in docs.items():
            self.sources[(row_id, column, stance)] = len(found)
            self.excerpts[(row_id, column, stance)] = len(anns[(column, stance)])
            if column is not None:
                self.columns.add(column)
        self.supporting_types[row_id] = len(supporting)

    def cell(self, row_id: int, column: str | None) -> dict:
        if (row_id, column, None) not in self.sources:
            return EMPTY_CELL  # most cells of a large matrix; shared, never mutated
        src, exc = self.sources, self.excerpts
        return {"sources": src[(row_id, column, None)], "excerpts": exc[(row_id, column, None)]} | {
            s: {
                "sources": src.get((row_id, column, s), 0),
                "excerpts": exc.get((row_id, column, s), 0),
            }
            for s in STANCES
        }

    def status(self, row_id: int) -> str:
        return _status(self.supporting_types.get(row_id, 0), row_id in self.refuting)


def build(rows: list[tuple[int, str]], evidence: list[Evidence], columns: str) -> dict:
    """`rows`: (id, label) in display order; `columns`: an Evidence field."""
    return assemble(rows, Counts.of(evidence, columns), columns)


def assemble(rows: list[tuple[int, str]], counts: Counts, columns: str) -> dict:
    keys = _column_keys(counts.columns, columns)
    return {
        "columns": [{"key": k, "label": _label(k)} for k in keys],
        "rows": [
            {
                "id": row_id,
                "label": label,
                "status": counts.status(row_id),
                "cells": {k: counts.cell(row_id, k) for k in keys},
                "total": counts.cell(row_id, None),
            }
            for row_id, label in rows
        ],
    }


def _label(key: str) -> str:
    """ "field_notes" -> "Field notes"; organisations are shown as they are."""
    if key == NONE_KEY or not key.islower():
        return key
    return key.replace("_", " ").capitalize()


def _column_keys(seen: set[str], columns: str) -> list[str]:
    if columns == "source_type":
        return list(SOURCE_TYPES) + sorted(seen - set(SOURCE_TYPES))
    return sorted(seen - {NONE_KEY}) + ([NONE_KEY] if NONE_KEY in seen else [])
