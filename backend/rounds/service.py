"""Round use cases: open, list, read, close; which round a new annotation belongs
to; closed rounds' codings are frozen."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.annotations.models import Annotation, AnnotationLayer
from backend.audit import audit
from backend.core.ids import stored
from backend.core.time import utcnow
from backend.documents.models import Document
from backend.errors import ServiceError
from backend.events.service import publish
from backend.projects.models import Membership, Role
from backend.rounds.models import (
    CoderProgress,
    CodingRound,
    RoundCoder,
    RoundCreate,
    RoundDocument,
    RoundPublic,
    RoundStatus,
)
from backend.visibility import Viewer


class RoundError(ServiceError):
    pass


async def get(session: AsyncSession, project_id: int, round_id: int) -> CodingRound:
    found = await session.get(CodingRound, round_id)
    if found is None or found.project_id != project_id:
        raise RoundError(f"round {round_id} not found", 404)
    return found


async def _check_documents(session: AsyncSession, project_id: int, ids: set[int]) -> None:
    stmt = select(Document.id).where(col(Document.id).in_(ids), Document.project_id == project_id)
    missing = ids - set((await session.exec(stmt)).all())
    if missing:
        raise RoundError(f"unknown document(s) in this project: {sorted(missing)}", 422)


async def _check_coders(session: AsyncSession, project_id: int, ids: set[int]) -> None:
    stmt = select(Membership.user_id, Membership.role).where(
        Membership.project_id == project_id, col(Membership.user_id).in_(ids)
    )
    roles = dict((await session.exec(stmt)).all())
    outsiders = ids - set(roles)
    if outsiders:
        raise RoundError(f"not members of this project: {sorted(outsiders)}", 422)
    readers = sorted(u for u, r in roles.items() if Role(r) == Role.viewer)
    if readers:
        raise RoundError(f"viewers cannot code; make them coders first: {readers}", 422)


async def _check_overlap(
    session: AsyncSession, project_id: int, coders: set[int], documents: set[int]
) -> None:
    """A coder codes a document in one open round at a time, so each new annotation
    belongs to exactly one round."""
    stmt = (
        select(CodingRound.name, RoundCoder.user_id, RoundDocument.document_id)
        .join(RoundCoder, col(RoundCoder.round_id) == CodingRound.id)
        .join(RoundDocument, col(RoundDocument.round_id) == CodingRound.id)
        .where(
            CodingRound.project_id == project_id,
            CodingRound.status == RoundStatus.open,
            col(RoundCoder.user_id).in_(coders),
            col(RoundDocument.document_id).in_(documents),
        )
        .limit(1)
    )
    clash = (await session.exec(stmt)).first()
    if clash is not None:
        name, user_id, document_id = clash
        raise RoundError(
            f"user {user_id} already codes document {document_id} in the open round "
            f"'{name}'; close it first",
            409,
        )


async def open_round(
    session: AsyncSession,
    project_id: int,
    user_id: int,
    data: RoundCreate,
    codebook_version: int | None,
) -> CodingRound:
    documents, coders = set(data.document_ids), set(data.coder_ids)
    if len(coders) < 2:
        raise RoundError("a round compares coders: choose at least two", 422)
    await _check_documents(session, project_id, documents)
    await _check_coders(session, project_id, coders)
    await _check_overlap(session, project_id, coders, documents)
    row = CodingRound(
        project_id=project_id,
        name=data.name.strip() or data.name,
        blind=data.blind,
        codebook_version=codebook_version,
        created_by=user_id,
    )
    session.add(row)
    await session.flush()
    round_id = stored(row.id)
    session.add_all(RoundDocument(round_id=round_id, document_id=d) for d in sorted(documents))
    session.add_all(RoundCoder(round_id=round_id, user_id=u) for u in sorted(coders))
    _changed(session, row, "round.opened", user_id)
    await session.commit()
    return row


async def close_round(session: AsyncSession, row: CodingRound, user_id: int) -> CodingRound:
    if row.status == RoundStatus.closed:
        raise RoundError("this round is already closed", 409)
    row.status, row.closed_at, row.closed_by = RoundStatus.closed, utcnow(), user_id
    session.add(row)
    _changed(session, row, "round.closed", user_id)
    await session.commit()
    return row


def _changed(session: AsyncSession, row: CodingRound, kind: str, user_id: int) -> None:
    publish(session, row.project_id, kind, row.id, user_id, name=row.name, blind=row.blind)
    audit(
        session,
        user_id=user_id,
        project_id=row.project_id,
        action=kind.split(".")[1],
        entity="round",
        entity_id=row.id,
    )


async def list_rounds(session: AsyncSession, project_id: int) -> list[CodingRound]:
    stmt = select(CodingRound).where(CodingRound.project_id == project_id)
    return list((await session.exec(stmt.order_by(col(CodingRound.id).desc()))).all())


async def members_of(
    session: AsyncSession, round_ids: Sequence[int]
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """(documents, coders) of each round."""
    documents: dict[int, list[int]] = defaultdict(list)
    coders: dict[int, list[int]] = defaultdict(list)
    stmt = select(RoundDocument).where(col(RoundDocument.round_id).in_(round_ids))
    for link in (await session.exec(stmt.order_by(col(RoundDocument.document_id)))).all():
        documents[link.round_id].append(link.document_id)
    stmt2 = select(RoundCoder).where(col(RoundCoder.round_id).in_(round_ids))
    for coder in (await session.exec(stmt2.order_by(col(RoundCoder.user_id)))).all():
        coders[coder.round_id].append(coder.user_id)
    return documents, coders


async def _progress(
    session: AsyncSession, viewer: Viewer, round_ids: Sequence[int]
) -> dict[int, dict[int, tuple[int, int]]]:
    """round -> coder -> (annotations, documents coded), of what the viewer may see."""
    stmt = (
        select(
            col(Annotation.round_id),
            col(Annotation.author_id),
            func.count(),
            func.count(col(Annotation.document_id).distinct()),
        )
        .where(
            col(Annotation.round_id).in_(round_ids),
            Annotation.layer == AnnotationLayer.coding,
            col(Annotation.deleted_at).is_(None),
            *viewer.clauses(),
        )
        .group_by(col(Annotation.round_id), col(Annotation.author_id))
    )
    out: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for round_id, author_id, n, docs in (await session.exec(stmt)).all():
        out[stored(round_id)][author_id] = (n, docs)  # round_id IN (...): never null
    return out


async def public(
    session: AsyncSession, viewer: Viewer, rows: Sequence[CodingRound]
) -> list[RoundPublic]:
    ids = [stored(r.id) for r in rows]
    documents, coders = await members_of(session, ids)
    progress = await _progress(session, viewer, ids)
    all_coders = {u for us in coders.values() for u in us}
    users = select(User.id, User.name).where(col(User.id).in_(all_coders))
    names = {stored(i): name for i, name in (await session.exec(users)).all()}
    out = []
    for r, i in zip(rows, ids, strict=True):
        blinded = is_blind_for(r, coders[i], viewer.user_id)
        shown = [u for u in coders[i] if not blinded or u == viewer.user_id]
        out.append(
            RoundPublic(
                **r.model_dump(),
                document_ids=documents[i],
                coder_ids=coders[i],
                blinded=blinded,
                progress=[
                    CoderProgress(
                        coder_id=u,
                        name=names.get(u, "?"),
                        annotations=progress[i].get(u, (0, 0))[0],
                        documents_coded=progress[i].get(u, (0, 0))[1],
                    )
                    for u in shown
                ],
            )
        )
    return out


def is_blind_for(row: CodingRound, coders: Sequence[int], user_id: int | None) -> bool:
    return row.blind and row.status == RoundStatus.open and user_id in coders


async def round_for_new_annotation(
    session: AsyncSession, project_id: int, user_id: int, document_id: int
) -> int | None:
    """The open round in which this user codes this document, if any."""
    stmt = (
        select(CodingRound.id)
        .join(RoundCoder, col(RoundCoder.round_id) == CodingRound.id)
        .join(RoundDocument, col(RoundDocument.round_id) == CodingRound.id)
        .where(
            CodingRound.project_id == project_id,
            CodingRound.status == RoundStatus.open,
            RoundCoder.user_id == user_id,
            RoundDocument.document_id == document_id,
        )
    )
    return (await session.exec(stmt.limit(1))).first()


async def check_not_frozen(session: AsyncSession, a: Annotation) -> None:
    """Codings of a closed round are its record: they no longer change (its consensus
    layer is what adjudication edits)."""
    if a.round_id is None or a.layer == AnnotationLayer.consensus:
        return
    row = await session.get(CodingRound, a.round_id)
    if row is not None and row.status == RoundStatus.closed:
        raise RoundError(
            f"this annotation belongs to the closed round '{row.name}'; its codings are "
            "frozen (adjudicate them into the consensus instead)",
            409,
        )
