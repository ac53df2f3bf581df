"""Inter-coder agreement at passage level, from the project's annotations.

Units are the current-version passages of the documents that *every* compared
coder has annotated at least once (documents only some coded would count their
silence as disagreement). A coder "applied" a code to a passage when one of
their live annotations with that code overlaps it.

Coders are who coded, by `coders.service.coder_key`: an account (its user id, an
int, as the API has always said) or an imported coder not linked to any account
("coder:<id>"), so a team can compare its members with colleagues whose NVivo or
ATLAS.ti coding came in through REFI-QDA.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from backend.agreement.stats import AgreementReport, agreement_report
from backend.annotations.models import Annotation, AnnotationCode, AnnotationLayer
from backend.coders import service as coders_service
from backend.codes.models import Code
from backend.core.ids import stored
from backend.documents.models import Document, Passage
from backend.errors import ServiceError
from backend.visibility import Viewer


class AgreementError(ServiceError):
    pass


Coder = int | str  # a user id, or "coder:<id>" for an unlinked imported coder


class Span(NamedTuple):
    """One code on one coder's annotation, where the annotation lies."""

    coder: Coder
    document_id: int
    version_id: int
    start: int
    end: int
    code_id: int


def parse_coder(key: str) -> Coder:
    """'user:<id>' or a bare user id -> the id; 'coder:<id>' stays a key."""
    kind, _, number = key.rpartition(":")
    if not number.isdigit() or kind not in ("", "user", "coder") or len(number) > 10:
        raise AgreementError(f"a coder is 'user:<id>' or 'coder:<id>', not '{key[:40]}'", 422)
    return key if kind == "coder" else int(number)


def _key(author_id: int, coder_id: int | None, links: dict[int, int | None]) -> Coder:
    key = coders_service.coder_key(author_id, coder_id, links)
    return int(key[5:]) if key.startswith("user:") else key


async def compute(
    session: AsyncSession, viewer: Viewer, coder_ids: Sequence[Coder], code_ids: Sequence[int] = ()
) -> tuple[AgreementReport, list[int]]:
    """The report, and the documents it was computed over: only annotations the viewer
    may see count, so a blind coder's figures cannot reveal another's codings."""
    project_id = viewer.project_id
    coders = sorted(set(coder_ids), key=lambda c: (0, c) if isinstance(c, int) else (1, int(c[6:])))
    if len(coders) < 2:
        raise AgreementError("choose at least two coders to compare")
    spans = await _spans(session, viewer, coders)
    documents = _shared_documents(spans, coders)
    if not documents:
        raise AgreementError("these coders have not coded any document in common")
    codes = await _codes(session, project_id, code_ids)
    passages = (
        await session.exec(
            select(Passage)
            .join(Document, col(Document.current_version_id) == Passage.version_id)
            .where(col(Passage.document_id).in_(documents))
            .order_by(col(Passage.id))
        )
    ).all()
    applied = applied_codes(passages, spans, coders)
    report = agreement_report([stored(p.id) for p in passages], codes, coders, applied)
    return report, documents


async def _spans(session: AsyncSession, viewer: Viewer, coders: list[Coder]) -> list[Span]:
    """The compared coders' codings."""
    links = await coders_service.links(session, viewer.project_id)
    users = [c for c in coders if isinstance(c, int)]
    attributions = {int(c[6:]) for c in coders if isinstance(c, str)}
    attributions |= {coder for coder, user in links.items() if user in users}
    # More columns than sqlmodel.select has overloads for: the row type is stated.
    columns: Select[int, int | None, int, int, int, int, int] = Select(
        col(Annotation.author_id),
        col(Annotation.coder_id),
        col(Annotation.document_id),
        col(Annotation.version_id),
        col(Annotation.start),
        col(Annotation.end),
        col(AnnotationCode.code_id),
    )
    stmt = (
        columns.join(AnnotationCode, col(AnnotationCode.annotation_id) == Annotation.id)
        .join(Document, col(Document.id) == Annotation.document_id)
        .where(
            *viewer.clauses(),
            Annotation.layer == AnnotationLayer.coding,  # a consensus is no coder
            or_(
                col(Annotation.author_id).in_(users),
                col(Annotation.coder_id).in_(sorted(attributions)),
            ),
            col(Annotation.deleted_at).is_(None),
            col(Annotation.orphaned).is_(False),
            Annotation.version_id == Document.current_version_id,
        )
    )
    wanted = set(coders)
    spans = []
    for author_id, coder_id, document_id, version_id, start, end, code_id in (
        await session.exec(stmt)
    ).all():
        key = _key(author_id, coder_id, links)
        if key in wanted:
            spans.append(Span(key, document_id, version_id, start, end, code_id))
    return spans


def _shared_documents(spans: list[Span], coders: list[Coder]) -> list[int]:
    coded: dict[int, set[Coder]] = defaultdict(set)
    for span in spans:
        coded[span.document_id].add(span.coder)
    return sorted(d for d, who in coded.items() if who >= set(coders))


async def _codes(session: AsyncSession, project_id: int, code_ids: Sequence[int]) -> list[int]:
    stmt = select(Code.id).where(Code.project_id == project_id, col(Code.deleted_at).is_(None))
    live = {stored(i) for i in (await session.exec(stmt)).all()}
    wanted = sorted(set(code_ids) or live)
    unknown = set(wanted) - live
    if unknown:
        raise AgreementError(f"unknown code(s) in this project: {sorted(unknown)}")
    if not wanted:
        raise AgreementError("the codebook is empty")
    return wanted


def applied_codes(
    passages: Sequence[Passage], spans: Sequence[Span], coders: Sequence[Coder]
) -> dict[Coder, dict[int, set[int]]]:
    """coder -> passage -> codes they applied on an annotation overlapping it."""
    applied: dict[Coder, dict[int, set[int]]] = {c: defaultdict(set) for c in coders}
    by_version: dict[int, list[Span]] = defaultdict(list)
    for span in spans:
        by_version[span.version_id].append(span)
    for p in passages:
        for span in by_version.get(p.version_id, ()):
            if span.start < p.end and span.end > p.start:
                applied[span.coder][stored(p.id)].add(span.code_id)
    return applied
