"""Which layer of coding a project's analyses use: every coder's codings, the
consensus reached by adjudication, or one coder's. The CMOC evidence counts, the
triangulation matrix, the reports and every export read annotations through
`analysis_clauses` (by way of triangulation/scope.py), so one setting governs all.

`consensus`: where a round's documents went through adjudication, only the
consensus layer counts there; elsewhere the codings made outside any round count
(material one person coded has nothing to reconcile). A round's own codings never
count in this mode: they are the raw material of its consensus.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from backend.accounts.models import User
from backend.adjudication.models import AnalysisLayer, AnalysisSetting
from backend.annotations.models import Annotation, AnnotationLayer
from backend.rounds.models import CodingRound, RoundDocument


async def setting_of(session: AsyncSession, project_id: int) -> AnalysisSetting:
    found = await session.get(AnalysisSetting, project_id)
    return found or AnalysisSetting(project_id=project_id)


def adjudicated_documents(project_id: int) -> SelectOfScalar[int]:
    """SELECT of the documents of rounds whose adjudication has begun."""
    return (
        select(RoundDocument.document_id)
        .join(CodingRound, col(CodingRound.id) == RoundDocument.round_id)
        .where(
            CodingRound.project_id == project_id,
            col(CodingRound.adjudication_started_at).is_not(None),
        )
    )


def clauses_for(setting: AnalysisSetting) -> list[ColumnElement[bool]]:
    """WHERE clauses on Annotation: the annotations this setting's analyses count."""
    coding = col(Annotation.layer) == AnnotationLayer.coding
    if setting.layer == AnalysisLayer.coder:
        return [coding, col(Annotation.author_id) == setting.coder_id]
    if setting.layer == AnalysisLayer.all:
        return [coding]
    single = and_(
        coding,
        col(Annotation.round_id).is_(None),
        col(Annotation.document_id).not_in(adjudicated_documents(setting.project_id)),
    )
    return [or_(col(Annotation.layer) == AnnotationLayer.consensus, single)]


async def analysis_clauses(session: AsyncSession, project_id: int) -> list[ColumnElement[bool]]:
    return clauses_for(await setting_of(session, project_id))


async def statement(session: AsyncSession, setting: AnalysisSetting) -> str:
    """The sentence a methods section states about the layer."""
    if setting.layer == AnalysisLayer.all:
        return "Analyses count every coder's codings (no consensus layer)."
    if setting.layer == AnalysisLayer.coder:
        user = await session.get(User, setting.coder_id) if setting.coder_id else None
        return f"Analyses count one coder's codings only: {user.name if user else '?'}."
    return (
        "Analyses count the consensus coding: on documents coded in adjudicated rounds, "
        "the consensus the adjudicator reached; elsewhere, the codings made outside any round."
    )
