"""The report's methods appendix: the corpus (documents, pages, transcripts), the
coders, the codebook, the analysis layer and the agreement figures, and how to read
a citation.

Layer and rounds come from the team's `methods_data` (backend/adjudication/methods.py:
the layer the analyses count, and per coding round its coders, documents, codebook
version, alpha_u, alpha and how the consensus was reached), so the report says what
GET .../methods says. Passage-level agreement among every coder over everything they
coded comes from backend/agreement/service.py. The codebook is given as it stands
at export, with its version number (backend/codes/versions.py). Everything counted
here is what the report's viewer may see (backend/visibility.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.adjudication.methods import methods_data
from backend.agreement import service as agreement
from backend.annotations.models import Annotation, AnnotationLayer
from backend.codes import kinds as code_kinds
from backend.codes import versions as codebook_versions
from backend.codes.models import Code
from backend.core.ids import stored
from backend.documents.models import Document, Passage
from backend.exports.docx_body import Body
from backend.visibility import Viewer

HOW_TO_READ = (
    "Every quote is exact: the words of the stored text of the cited file, in quotation "
    "marks. The citation after it names the source as Title (Organisation, year), then "
    "where the quote stands in the original file: the page a reader sees (p. 12, pp. "
    "12\u201313; p. ~12 where the pages are estimated, not rendered), the section (\u00a75.1, "
    "or the heading in quotation marks), and for transcripts the speaker turn, speaker and "
    "role, line numbers of the transcript file (ll.; paragraphs, paras, for Word "
    "transcripts) and the time stamp. Square brackets give the part of the configuration "
    "(context, mechanism, outcome) the quote evidences."
)
SOURCE_LABELS = {"document": "Documents", "interview": "Interviews", "observation": "Observations"}


async def write_appendix(
    doc: Body, session: AsyncSession, viewer: Viewer, theories: list[dict], n_cmocs: int
) -> None:
    project_id = viewer.project_id
    doc.heading("Appendix B. Methods", 1)
    doc.heading("Corpus", 2)
    header, rows = await corpus(session, project_id)
    doc.table(header, rows)
    doc.heading("Coders", 2)
    coders = await coder_counts(session, viewer)
    if coders:
        doc.table(["Coder", "Excerpts coded"], [[name, str(n)] for name, n in coders])
    else:
        doc.paragraph("No excerpt has been coded yet.")
    doc.heading("Codebook", 2)
    doc.paragraph(await codebook_summary(session, project_id))
    doc.heading("Coding rounds, consensus and the layer analysed", 2)
    for line in await coding_summary(session, viewer):
        doc.paragraph(line)
    doc.heading("Agreement between coders", 2)
    for line in await agreement_summary(session, viewer):
        doc.paragraph(line)
    doc.heading("Programme theories and configurations", 2)
    statuses = Counter(t["status"] for t in theories)
    doc.paragraph(
        f"{len(theories)} programme theories in scope ("
        + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
        + f"); {n_cmocs} CMO configurations."
    )
    doc.heading("Citations", 2)
    doc.paragraph(HOW_TO_READ)
    # Last, so the count covers everything written before it.
    if doc.replaced:
        doc.paragraph(
            f"{doc.replaced} control character(s) that a Word document cannot hold were "
            "shown as \ufffd in this report (the exports in CSV, XLSX and JSON keep them)."
        )


async def corpus(session: AsyncSession, project_id: int) -> tuple[list[str], list[list[str]]]:
    """One row per source type: files, pages and speaker turns."""
    per_type = (
        select(Document.source_type, func.count(), func.sum(col(Document.page_count)))
        .where(Document.project_id == project_id)
        .group_by(Document.source_type)
    )
    files = {str(s): (n, pages or 0) for s, n, pages in (await session.exec(per_type)).all()}
    speaker_turns = (
        select(Document.source_type, func.count(col(Passage.id)))
        .join(Passage, col(Passage.version_id) == Document.current_version_id)
        .where(Document.project_id == project_id, col(Passage.speaker).is_not(None))
        .group_by(Document.source_type)
    )
    turns = {str(s): n for s, n in (await session.exec(speaker_turns)).all()}
    rows = [
        [label, str(files[key][0]), str(files[key][1] or "\u2013"), str(turns.get(key, "\u2013"))]
        for key, label in SOURCE_LABELS.items()
        if key in files
    ]
    total = [sum(f[0] for f in files.values()), sum(f[1] for f in files.values())]
    rows.append(["All", str(total[0]), str(total[1]), str(sum(turns.values()))])
    return ["Source type", "Files", "Pages", "Speaker turns"], rows


async def coder_counts(session: AsyncSession, viewer: Viewer) -> list[tuple[str, int]]:
    stmt = (
        select(User.name, func.count(col(Annotation.id)))
        .join(User, col(User.id) == Annotation.author_id)
        .where(*viewer.clauses(), *_coded())
        .group_by(col(User.id), User.name)
        .order_by(User.name)
    )
    return [(name, n) for name, n in (await session.exec(stmt)).all()]


async def codebook_summary(session: AsyncSession, project_id: int) -> str:
    stmt = select(Code.id).where(Code.project_id == project_id, col(Code.deleted_at).is_(None))
    effective = await code_kinds.of_project(session, project_id)
    kinds = Counter(str(effective[stored(cid)]) for cid in (await session.exec(stmt)).all())
    counts = ", ".join(
        f"{kinds[k]} {k}" for k in ("context", "mechanism", "outcome", "other") if k in kinds
    )
    return (
        f"{sum(kinds.values())} codes ({counts or 'none'}), as they stand at export: "
        f"codebook version {await codebook_versions.current_number(session, project_id)} "
        "(every change to the codebook makes a version; rounds name the one they used)."
    )


async def agreement_summary(session: AsyncSession, viewer: Viewer) -> list[str]:
    """Passage-level agreement among every coder, over the documents all of them coded."""
    stmt = select(Annotation.author_id).where(*viewer.clauses(), *_coded())
    coder_ids = sorted(set((await session.exec(stmt.distinct())).all()))
    if len(coder_ids) < 2:
        return ["One coder coded this project: there are no agreement figures."]
    try:
        report, documents = await agreement.compute(session, viewer, coder_ids)
    except agreement.AgreementError as exc:
        return [f"No agreement figures: {exc.message}."]
    names = await _names(session, coder_ids)
    overall = report.overall
    lines = [
        f"Passage level, {len(coder_ids)} coders, {report.n_passages} passages of the "
        f"{len(documents)} document(s) every coder coded: mean percent agreement "
        f"{overall.percent_agreement:.1%}, Krippendorff's alpha {_number(overall.alpha)}."
    ]
    lines += [
        f"{names.get(p.coder_a, '?')} and {names.get(p.coder_b, '?')}: "
        f"{p.percent_agreement:.1%} agreement, Cohen's kappa {_number(p.kappa)}."
        for p in overall.pairs
    ]
    return lines


async def coding_summary(session: AsyncSession, viewer: Viewer) -> list[str]:
    """The analysis layer, then one sentence per coding round (the team's methods data;
    a round the reader codes blind gets no figures)."""
    found = await methods_data(session, viewer.project_id, viewer)
    if not found.rounds:
        return [found.layer_statement, "No coding round has been run."]
    return [found.layer_statement, *(r.consensus for r in found.rounds)]


async def _names(session: AsyncSession, user_ids: list[int]) -> dict[Hashable, str]:
    """Keyed as agreement's pairs name their coders (any hashable; here user ids)."""
    stmt = select(User.id, User.name).where(col(User.id).in_(user_ids))
    return {i: name for i, name in (await session.exec(stmt)).all() if i is not None}


def _coded() -> list[ColumnElement[bool]]:
    """Live codings by coders (a consensus annotation is the adjudicator's decision)."""
    return [col(Annotation.deleted_at).is_(None), col(Annotation.layer) == AnnotationLayer.coding]


def _number(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.2f}"
