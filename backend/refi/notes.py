"""Programme theories and CMOCs as REFI-QDA Notes, and back.

A Note's PlainTextContent is a readable rendering (what NVivo, ATLAS.ti or MAXQDA show as the
memo), then a blank line, a marker line and one line of JSON holding every field:

    Title: Panel explains its decision
    Status: proposed
    Context: ...
    Mechanism (resource): ...
    Mechanism (reasoning): ...
    Outcome: ...
    Memo: ...

    [Evidence Workbench CMOC]
    {"context": "...", "format": 1, "mechanism_reasoning": "...", ...}

A theory note is the statement, its framework, form and status, then
"[Evidence Workbench programme theory]" and the JSON. The import reads only the last two lines:
the JSON is exact for any text (it is ASCII: newlines, control characters and everything beyond
ASCII are backslash-u escapes, so it is always one line and XML can always carry it), and the
readable part may be edited or reflowed by another tool without harm; characters XML 1.0 cannot
hold at all become U+FFFD in the readable part only. A note whose last two lines are not a
marker and a JSON object is somebody else's memo.
"""

from __future__ import annotations

import json
from typing import Literal

from backend.cmocs.models import CMOC_FIELDS
from backend.refi.common import xml_text
from backend.theories.models import THEORY_FIELDS

FORMAT = 1
CMOC_MARKER = "[Evidence Workbench CMOC]"
THEORY_MARKER = "[Evidence Workbench programme theory]"
_CMOC_LABELS = (
    ("title", "Title"),
    ("status", "Status"),
    ("context", "Context"),
    ("mechanism_resource", "Mechanism (resource)"),
    ("mechanism_reasoning", "Mechanism (reasoning)"),
    ("outcome", "Outcome"),
    ("memo", "Memo"),
)
NoteKind = Literal["cmoc", "theory"]
_MARKERS: dict[str, NoteKind] = {CMOC_MARKER: "cmoc", THEORY_MARKER: "theory"}
_FIELDS = {"cmoc": CMOC_FIELDS, "theory": THEORY_FIELDS}


def _plain(value: object) -> str:
    return str(value) if value is not None else ""


def _trailer(marker: str, fields: dict[str, str]) -> str:
    # ASCII-only JSON: every character, even one XML cannot carry, survives as an escape.
    payload = json.dumps({"format": FORMAT, **fields}, ensure_ascii=True, sort_keys=True)
    return f"\n\n{marker}\n{payload}"


def cmoc_text(cmoc: object) -> str:
    fields = {f: _plain(getattr(cmoc, f)) for f in CMOC_FIELDS}
    readable = "\n".join(f"{label}: {fields[key]}" for key, label in _CMOC_LABELS)
    return xml_text(readable) + _trailer(CMOC_MARKER, fields)


def theory_text(theory: object) -> str:
    fields = {f: _plain(getattr(theory, f)) for f in THEORY_FIELDS}
    readable = (
        f"{fields['statement']}\n\nFramework: {fields['framework']}\n"
        f"Form: {fields['form']}\nStatus: {fields['status']}"
    )
    return xml_text(readable) + _trailer(THEORY_MARKER, fields)


def note_name(kind: NoteKind, label: str) -> str:
    """The Note's `name`: what other tools list it by."""
    prefix = "CMOC" if kind == "cmoc" else "Programme theory"
    short = " ".join(label.split())
    short = short if len(short) <= 80 else short[:79] + "\u2026"
    return xml_text(f"{prefix}: {short}" if short else prefix)


def parse(text: str | None) -> tuple[NoteKind, dict[str, str]] | None:
    """(kind, fields) of one of our notes, or None for any other note."""
    lines = (text or "").rstrip("\n").split("\n")
    if len(lines) < 2 or lines[-2].strip() not in _MARKERS:
        return None
    kind = _MARKERS[lines[-2].strip()]
    try:
        data = json.loads(lines[-1])
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return kind, {f: data[f] for f in _FIELDS[kind] if isinstance(data.get(f), str)}
