"""The DOCX report, laid out like the results section of a RAMESES II realist
evaluation report.

Results: per programme theory (PT1, PT2, ... in the project's order), its CMO
configurations (CMOC 1, 2, ... numbered as they first appear), and for each the
supporting, refuting and refining evidence grouped by source type (documents,
interviews, observations): every quote exact, every quote cited (citations.py).
A configuration used by several theories is given in full once and
cross-referenced (an internal link) wherever else it belongs. Configurations
under no theory follow. Appendix A holds the coded evidence not yet linked to
any configuration, grouped by code; appendix B the methods (methods.py).
Report numbers (PT1, CMOC 1) are the report's own, not database ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from docx import Document as Docx
from docx.shared import Pt
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.models import AnnotationCode
from backend.citations import CHUNK, Location
from backend.core.time import utcnow
from backend.documents import provenance
from backend.exports import dataset, methods
from backend.exports.dataset import Progress
from backend.exports.document import scope_text
from backend.exports.docx_body import Body
from backend.triangulation.scope import Scope
from backend.visibility import operator

STANCES = (
    ("supports", "Supporting evidence"),
    ("refutes", "Refuting evidence"),
    ("refines", "Evidence that refines it"),
)
SOURCE_TYPES = (
    ("document", "Documents"),
    ("interview", "Interviews"),
    ("observation", "Observations"),
)
CMOC_PARTS = (
    ("Context", "context"),
    ("Mechanism (resource)", "mechanism_resource"),
    ("Mechanism (reasoning)", "mechanism_reasoning"),
    ("Outcome", "outcome"),
    ("Memo", "memo"),
)


@dataclass
class _Material:
    theories: list[dict]
    cmocs: dict[int, dict]
    linked: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))
    unlinked: list[dict] = field(default_factory=list)
    number: dict[int, int] = field(default_factory=dict)  # CMOC id -> report number
    home: dict[int, int] = field(default_factory=dict)  # CMOC id -> theory it is given under


async def write_docx(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    dest: BinaryIO,
    project_name: str,
    progress: Progress | None = None,
) -> None:
    m = await _gather(session, project_id, scope, progress)
    docx = Docx()
    docx.styles["Normal"].font.size = Pt(10.5)
    doc = Body(docx)
    doc.heading(f"Evidence report: {project_name}", 0)
    doc.paragraph(f"Exported {utcnow():%Y-%m-%d %H:%M} UTC. Scope: {scope_text(scope)}.")
    doc.paragraph(methods.HOW_TO_READ)
    doc.heading("Results", 1)
    for n, theory in enumerate(m.theories, 1):
        _theory(doc, m, n, theory)
    loose = [c for i, c in m.cmocs.items() if i not in m.home]
    if loose:
        doc.heading("CMO configurations under no programme theory", 2)
        for cmoc in loose:
            _cmoc(doc, m, cmoc)
    await _appendix_unlinked(doc, session, project_id, m)
    viewer = scope.viewer or operator(project_id)
    await methods.write_appendix(doc, session, viewer, m.theories, len(m.cmocs))
    doc.close()
    docx.save(dest)


async def _gather(
    session: AsyncSession, project_id: int, scope: Scope, progress: Progress | None
) -> _Material:
    m = _Material(
        theories=await dataset.theories(session, project_id, scope),
        cmocs={c["id"]: c for c in await dataset.cmocs(session, project_id, scope)},
    )
    async for chunk in dataset.evidence(session, project_id, scope, progress):
        for row in chunk:
            if row["cmoc_id"] is None:
                m.unlinked.append(row)
            elif row["cmoc_id"] in m.cmocs:
                m.linked[row["cmoc_id"]].append(row)
    for theory in m.theories:
        for cmoc_id in theory["cmoc_ids"]:
            if cmoc_id in m.cmocs and cmoc_id not in m.home:
                m.home[cmoc_id] = theory["id"]
                m.number[cmoc_id] = len(m.number) + 1
    for cmoc_id in m.cmocs:
        m.number.setdefault(cmoc_id, len(m.number) + 1)
    return m


def _theory_label(m: _Material, theory_id: int) -> str:
    n = next(i for i, t in enumerate(m.theories, 1) if t["id"] == theory_id)
    return f"PT{n}"


def _theory(doc: Body, m: _Material, n: int, theory: dict) -> None:
    head = doc.heading(f"PT{n}. {theory['framework'] or 'Programme theory'}", 2)
    doc.bookmark(head, f"theory_{theory['id']}")
    doc.paragraph(theory["statement"])
    cmoc_ids = [i for i in theory["cmoc_ids"] if i in m.cmocs]
    doc.paragraph(
        f"Status: {theory['status']}. CMO configurations: {len(cmoc_ids)}."
        if cmoc_ids
        else f"Status: {theory['status']}. No CMO configuration is linked to it yet."
    )
    for cmoc_id in cmoc_ids:
        if m.home[cmoc_id] == theory["id"]:
            _cmoc(doc, m, m.cmocs[cmoc_id])
        else:
            _cross_reference(doc, m, m.cmocs[cmoc_id])


def _cmoc_title(m: _Material, cmoc: dict) -> str:
    return f"CMOC {m.number[cmoc['id']]}: {cmoc['title'] or 'untitled'}"


def _cmoc(doc: Body, m: _Material, cmoc: dict) -> None:
    head = doc.heading(f"{_cmoc_title(m, cmoc)} ({cmoc['status']})", 3)
    doc.bookmark(head, f"cmoc_{cmoc['id']}")
    for label, key in CMOC_PARTS:
        if cmoc[key]:
            doc.labelled(label, cmoc[key])
    others = [t for t in cmoc["theory_ids"] if t != m.home.get(cmoc["id"])]
    others = [t for t in others if any(x["id"] == t for x in m.theories)]
    if others:
        para = doc.paragraph()
        doc.run(para, "Also used by: ", bold=True)
        for i, theory_id in enumerate(others):
            doc.run(para, ", " if i else "")
            doc.link(para, _theory_label(m, theory_id), f"theory_{theory_id}")
        doc.run(para, ".")
    rows = m.linked.get(cmoc["id"], [])
    if not rows:
        doc.paragraph("No evidence is linked to this configuration yet.")
    for stance, heading in STANCES:
        chosen = [r for r in rows if r["stance"] == stance]
        if chosen:
            sources = len({r["document_id"] for r in chosen})
            doc.heading(f"{heading} ({_count(chosen, sources)})", 4)
            _by_source_type(doc, chosen, 5)


def _count(rows: list[dict], sources: int) -> str:
    quotes = f"{len(rows)} quote" + ("s" if len(rows) != 1 else "")
    return f"{quotes} from {sources} source" + ("s" if sources != 1 else "")


def _cross_reference(doc: Body, m: _Material, cmoc: dict) -> None:
    doc.heading(f"{_cmoc_title(m, cmoc)} (see {_theory_label(m, m.home[cmoc['id']])})", 3)
    para = doc.paragraph("This configuration is shared with another programme theory; ")
    doc.run(para, "its evidence is given once, under ")
    doc.link(
        para,
        f"{_theory_label(m, m.home[cmoc['id']])}, CMOC {m.number[cmoc['id']]}",
        f"cmoc_{cmoc['id']}",
    )
    doc.run(para, ".")


def _by_source_type(doc: Body, rows: list[dict], level: int) -> None:
    for key, label in SOURCE_TYPES:
        chosen = [r for r in rows if r["source_type"] == key]
        if chosen:
            doc.heading(f"{label} ({len(chosen)})", level)
            for row in chosen:
                quote(doc, row)


def quote(doc: Body, row: dict) -> None:
    """The exact quote, then its citation: '[part] citation (coded by name)'."""
    doc.paragraph(f"\u201c{row['quote']}\u201d", "IntenseQuote")
    cite = doc.paragraph()
    if row.get("part"):
        doc.run(cite, f"[{row['part']}] ", italic=True)
    doc.run(cite, row["citation"])
    if row["coder"]:
        doc.run(cite, f" (coded by {row['coder']})")
    if note := provenance.note(Location(**(row.get("location") or {}))):
        doc.run(cite, f" [{note}]", italic=True)


async def _appendix_unlinked(
    doc: Body, session: AsyncSession, project_id: int, m: _Material
) -> None:
    doc.heading("Appendix A. Coded evidence not linked to a CMO configuration", 1)
    if not m.unlinked:
        doc.paragraph("Every coded excerpt in scope is linked to a configuration.")
        return
    doc.paragraph(
        f"{len(m.unlinked)} excerpt(s) in scope are coded but not yet linked to any CMO "
        "configuration. They are grouped by code (in codebook order); an excerpt with "
        "several codes appears under each."
    )
    codebook = await dataset.codebook(session, project_id)
    live = {code["id"] for code in codebook}
    codes = await _codes_of(session, [r["annotation_id"] for r in m.unlinked])
    by_code: dict[int | None, list[dict]] = defaultdict(list)
    for row in m.unlinked:
        kept: list[int | None] = [c for c in codes.get(row["annotation_id"], []) if c in live]
        for code_id in kept or [None]:
            by_code[code_id].append(row)
    for code in codebook:
        if code["id"] in by_code:
            doc.heading(f"{code['path']} ({code['kind']})", 2)
            _by_source_type(doc, by_code[code["id"]], 3)
    if None in by_code:
        doc.heading("Without a code", 2)
        _by_source_type(doc, by_code[None], 3)


async def _codes_of(session: AsyncSession, ids: Iterable[int]) -> dict[int, list[int]]:
    wanted = sorted(set(ids))
    out: dict[int, list[int]] = defaultdict(list)
    for i in range(0, len(wanted), CHUNK):
        stmt = select(AnnotationCode.annotation_id, AnnotationCode.code_id).where(
            col(AnnotationCode.annotation_id).in_(wanted[i : i + CHUNK])
        )
        for annotation_id, code_id in (await session.exec(stmt)).all():
            out[annotation_id].append(code_id)
    return out
