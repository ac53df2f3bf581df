"""THE visibility rule: which annotations a project member may see.

Every read path asks this module: annotation lists and single reads, history,
search hits and their filters (so counts and facets cannot leak), the event
stream, exports, codebook usage counts, triangulation, CMOC evidence, proposals
and agreement.

The rule. Project membership comes first (outsiders get 404 before this runs).
Then, while a *blind* coding round is open, each of its coders sees, on the
round's documents, only the annotations they made themselves: not the other
coders', not an adjudicator's, not older ones. Everywhere else, and for everyone
who is not coding such a round (admins adjudicating included), every annotation
of the project is visible. A closed round hides nothing.

The change rule (`may_change`) sits here too: seeing an annotation is not owning it.
A coder changes (edits, reverts, deletes, restores) only their own annotations; a
project admin may also delete and restore anyone's (a delete needs a reason, kept
in the audit log: backend/annotations/ownership.py).

The analysis *layer* (consensus, all coders, one coder) is a different question
(what an analysis counts, not what a member may see) and lives in
backend/layers.py; analyses apply both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import ColumnElement, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from backend.annotations.models import Annotation
from search.base import Filters, OwnCodings


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a project, with what they may not see."""

    project_id: int
    user_id: int | None  # None: the operator at the command line, who sees everything
    # Documents of open blind rounds this user codes: there, only their own annotations.
    blind_documents: frozenset[int] = field(default_factory=frozenset)

    @property
    def sees_everything(self) -> bool:
        return not self.blind_documents

    def sees(self, document_id: int, author_id: int | None) -> bool:
        """May this viewer see an annotation by `author_id` on `document_id`?"""
        return document_id not in self.blind_documents or author_id == self.user_id

    def sees_annotation(self, a: Annotation) -> bool:
        return a.project_id == self.project_id and self.sees(a.document_id, a.author_id)

    def clauses(self) -> list[ColumnElement[bool]]:
        """WHERE clauses on Annotation: the project's annotations this viewer may see."""
        clauses = [col(Annotation.project_id) == self.project_id]
        if self.blind_documents:
            clauses.append(
                or_(
                    col(Annotation.document_id).not_in(sorted(self.blind_documents)),
                    col(Annotation.author_id) == self.user_id,
                )
            )
        return clauses

    def search_filters(self, filters: Filters) -> Filters:
        """The engines index every coder's codes per passage; on blind documents the
        code, coder and annotated filters must look at this viewer's codings alone."""
        if self.sees_everything or self.user_id is None:
            return filters
        own = OwnCodings(tuple(sorted(self.blind_documents)), self.user_id)
        return replace(filters, own_codings=own)

    def sees_event(self, kind: str, user_id: int | None, payload: Mapping) -> bool:
        """Annotation events name their document and author; others carry no coding."""
        if not kind.startswith("annotation.") or self.sees_everything:
            return True
        document_id = payload.get("document_id")
        author_id = payload.get("author_id", user_id)
        return document_id is None or self.sees(int(document_id), author_id)


# What a non-author may do to an annotation, by role: admins remove (with a reason)
# and put back (the undo of such a removal); nobody rewrites another coder's coding.
OTHERS_MAY = {"admin": frozenset({"delete", "restore"})}


def may_change(viewer: Viewer, role: str, owner_id: int, action: str) -> bool:
    """May this viewer (a member with `role`) `action` an annotation that is
    `owner_id`'s coding? `action` is one of edit, revert, delete, restore."""
    if viewer.user_id is None or viewer.user_id == owner_id:
        return True
    return action in OTHERS_MAY.get(role, frozenset())


def operator(project_id: int) -> Viewer:
    """The command line (exports, backups): no account, sees the whole project."""
    return Viewer(project_id, None)


def blind_documents(project_id: int, user_id: int) -> SelectOfScalar[int]:
    """The documents of the project's open blind rounds that the user codes: where
    they see only their own annotations."""
    # Imported here: only a signed-in user's view asks about rounds; the operator's
    # (`evidence search`, exports) sees everything and need not build their models.
    from backend.rounds.models import CodingRound, RoundCoder, RoundDocument, RoundStatus

    return (
        select(RoundDocument.document_id)
        .join(CodingRound, col(CodingRound.id) == col(RoundDocument.round_id))
        .join(RoundCoder, col(RoundCoder.round_id) == col(CodingRound.id))
        .where(
            CodingRound.project_id == project_id,
            CodingRound.status == RoundStatus.open,
            col(CodingRound.blind).is_(True),
            RoundCoder.user_id == user_id,
        )
    )


async def viewer_for(session: AsyncSession, project_id: int, user_id: int) -> Viewer:
    hidden = frozenset((await session.exec(blind_documents(project_id, user_id))).all())
    return Viewer(project_id, user_id, hidden)
