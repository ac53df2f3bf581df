"""What every export contains, as plain rows: theories, CMOCs, the codebook, the
matrix, and the evidence (streamed in chunks, so memory stays flat however many
annotations a project has).

An evidence row is one excerpt in one role: an annotation linked to two CMOCs
gives two rows; an annotation linked to none gives one row with empty CMOC
fields. Each row carries the exact quote, its location and its citation (see
citations.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from backend.annotations.models import Annotation, AnnotationCode
from backend.citations import excerpts
from backend.cmocs.models import CMOC_FIELDS, Cmoc, CmocEvidence, CmocTheory
from backend.codes import kinds
from backend.codes.models import Code
from backend.codes.service import live_codes, to_records
from backend.core.ids import stored
from backend.documents.models import Document
from backend.theories.models import ProgrammeTheory
from backend.triangulation.scope import (
    Scope,
    annotation_clauses,
    cmoc_clauses,
    counted_clauses,
)
from backend.triangulation.service import build_matrix

CHUNK = 500
Progress = Callable[[int, int], None]

EVIDENCE_COLUMNS = (
    "annotation_id",
    "quote",
    "citation",
    "title",
    "organisation",
    "date",
    "source_type",
    "document_type",
    "location",  # a dict (JSON); CSV and XLSX spread it over LOCATION_FIELDS columns
    "start",
    "end",
    "document_id",
    "version_id",
    "coder",
    "codes",
    "cmoc_id",
    "cmoc_title",
    "part",
    "stance",
    "theory_ids",
    "memo",
)
THEORY_COLUMNS = ("id", "framework", "statement", "form", "status", "version", "cmoc_ids")
CMOC_COLUMNS = ("id", *CMOC_FIELDS, "theory_ids", "evidence_count", "version")
CODE_COLUMNS = ("id", "name", "kind", "parent", "path", "colour", "definition", "memo")


async def theories(session: AsyncSession, project_id: int, scope: Scope) -> list[dict]:
    stmt = select(ProgrammeTheory).where(
        ProgrammeTheory.project_id == project_id, col(ProgrammeTheory.deleted_at).is_(None)
    )
    if scope.theory_id is not None:
        stmt = stmt.where(col(ProgrammeTheory.id) == scope.theory_id)
    found = (await session.exec(stmt.order_by(col(ProgrammeTheory.id)))).all()
    links = await _theory_cmocs(session, [stored(t.id) for t in found])
    return [
        {f: _plain(getattr(t, f)) for f in THEORY_COLUMNS if f != "cmoc_ids"}
        | {"cmoc_ids": links.get(stored(t.id), [])}
        for t in found
    ]


async def _theory_cmocs(session: AsyncSession, theory_ids: list[int]) -> dict[int, list[int]]:
    stmt = (
        select(CmocTheory.theory_id, CmocTheory.cmoc_id)
        .join(Cmoc, col(Cmoc.id) == CmocTheory.cmoc_id)
        .where(col(CmocTheory.theory_id).in_(theory_ids), col(Cmoc.deleted_at).is_(None))
        .order_by(col(CmocTheory.cmoc_id))
    )
    out: dict[int, list[int]] = defaultdict(list)
    for theory_id, cmoc_id in (await session.exec(stmt)).all():
        out[theory_id].append(cmoc_id)
    return out


async def cmoc_chunks(
    session: AsyncSession, project_id: int, scope: Scope
) -> AsyncIterator[list[dict]]:
    """CMOC rows, CHUNK at a time (their texts are the bulk of a large project)."""
    after = 0
    while True:
        stmt = select(Cmoc).where(*cmoc_clauses(project_id, scope), col(Cmoc.id) > after)
        found = (await session.exec(stmt.order_by(col(Cmoc.id)).limit(CHUNK))).all()
        if not found:
            return
        yield await _cmoc_rows(session, found, await counted_clauses(session, project_id, scope))
        after = stored(found[-1].id)
        session.expunge_all()  # keep the identity map from growing with the project


async def cmocs(session: AsyncSession, project_id: int, scope: Scope) -> list[dict]:
    return [row async for chunk in cmoc_chunks(session, project_id, scope) for row in chunk]


async def _cmoc_rows(session: AsyncSession, found: Sequence[Cmoc], visible: list) -> list[dict]:
    ids = [stored(c.id) for c in found]
    theory_of: dict[int, list[int]] = defaultdict(list)
    count: dict[int, int] = defaultdict(int)
    links = select(CmocTheory).where(col(CmocTheory.cmoc_id).in_(ids))
    for link in (await session.exec(links)).all():
        theory_of[link.cmoc_id].append(link.theory_id)
    evidence = (
        select(CmocEvidence.cmoc_id)
        .join(Annotation, col(Annotation.id) == CmocEvidence.annotation_id)
        .where(col(CmocEvidence.cmoc_id).in_(ids), *visible)
    )
    for cmoc_id in (await session.exec(evidence)).all():
        count[cmoc_id] += 1
    own = [f for f in CMOC_COLUMNS if f not in ("theory_ids", "evidence_count")]
    return [
        {f: _plain(getattr(c, f)) for f in own}
        | {"theory_ids": sorted(theory_of[i]), "evidence_count": count[i]}
        for c, i in zip(found, ids, strict=True)
    ]


async def codebook(session: AsyncSession, project_id: int) -> list[dict]:
    codes = await live_codes(session, project_id)
    by_id = {stored(c.id): c for c in codes}
    by_guid = {c.guid: c for c in codes}
    effective = await kinds.of_project(session, project_id)
    rows = []
    for record in to_records(codes):  # tree order: parents first
        code = by_guid[record.guid]
        rows.append(
            {f: _plain(getattr(code, f)) for f in ("id", "name", "colour", "definition", "memo")}
            | {"kind": str(effective[code.id]) if code.id in effective else "other"}
            | {"parent": code.parent_id, "path": _path(code, by_id)}
        )
    return rows


def _path(code: Code, by_id: dict[int, Code]) -> str:
    names: list[str] = []
    current: Code | None = code
    hops = 0
    while current is not None and hops < 100:
        names.append(current.name)
        parent = current.parent_id
        current, hops = (None if parent is None else by_id.get(parent)), hops + 1
    return " / ".join(reversed(names))


async def matrix(session: AsyncSession, project_id: int, scope: Scope) -> list[dict]:
    """The theory-by-source-type matrix, one flat row per theory."""
    built = await build_matrix(session, project_id, "theory", "source_type", scope)
    out = []
    for row in built["rows"]:
        flat = {"theory_id": row["id"], "theory": row["label"], "status": row["status"]}
        for key, cell in row["cells"].items():
            for stance in ("supports", "refutes", "refines"):
                flat[f"{key} {stance} sources"] = cell[stance]["sources"]
                flat[f"{key} {stance} excerpts"] = cell[stance]["excerpts"]
        out.append(flat)
    return out


async def evidence(
    session: AsyncSession, project_id: int, scope: Scope, progress: Progress | None = None
) -> AsyncIterator[list[dict]]:
    """Evidence rows in document order, CHUNK annotations at a time. Annotations
    are read DOCUMENT_BATCH documents at a time through the document index (keyset
    pages over (document, start, id) made SQLite sort the whole project per page)."""
    stmt = await _annotations_in_scope(session, project_id, scope)
    total = (await session.exec(select(func.count()).select_from(stmt.subquery()))).one()
    in_scope = stmt.subquery()
    documents = select(in_scope.c.document_id).distinct().order_by(in_scope.c.document_id)
    document_ids = list((await session.exec(documents)).all())
    done = 0
    for i in range(0, len(document_ids), DOCUMENT_BATCH):
        batch = col(Annotation.document_id).in_(document_ids[i : i + DOCUMENT_BATCH])
        ordered = stmt.where(batch).order_by(*ORDER)
        ids = [stored(r[-1]) for r in (await session.exec(ordered)).all()]
        for j in range(0, len(ids), CHUNK):
            yield await _evidence_rows(session, project_id, scope, ids[j : j + CHUNK])
            session.expunge_all()
            done += len(ids[j : j + CHUNK])
            if progress:
                progress(done, total)
    if progress and not total:
        progress(0, 0)


DOCUMENT_BATCH = 25
ORDER = (col(Annotation.document_id), col(Annotation.start), col(Annotation.id))


async def _annotations_in_scope(
    session: AsyncSession, project_id: int, scope: Scope
) -> Select[int, int, int | None]:
    stmt = (
        select(*ORDER)
        .join(Document, col(Document.id) == Annotation.document_id)
        .where(*await annotation_clauses(session, project_id, scope))
    )
    if scope.theory_id is not None:
        linked = (
            select(CmocEvidence.annotation_id)
            .join(Cmoc, col(Cmoc.id) == CmocEvidence.cmoc_id)
            .where(*cmoc_clauses(project_id, scope))
        )
        stmt = stmt.where(col(Annotation.id).in_(linked))
    return stmt


async def _evidence_rows(
    session: AsyncSession, project_id: int, scope: Scope, ids: list[int]
) -> list[dict]:
    cited = await excerpts(session, ids)
    codes = await _code_names(session, ids)
    links = await _links(session, project_id, scope, ids)
    rows = []
    for annotation_id in ids:
        base = {k: v for k, v in cited[annotation_id].as_dict().items() if k in EVIDENCE_COLUMNS}
        base |= {"codes": "; ".join(codes.get(annotation_id, []))}
        for link in links.get(annotation_id) or [{}]:
            rows.append({c: _plain(base.get(c, link.get(c))) for c in EVIDENCE_COLUMNS})
    return rows


async def _code_names(session: AsyncSession, ids: list[int]) -> dict[int, list[str]]:
    stmt = (
        select(AnnotationCode.annotation_id, Code.name)
        .join(Code, col(Code.id) == AnnotationCode.code_id)
        .where(col(AnnotationCode.annotation_id).in_(ids), col(Code.deleted_at).is_(None))
        .order_by(Code.name)
    )
    out: dict[int, list[str]] = defaultdict(list)
    for annotation_id, name in (await session.exec(stmt)).all():
        out[annotation_id].append(name)
    return out


async def _links(
    session: AsyncSession, project_id: int, scope: Scope, ids: list[int]
) -> dict[int, list[dict]]:
    # Two lookups by key, not one join: with the join SQLite walked every CMOC of
    # the project for each chunk (quadratic: 9 s of a 12 s export at 20,000 excerpts).
    evidence = select(CmocEvidence).where(col(CmocEvidence.annotation_id).in_(ids))
    evidence = evidence.order_by(col(CmocEvidence.cmoc_id), col(CmocEvidence.id))
    links = (await session.exec(evidence)).all()
    cmocs = select(col(Cmoc.id), Cmoc.title).where(
        col(Cmoc.id).in_({e.cmoc_id for e in links}), *cmoc_clauses(project_id, scope)
    )
    titles = {stored(i): title for i, title in (await session.exec(cmocs)).all()}
    theories = await _cmoc_theories(session, set(titles))
    out: dict[int, list[dict]] = defaultdict(list)
    for e, title in ((e, titles[e.cmoc_id]) for e in links if e.cmoc_id in titles):
        out[e.annotation_id].append(
            {
                "cmoc_id": e.cmoc_id,
                "cmoc_title": title,
                "part": e.part,
                "stance": e.stance,
                "theory_ids": "; ".join(str(t) for t in theories.get(e.cmoc_id, [])),
            }
        )
    return out


async def _cmoc_theories(session: AsyncSession, cmoc_ids: set[int]) -> dict[int, list[int]]:
    stmt = select(CmocTheory).where(col(CmocTheory.cmoc_id).in_(cmoc_ids))
    out: dict[int, list[int]] = defaultdict(list)
    for link in (await session.exec(stmt.order_by(col(CmocTheory.theory_id)))).all():
        out[link.cmoc_id].append(link.theory_id)
    return out


def _plain(value: Any) -> Any:
    """Enums as their values, dates as ISO text: what CSV, XLSX and JSON all accept."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value
