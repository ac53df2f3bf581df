"""JSON of everything, and the DOCX evidence report.

The report goes theory by theory: the statement, then each of its CMOCs with
the supporting, refuting and refining excerpts, each quoted exactly and cited
(document, organisation, date, page, passage, character range) — ready to cite
in a thesis. CMOCs under no theory close the report.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import BinaryIO

from docx import Document as Docx
from docx.oxml import OxmlElement
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.time import utcnow
from backend.exports import dataset
from backend.exports.dataset import Progress
from backend.triangulation.scope import Scope

STANCE_HEADINGS = (
    ("supports", "Supporting evidence"),
    ("refutes", "Refuting evidence"),
    ("refines", "Evidence that refines it"),
)


def _scope_dict(scope: Scope) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in vars(scope).items()}


async def write_json(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    dest: BinaryIO,
    project_name: str,
    progress: Progress | None = None,
) -> None:
    """One JSON object, written member by member; CMOCs and evidence stream."""
    members = [
        ("project", {"id": project_id, "name": project_name}),
        ("exported_at", utcnow().isoformat()),
        ("scope", _scope_dict(scope)),
        ("theories", await dataset.theories(session, project_id, scope)),
    ]
    dest.write(b"{")
    for i, (name, value) in enumerate(members):
        dest.write(f'{"," if i else ""}\n "{name}": {_json(value)}'.encode())
    await _array(dest, "cmocs", dataset.cmoc_chunks(session, project_id, scope))
    dest.write(f',\n "codebook": {_json(await dataset.codebook(session, project_id))}'.encode())
    dest.write(f',\n "matrix": {_json(await dataset.matrix(session, project_id, scope))}'.encode())
    await _array(dest, "evidence", dataset.evidence(session, project_id, scope, progress))
    dest.write(b"\n}\n")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


async def _array(dest: BinaryIO, name: str, chunks) -> None:
    dest.write(f',\n "{name}": ['.encode())
    first = True
    async for chunk in chunks:
        for row in chunk:
            dest.write((("\n  " if first else ",\n  ") + _json(row)).encode())
            first = False
    dest.write(b"\n ]")


async def write_docx(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    dest: BinaryIO,
    project_name: str,
    progress: Progress | None = None,
) -> None:
    theories = await dataset.theories(session, project_id, scope)
    cmocs = {c["id"]: c for c in await dataset.cmocs(session, project_id, scope)}
    quotes: dict[int, list[dict]] = defaultdict(list)
    async for chunk in dataset.evidence(session, project_id, scope, progress):
        for row in chunk:
            if row["cmoc_id"] is not None:
                quotes[row["cmoc_id"]].append(row)
    docx = Docx()
    docx.styles["Normal"].font.size = Pt(10.5)
    doc = _Body(docx)
    _heading(doc, f"Evidence report: {project_name}", 0)
    doc.paragraph(f"Exported {utcnow():%Y-%m-%d %H:%M} UTC. Scope: {_scope_text(scope)}.")
    placed: set[int] = set()
    for theory in theories:
        _heading(doc, f"{theory['framework'] or 'Theory'} (theory {theory['id']})", 1)
        doc.paragraph(theory["statement"])
        doc.paragraph(f"Status: {theory['status']}; version {theory['version']}.")
        for cmoc_id in theory["cmoc_ids"]:
            if cmoc_id in cmocs:
                _cmoc(doc, cmocs[cmoc_id], quotes[cmoc_id])
                placed.add(cmoc_id)
    loose = [c for i, c in cmocs.items() if i not in placed and not c["theory_ids"]]
    if loose:
        _heading(doc, "CMO configurations under no theory", 1)
        for cmoc in loose:
            _cmoc(doc, cmoc, quotes[cmoc["id"]])
    doc.close()
    docx.save(dest)


def _scope_text(scope: Scope) -> str:
    parts = [f"{k} = {v}" for k, v in _scope_dict(scope).items() if v is not None]
    return ", ".join(parts) or "whole project"


def _cmoc(doc, cmoc: dict, rows: list[dict]) -> None:
    _heading(doc, f"CMOC {cmoc['id']}: {cmoc['title'] or 'untitled'} ({cmoc['status']})", 2)
    for label, key in (
        ("Context", "context"),
        ("Mechanism (resource)", "mechanism_resource"),
        ("Mechanism (reasoning)", "mechanism_reasoning"),
        ("Outcome", "outcome"),
        ("Memo", "memo"),
    ):
        if cmoc[key]:
            para = doc.paragraph()
            para.add_run(f"{label}: ").bold = True
            para.add_run(cmoc[key])
    for stance, heading in STANCE_HEADINGS:
        chosen = [r for r in rows if r["stance"] == stance]
        if chosen:
            _heading(doc, f"{heading} ({len(chosen)})", 3)
            for row in chosen:
                _quote(doc, row)


class _Body:
    """Appends paragraphs at the end of the document body.

    python-docx inserts each new paragraph before the section properties by
    scanning every paragraph so far, and resolves a style name by scanning every
    style: quadratic, 25 s for a 10,000-quote report. Here the section properties
    are set aside while writing and put back last, and styles are set by id.
    (Uses python-docx's element classes; the version is pinned.)"""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.body = doc.element.body
        self.sect = self.body.sectPr
        if self.sect is not None:
            self.body.remove(self.sect)

    def paragraph(self, text: str = "", style_id: str | None = None) -> Paragraph:
        element = OxmlElement("w:p")
        self.body.append(element)
        para = Paragraph(element, self.doc._body)
        if style_id:
            element.style = style_id
        if text:
            para.add_run(text)
        return para

    def close(self) -> None:
        if self.sect is not None:
            self.body.append(self.sect)


def _heading(doc: _Body, text: str, level: int) -> None:
    doc.paragraph(text, "Title" if level == 0 else f"Heading{level}")


def _quote(doc, row: dict) -> None:
    quote = doc.paragraph(style_id="IntenseQuote")
    quote.add_run(f"\u201c{row['quote']}\u201d")
    cite = doc.paragraph()
    cite.add_run(f"[{row['part']}] ").italic = True
    cite.add_run(row["citation"])
    if row["coder"]:
        cite.add_run(f" (coded by {row['coder']})")
