"""Import a .qdpx file into an existing, empty project.

Order: check the project is empty, open and check the file (reader.py: zip guard, schema),
then users, codes, sources (import_sources.py), theories, CMOCs and links
(import_analysis.py). Everything goes into the caller's transaction and nothing is committed
here: the caller commits once at the end, or rolls back, so a refused or failed import leaves
nothing behind (except stored text files, which are content-addressed and harmless).

Coders: the file's users become project-level coder attributions (import_coders.py); no
account is looked up, created or changed, and imported coding is never shown as an account's
until a project admin links the attribution to one. Imported rows are stored by the importing
user (author_id, for accountability) and attributed to their coder (coder_id).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.audit import audit
from backend.cmocs.models import Cmoc
from backend.codes import versions as codebook_versions
from backend.codes.models import Code, CodeKind
from backend.core.config import Settings, get_settings
from backend.core.ids import stored
from backend.documents.models import Document
from backend.events.service import publish
from backend.projects.models import Project
from backend.refi import import_coders, offsets, report
from backend.refi.common import RefiError
from backend.refi.context import ImportState
from backend.refi.import_analysis import import_analysis
from backend.refi.import_sources import import_sources
from backend.refi.models import RefiImport
from backend.refi.reader import Package, ProjectFile, open_package
from backend.theories.models import ProgrammeTheory

COUNTED = (
    "codes",
    "documents",
    "versions",
    "passages",
    "annotations",
    "theories",
    "cmocs",
    "theory_links",
    "evidence_links",
)


async def import_qdpx(
    session: AsyncSession,
    project_id: int,
    user_id: int,
    data_path: Path,
    *,
    settings: Settings | None = None,
    file_name: str = "",
) -> dict:
    """Import the .qdpx at `data_path`; returns the import report (REPORT_SHAPE in
    backend/refi/report.py). Raises RefiError (400, 404, 409, 413, 422)."""
    settings = settings or get_settings()
    project = await _empty_project(session, project_id)
    with open_package(Path(data_path), settings.max_unzipped_mb * 2**20) as package:
        found = package.project()
        decision = offsets.decide(found.origin, _spans(package, found))
        record = RefiImport(
            project_id=project_id,
            user_id=user_id,
            file_name=file_name[:300],
            producer=(found.origin or "")[:300] or None,
            reading=decision.reading,
            decided_by=decision.decided_by,
        )
        session.add(record)
        await session.flush()
        st = ImportState(session, project_id, user_id, settings, package, found, decision, record)
        await import_coders.import_coders(st)
        await _codes(st)
        await codebook_versions.record(session, project_id, user_id, "imported", file=file_name)
        await import_sources(st)
        await import_analysis(st)
    if st.file.description and not project.description:
        project.description = st.file.description[:5000]
        session.add(project)
    summary = await report.build(st, _totals(st), _coders_summary(st))
    record.report = summary
    session.add(record)
    publish(session, project_id, "project.imported", project_id, user_id, **_totals(st))
    audit(
        session,
        user_id=user_id,
        project_id=project_id,
        action="import",
        entity="project",
        entity_id=project_id,
        format="qdpx",
        **_totals(st),
    )
    await session.flush()
    return summary


def _spans(package: Package, found: ProjectFile) -> Iterator[tuple[str, list[tuple[int, int]]]]:
    """Each source's text with its selections' positions as written (read only if the
    producer does not settle the reading)."""
    for source in found.sources:
        if source.selections:
            yield package.text(source), [(s.start, s.end) for s in source.selections]


async def _empty_project(session: AsyncSession, project_id: int) -> Project:
    """The project, write-locked first so two imports cannot both find it empty: an UPDATE
    locks the row on PostgreSQL and starts the write transaction on SQLite; the second import
    waits, then sees the first one's rows."""
    lock = update(Project).where(col(Project.id) == project_id).values(name=Project.name)
    await session.exec(lock)
    project = await session.get(Project, project_id)
    if project is None:
        raise RefiError(f"project {project_id} not found", 404)
    found = []
    for model, label in (
        (Document, "documents"),
        (Code, "codes"),
        (ProgrammeTheory, "programme theories"),
        (Cmoc, "CMOCs"),
    ):
        stmt = select(func.count()).select_from(model).where(model.project_id == project_id)
        if hasattr(model, "deleted_at"):
            stmt = stmt.where(col(model.deleted_at).is_(None))
        if (await session.exec(stmt)).one():
            found.append(label)
    if found:
        raise RefiError(
            f"this project already has {', '.join(found)}; a QDPX file is imported into a new, "
            "empty project (create one and import there)",
            409,
        )
    return project


async def _codes(st: ImportState) -> None:
    """The codebook, GUIDs kept (a re-export names the same codes); a name already used under
    the same parent gets a number, since our codebook does not allow twins."""
    siblings: dict[int | None, set[str]] = {}
    for record in st.file.codes:
        parent_id = st.codes.get(record.parent_guid) if record.parent_guid else None
        used = siblings.setdefault(parent_id, set())
        name = base = " ".join(record.name.split())[:200]
        n = 1
        while name.casefold() in used:
            n += 1
            name = f"{base[:190]} ({n})"
        if n > 1:
            st.skipped["codes renamed (same name under the same parent)"] += 1
        used.add(name.casefold())
        code = Code(
            project_id=st.project_id,
            guid=record.guid,
            name=name,
            kind=CodeKind(record.kind),
            parent_id=parent_id,
            colour=record.colour.lower() if record.colour else None,
            definition=record.definition,
            memo=record.memo,
            codable=record.codable,
            created_by=st.user_id,
        )
        st.session.add(code)
        await st.session.flush()
        st.codes[record.guid] = stored(code.id)
        st.counts["codes"] += 1


def _totals(st: ImportState) -> dict[str, int]:
    return {key: st.counts[key] for key in COUNTED}


def _coders_summary(st: ImportState) -> dict:
    return {"coders": import_coders.summary(st, dict(st.annotations_by_coder))}
