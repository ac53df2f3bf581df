"""What a methods section (the report's appendix, RAMESES II item 14-style) says about
how the coding was done: which layer the analyses count, each round's coders,
documents, codebook version and reliability (alpha_u, alpha), and how the consensus
was reached (how many agreements were taken over, how many disagreements were
decided, and how).

`methods_data` is the one function the DOCX report, the JSON export and
GET /api/projects/{p}/methods call; it reads the whole project (operator view).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.adjudication.layers import setting_of, statement
from backend.adjudication.models import AdjudicationAction, AdjudicationDecision
from backend.agreement import rounds as round_report
from backend.agreement.regions import Kind, regions
from backend.codes import versions as codebook_versions
from backend.core.ids import stored
from backend.errors import ServiceError
from backend.rounds.models import CodingRound
from backend.rounds.service import members_of
from backend.visibility import Viewer, operator


@dataclass
class RoundMethods:
    id: int
    name: str
    blind: bool
    status: str
    coders: list[str]
    documents: int
    characters: int
    codebook_version: int | None
    unitizing_alpha: float | None
    alpha: float | None
    agreements: int  # regions every coder coded alike
    disagreements: int
    decided: dict[str, int]  # action -> count (take, merge, edit, reject)
    undecided: int
    adjudicators: list[str]
    consensus: str  # one sentence: how the consensus was reached


@dataclass
class MethodsData:
    layer: str  # all | consensus | coder
    layer_statement: str
    codebook_version: int | None
    rounds: list[RoundMethods] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def methods_data(
    session: AsyncSession,
    project_id: int,
    viewer: Viewer | None = None,
    codebook_version: int | None = None,
) -> MethodsData:
    """For the whole project; a `viewer` coding a round blind gets no figures for it."""
    viewer = viewer or operator(project_id)
    setting = await setting_of(session, project_id)
    if codebook_version is None:
        codebook_version = await codebook_versions.current_number(session, project_id)
    stmt = select(CodingRound).where(CodingRound.project_id == project_id)
    rounds = (await session.exec(stmt.order_by(col(CodingRound.id)))).all()
    return MethodsData(
        layer=setting.layer,
        layer_statement=await statement(session, setting),
        codebook_version=codebook_version,
        rounds=[await _round(session, viewer, r) for r in rounds],
    )


async def _round(session: AsyncSession, viewer: Viewer, row: CodingRound) -> RoundMethods:
    try:
        data = await round_report.load(session, viewer, row)
    except ServiceError:  # the viewer codes it blind: nothing about the others' codings
        return await _blind(session, row)
    found = regions(data.codings, data.coders)
    try:
        per_code = round_report.unitizing_by_code(data)
        passages = await round_report.passage_level(session, data, list(per_code))
    except ServiceError:
        per_code, passages = {}, None
    made = await _decisions(session, stored(row.id))
    decided = Counter(str(d.action) for d in made if d.action != AdjudicationAction.agreed)
    disagreements = sum(1 for r in found if r.kind != Kind.agreement)
    names = await _names(session, [*data.coders, *(d.user_id for d in made)])
    m = RoundMethods(
        id=stored(row.id),
        name=row.name,
        blind=row.blind,
        status=str(row.status),
        coders=[names.get(k, "?") for k in data.coders],
        documents=len(data.documents),
        characters=data.length,
        codebook_version=row.codebook_version,
        unitizing_alpha=round_report.unitizing.overall_alpha(list(per_code.values())),
        alpha=passages.overall.alpha if passages else None,
        agreements=len(found) - disagreements,
        disagreements=disagreements,
        decided=dict(sorted(decided.items())),
        undecided=max(0, disagreements - sum(decided.values())),
        adjudicators=sorted({names.get(d.user_id, "?") for d in made}),
        consensus="",
    )
    m.consensus = _sentence(m, row)
    return m


async def _blind(session: AsyncSession, row: CodingRound) -> RoundMethods:
    round_id = stored(row.id)
    documents, coders = await members_of(session, [round_id])
    names = await _names(session, coders[round_id])
    return RoundMethods(
        id=round_id,
        name=row.name,
        blind=row.blind,
        status=str(row.status),
        coders=[names.get(k, "?") for k in coders[round_id]],
        documents=len(documents[round_id]),
        characters=0,
        codebook_version=row.codebook_version,
        unitizing_alpha=None,
        alpha=None,
        agreements=0,
        disagreements=0,
        decided={},
        undecided=0,
        adjudicators=[],
        consensus=f"Round '{row.name}' is being coded blind; its figures follow its close.",
    )


async def _decisions(session: AsyncSession, round_id: int) -> list[AdjudicationDecision]:
    stmt = select(AdjudicationDecision).where(AdjudicationDecision.round_id == round_id)
    return list((await session.exec(stmt)).all())


async def _names(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    stmt = select(User.id, User.name).where(col(User.id).in_(set(ids)))
    return {stored(i): name for i, name in (await session.exec(stmt)).all()}


WAYS = {
    "take": "by adopting one coder's version",
    "merge": "by merging the coders' versions",
    "edit": "by redrawing the boundaries",
    "reject": "by leaving the passage uncoded",
}


def _number(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _sentence(m: RoundMethods, row: CodingRound) -> str:
    coders = " and ".join(m.coders) if len(m.coders) <= 2 else ", ".join(m.coders)
    version = f", codebook version {m.codebook_version}" if m.codebook_version else ""
    text = (
        f"In round '{m.name}' {len(m.coders)} coders ({coders}) coded {m.documents} "
        f"document(s) {'blind to each other' if m.blind else 'openly'}{version}; "
        f"Krippendorff's alpha for unitizing (character level) = {_number(m.unitizing_alpha)}, "
        f"nominal alpha at passage level = {_number(m.alpha)}."
    )
    if row.adjudication_started_at is None:
        return text + " No consensus has been reached yet."
    ways = "; ".join(f"{n} {WAYS[a]}" for a, n in m.decided.items())
    by = " and ".join(m.adjudicators) or "an adjudicator"
    return text + (
        f" {m.agreements} region(s) the coders coded alike were taken over unchanged; "
        f"{by} resolved {sum(m.decided.values())} of {m.disagreements} disagreement(s)"
        f"{': ' + ways if ways else ''}"
        f"{f'; {m.undecided} remain undecided' if m.undecided else ''}."
    )
