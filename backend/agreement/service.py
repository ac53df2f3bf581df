"""Inter-coder agreement at passage level, from the project's annotations.

Units are the current-version passages of the documents that *every* compared
coder has annotated at least once (documents only some coded would count their
silence as disagreement). A coder "applied" a code to a passage when one of
their live annotations with that code overlaps it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.agreement.stats import AgreementReport, agreement_report
from backend.annotations.models import Annotation, AnnotationCode
from backend.codes.models import Code
from backend.documents.models import Document, Passage
from backend.errors import ServiceError


class AgreementError(ServiceError):
    pass


async def compute(
    session: AsyncSession, project_id: int, coder_ids: Sequence[int], code_ids: Sequence[int] = ()
) -> tuple[AgreementReport, list[int]]:
    """The report, and the documents it was computed over."""
    coders = sorted(set(coder_ids))
    if len(coders) < 2:
        raise AgreementError("choose at least two coders to compare")
    spans = await _spans(session, project_id, coders)
    documents = _shared_documents(spans, coders)
    if not documents:
        raise AgreementError("these coders have not coded any document in common")
    codes = await _codes(session, project_id, code_ids)
    passages = (
        await session.exec(
            select(Passage)
            .join(Document, Document.current_version_id == Passage.version_id)
            .where(col(Passage.document_id).in_(documents))
            .order_by(Passage.id)
        )
    ).all()
    applied = _applied(passages, spans, coders)
    report = agreement_report([p.id for p in passages], codes, coders, applied)
    return report, documents


async def _spans(session: AsyncSession, project_id: int, coders: list[int]) -> list[tuple]:
    stmt = (
        select(
            Annotation.author_id,
            Annotation.document_id,
            Annotation.version_id,
            Annotation.start,
            Annotation.end,
            AnnotationCode.code_id,
        )
        .join(AnnotationCode, AnnotationCode.annotation_id == Annotation.id)
        .join(Document, Document.id == Annotation.document_id)
        .where(
            Annotation.project_id == project_id,
            col(Annotation.author_id).in_(coders),
            col(Annotation.deleted_at).is_(None),
            col(Annotation.orphaned).is_(False),
            Annotation.version_id == Document.current_version_id,
        )
    )
    return list((await session.exec(stmt)).all())


def _shared_documents(spans: list[tuple], coders: list[int]) -> list[int]:
    coded: dict[int, set[int]] = defaultdict(set)
    for author, document_id, *_ in spans:
        coded[document_id].add(author)
    return sorted(d for d, who in coded.items() if who >= set(coders))


async def _codes(session: AsyncSession, project_id: int, code_ids: Sequence[int]) -> list[int]:
    stmt = select(Code.id).where(Code.project_id == project_id, col(Code.deleted_at).is_(None))
    live = set((await session.exec(stmt)).all())
    wanted = sorted(set(code_ids) or live)
    unknown = set(wanted) - live
    if unknown:
        raise AgreementError(f"unknown code(s) in this project: {sorted(unknown)}")
    if not wanted:
        raise AgreementError("the codebook is empty")
    return wanted


def _applied(passages, spans: list[tuple], coders: list[int]) -> dict[int, dict[int, set[int]]]:
    applied: dict[int, dict[int, set[int]]] = {c: defaultdict(set) for c in coders}
    by_version: dict[int, list[tuple]] = defaultdict(list)
    for span in spans:
        by_version[span[2]].append(span)
    for p in passages:
        for author, _doc, _ver, start, end, code_id in by_version.get(p.version_id, ()):
            if start < p.end and end > p.start:
                applied[author][p.id].add(code_id)
    return applied
