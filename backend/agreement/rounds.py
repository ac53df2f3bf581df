"""Agreement within a coding round: alpha_u (where codes were applied, character by
character), the passage-level figures, and every disagreement with its text.

The continuum is the round's documents, current versions, laid end to end in
document order; each coder's units for a code are their round annotations with that
code (overlapping ones of one coder joined). Only the round's codings count: an
annotation its coder made before the round opened, or an adjudicator's, does not.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.agreement import unitizing
from backend.agreement.regions import Coding, Kind, Region, regions
from backend.agreement.service import AgreementError, Span, applied_codes
from backend.agreement.stats import AgreementReport, AgreementStats, agreement_report
from backend.annotations.models import Annotation, AnnotationCode, AnnotationLayer
from backend.annotations.present import Utf16
from backend.codes.models import Code
from backend.core.ids import stored
from backend.documents.models import Document, DocumentVersion, Passage
from backend.rounds.models import CodingRound
from backend.rounds.service import is_blind_for, members_of
from backend.visibility import Viewer

TEXT_CHARS = 2_000  # a disagreement's text is cut here (the reader link shows all)
WHERE_USED = (
    "percent agreement over the passages where at least one coder applied the code: "
    "not chance-corrected, not comparable with alpha"
)


@dataclass(frozen=True)
class RoundData:
    coders: list[int]
    documents: list[int]
    texts: dict[int, tuple[int, str]]  # document -> (current version, its text)
    codings: list[Coding]

    @property
    def offsets(self) -> dict[int, int]:
        """Where each document starts on the continuum (documents end to end)."""
        out: dict[int, int] = {}
        at = 0
        for document_id in self.documents:
            out[document_id] = at
            at += len(self.texts[document_id][1])
        return out

    @property
    def length(self) -> int:
        return sum(len(text) for _, text in self.texts.values())

    def spans(self, coder: int, code_id: int) -> list[tuple[int, int]]:
        """The coder's units for the code on the continuum, overlapping ones joined."""
        offsets = self.offsets
        return unitizing.merge_spans(
            [
                (c.start + offsets[c.document_id], c.end + offsets[c.document_id])
                for c in self.codings
                if c.coder == coder and code_id in c.codes
            ]
        )


async def load(session: AsyncSession, viewer: Viewer, row: CodingRound) -> RoundData:
    round_id = stored(row.id)
    documents, coders = await members_of(session, [round_id])
    if is_blind_for(row, coders[round_id], viewer.user_id):
        raise AgreementError(
            "you code this blind round: its agreement is shown once it is closed", 403
        )
    stmt = (
        select(Document.id, DocumentVersion.id, DocumentVersion.text)
        .join(DocumentVersion, col(DocumentVersion.id) == Document.current_version_id)
        .where(col(Document.id).in_(documents[round_id]))
    )
    texts = {stored(d): (stored(v), text or "") for d, v, text in (await session.exec(stmt)).all()}
    return RoundData(
        coders[round_id], sorted(texts), texts, await _codings(session, viewer, round_id, texts)
    )


async def _codings(
    session: AsyncSession, viewer: Viewer, round_id: int, texts: dict[int, tuple[int, str]]
) -> list[Coding]:
    stmt = select(Annotation).where(
        Annotation.round_id == round_id,
        Annotation.layer == AnnotationLayer.coding,
        col(Annotation.deleted_at).is_(None),
        col(Annotation.orphaned).is_(False),
        *viewer.clauses(),
    )
    found = [
        a
        for a in (await session.exec(stmt)).all()
        if a.document_id in texts and a.version_id == texts[a.document_id][0]
    ]
    ids = [stored(a.id) for a in found]
    codes: dict[int, set[int]] = defaultdict(set)
    if found:
        link = (
            select(AnnotationCode.annotation_id, AnnotationCode.code_id)
            .join(Code, col(Code.id) == AnnotationCode.code_id)
            .where(
                col(AnnotationCode.annotation_id).in_(ids),
                col(Code.deleted_at).is_(None),
            )
        )
        for annotation_id, code_id in (await session.exec(link)).all():
            codes[annotation_id].add(code_id)
    return [
        Coding(a.author_id, i, a.document_id, a.start, a.end, frozenset(codes[i]))
        for a, i in zip(found, ids, strict=True)
    ]


def unitizing_by_code(data: RoundData) -> dict[int, unitizing.Disagreement]:
    """D_o and D_e per code used in the round."""
    if data.length == 0:
        raise AgreementError("the round's documents have no text", 409)
    used = sorted({code for c in data.codings for code in c.codes})
    return {
        code: unitizing.disagreement({k: data.spans(k, code) for k in data.coders}, 0, data.length)
        for code in used
    }


