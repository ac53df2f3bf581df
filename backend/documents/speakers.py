"""Transcript speakers of a document and their roles: as read from the labels, or as a
researcher set them (principle 1: a role is never guessed silently; `role_source` says
where each came from)."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.ids import stored
from backend.documents.changes import record_edit
from backend.documents.models import Document, Passage, SpeakerRole
from backend.indexing.service import mark_fields_for_index
from ingest.transcript_labels import role_of


class SpeakerPublic(SQLModel):
    speaker: str
    role: SpeakerRole | None
    # "label" (the label says it), "convention" (I/R, Q/A, P1 read as usual),
    # "user" (set by a researcher), or None (unknown)
    role_source: str | None
    turns: int


class SpeakerRoleUpdate(SQLModel):
    speaker: str
    role: SpeakerRole | None


def _source(speaker: str, role: SpeakerRole | None) -> str | None:
    read, how = role_of(speaker)
    if role is None:
        return None if read is None else "user"  # a researcher cleared a role read from it
    return how if read == role.value else "user"


async def list_speakers(session: AsyncSession, document: Document) -> list[SpeakerPublic]:
    stmt = (
        select(
            col(Passage.speaker), col(Passage.speaker_role), func.count(func.distinct(Passage.turn))
        )
        .where(
            Passage.version_id == document.current_version_id,
            col(Passage.speaker).is_not(None),
        )
        .group_by(col(Passage.speaker), col(Passage.speaker_role))
        .order_by(col(Passage.speaker))
    )
    return [
        SpeakerPublic(speaker=s, role=r, role_source=_source(s, r), turns=n)
        for s, r, n in (await session.exec(stmt)).all()
        if s is not None  # the query's own condition, repeated for the type
    ]


async def set_role(
    session: AsyncSession, document: Document, change: SpeakerRoleUpdate, user_id: int
) -> int:
    """Every passage of this speaker, in every version, takes the role; returns how many.
    One unit of work with its audit entry and event, committed; nothing when no passage
    has that speaker."""
    result = await session.exec(
        update(Passage)
        .where(col(Passage.document_id) == document.id, col(Passage.speaker) == change.speaker)
        .values(speaker_role=change.role)
    )
    changed = result.rowcount or 0
    if not changed:
        return 0  # nothing written: the caller answers 404, nothing to commit
    await mark_fields_for_index(session, stored(document.id))
    record_edit(
        session, document, user_id, "speaker_role", speaker=change.speaker, role=change.role
    )
    await session.commit()
    return changed


async def carry_roles(session: AsyncSession, document_id: int, old_version: int | None) -> None:
    """A new version keeps the roles its speakers had (e.g. set by a researcher)."""
    if old_version is None:
        return
    stmt = (
        select(Passage.speaker, Passage.speaker_role)
        .where(Passage.version_id == old_version, col(Passage.speaker).is_not(None))
        .distinct()
    )
    for speaker, role in (await session.exec(stmt)).all():
        await session.exec(
            update(Passage)
            .where(
                col(Passage.document_id) == document_id,
                col(Passage.version_id) != old_version,
                col(Passage.speaker) == speaker,
            )
            .values(speaker_role=role)
        )
