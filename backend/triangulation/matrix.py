"""The triangulation matrix: its status rules and its shape, from counts the
database made (one GROUP BY query in triangulation/service.py, nothing recounted here).

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

from dataclasses import dataclass, field
from typing import Any, NamedTuple

STANCES = ("supports", "refutes", "refines")
SUPPORTING = {"supports", "refines"}
SOURCE_TYPES = ("document", "interview", "observation")
NONE_KEY = "(none)"
EMPTY_CELL: dict[str, Any] = {"sources": 0, "excerpts": 0} | {
    s: {"sources": 0, "excerpts": 0} for s in ("supports", "refutes", "refines")
}


class Evidence(NamedTuple):
    """One excerpt in one row: the columns the evidence query selects, in order."""

    row_id: int
    annotation_id: int
    document_id: int
    source_type: str
    organisation: str | None
    document_type: str | None
    stance: str
    part: str | None = None  # CMOC rows: which part it evidences
    cmoc_id: int | None = None


def status(supporting_types: int, refuting: bool) -> str:
    """A row's status from how many source types support it and whether anything
    refutes it (the rules in this module's docstring)."""
    if refuting:
        return "contested" if supporting_types else "refuted"
    if supporting_types >= 2:
        return "corroborated"
    return "single_source" if supporting_types else "no_evidence"


Cell = tuple[int, str | None, str | None]  # (row, column or None for all, stance or None)


@dataclass
class Counts:
    """What the matrix shows, as the database counted it (triangulation/service.py):
    distinct sources and excerpts per cell, plus what the statuses need."""

    sources: dict[Cell, int] = field(default_factory=dict)
    excerpts: dict[Cell, int] = field(default_factory=dict)
    supporting_types: dict[int, int] = field(default_factory=dict)  # row -> source types
    refuting: set[int] = field(default_factory=set)  # rows with refuting evidence
    columns: set[str] = field(default_factory=set)

    def cell(self, row_id: int, column: str | None) -> dict[str, Any]:
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
        return status(self.supporting_types.get(row_id, 0), row_id in self.refuting)


def assemble(rows: list[tuple[int, str]], counts: Counts, columns: str) -> dict[str, Any]:
    """`rows`: (id, label) in display order; `columns`: an Evidence field."""
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