async def passage_level(
    session: AsyncSession, data: RoundData, codes: list[int]
) -> AgreementReport | None:
    """The passage-level figures (as GET /agreement gives them) over the round."""
    versions = [v for v, _ in data.texts.values()]
    stmt = select(Passage).where(col(Passage.version_id).in_(versions)).order_by(col(Passage.id))
    passages = list((await session.exec(stmt)).all())
    if not passages or not codes:
        return None
    spans = [
        Span(c.coder, c.document_id, data.texts[c.document_id][0], c.start, c.end, code)
        for c in data.codings
        for code in c.codes
    ]
    applied = applied_codes(passages, spans, data.coders)
    return agreement_report([stored(p.id) for p in passages], codes, data.coders, applied)


async def report(session: AsyncSession, viewer: Viewer, row: CodingRound) -> dict[str, Any]:
    data = await load(session, viewer, row)
    per_code = unitizing_by_code(data)
    passages = await passage_level(session, data, list(per_code))
    users, codes = await names(session, data.coders, list(per_code))
    return {
        "round_id": row.id,
        "status": row.status,
        "coders": [{"id": k, "name": users.get(k, "?")} for k in data.coders],
        "documents": data.documents,
        "characters": data.length,
        "unitizing_alpha": unitizing.overall_alpha(list(per_code.values())),
        "alpha": passages.overall.alpha if passages else None,
        "percent_agreement_where_used": _percent(passages.overall if passages else None),
        "codes": [
            _code_row(data, code_id, codes.get(code_id, "?"), d, passages)
            for code_id, d in per_code.items()
        ],
        "labels": LABELS,
        "disagreements": [
            present(r, data, users)
            for r in regions(data.codings, data.coders)
            if r.kind != Kind.agreement
        ],
    }


LABELS = {
    "unitizing_alpha": "Krippendorff's alpha for unitizing (character level)",
    "alpha": "Krippendorff's alpha, nominal, passage level",
    "percent_agreement_where_used": WHERE_USED,
}


def _code_row(
    data: RoundData,
    code_id: int,
    name: str,
    d: unitizing.Disagreement,
    passages: AgreementReport | None,
) -> dict[str, Any]:
    stats = passages.for_code(code_id) if passages else None
    return {
        "code_id": code_id,
        "name": name,
        "unitizing_alpha": d.alpha,
        "alpha": stats.alpha if stats else None,
        "percent_agreement_where_used": _percent(stats),
        "passages_used": stats.units_any_applied if stats else 0,
        # characters each coder coded with it (overlaps counted once)
        "characters": {str(k): sum(e - s for s, e in data.spans(k, code_id)) for k in data.coders},
    }


def _percent(stats: AgreementStats | None) -> float | None:
    if stats is None or stats.percent_agreement_where_used is None:
        return None
    return round(100 * stats.percent_agreement_where_used, 1)


async def names(
    session: AsyncSession, coders: list[int], code_ids: list[int]
) -> tuple[dict[int, str], dict[int, str]]:
    users = select(User.id, User.name).where(col(User.id).in_(coders))
    codes = select(Code.id, Code.name).where(col(Code.id).in_(code_ids))
    return (
        {stored(i): name for i, name in (await session.exec(users)).all()},
        {stored(i): name for i, name in (await session.exec(codes)).all()},
    )


def present(region: Region, data: RoundData, users: dict[int, str]) -> dict[str, Any]:
    """A disagreement as the drill-down shows it: text, each coder's version, a link."""
    text = data.texts[region.document_id][1]
    quote = text[region.start : region.end]
    to_utf16 = Utf16(text)
    return {
        "key": region.key,
        "kind": region.kind,
        "document_id": region.document_id,
        "start": region.start,
        "end": region.end,
        "text": quote if len(quote) <= TEXT_CHARS else quote[: TEXT_CHARS - 1] + "\u2026",
        "codings": [
            {
                "coder_id": k,
                "coder": users.get(k, "?"),
                "annotations": [
                    {
                        "id": c.annotation_id,
                        "start": c.start,
                        "end": c.end,
                        "code_ids": sorted(c.codes),
                    }
                    for c in region.codings
                    if c.coder == k
                ],
            }
            for k in data.coders
        ],
        # Both bounds, so the reader highlights exactly the disputed span.
        "reader_url": f"/read/{region.document_id}"
        f"?at={to_utf16(region.start)}&to={to_utf16(region.end)}",
    }
