"""Who may change an annotation, and the checks a delete goes through.

The rule itself is `visibility.may_change` (one place for who sees and who changes
what); this module applies it to the annotation routes and adds what a delete needs:
an admin removing another coder's annotation gives a reason (history and audit log
keep it), and removing the evidence of a CMO configuration is confirmed by naming
each configuration, so nobody breaks a configuration without knowing which.

Adjudication changes the consensus layer through its own use case (backend/
adjudication), not through these checks: there the adjudicator owns the decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.annotations import service
from backend.annotations.models import Annotation
from backend.audit import audit
from backend.cmocs.models import Cmoc, CmocEvidence
from backend.coders.service import links
from backend.core.ids import stored
from backend.visibility import Viewer, may_change

VERBS = {"edit": "edit", "revert": "revert", "delete": "delete", "restore": "restore"}


@dataclass(frozen=True)
class Actor:
    """A member changing annotations: what they see, and their project role."""

    viewer: Viewer
    role: str
    user_id: int


class EvidenceInUse(Exception):
    """The annotation is evidence for live configurations not named in the confirmation."""

    def __init__(self, configurations: list[dict[str, Any]]) -> None:
        names = "; ".join(f"#{c['id']} {c['title'] or '(untitled)'}" for c in configurations)
        super().__init__(
            f"this annotation is evidence for CMO configuration(s) {names}: to delete it, "
            "confirm by naming each of them (confirm_cmoc=<id> for each)"
        )
        self.message = str(self)
        self.configurations = configurations


async def owners(session: AsyncSession, rows: Sequence[Annotation]) -> dict[int, int]:
    """{annotation id: whose coding it is}: an imported coding linked to an account is that
    account's (ARCHITECTURE.md, coders); otherwise its author's (the importing admin's, if
    imported). The API shows it as `owner_id`, so the web app asks no rule of its own."""
    linked: dict[int, int | None] = {}
    for project_id in {a.project_id for a in rows if a.coder_id is not None}:
        linked.update(await links(session, project_id))
    return {
        a.id: (linked.get(a.coder_id) if a.coder_id else None) or a.author_id
        for a in rows
        if a.id is not None
    }


async def owner_of(session: AsyncSession, a: Annotation) -> int:
    return (await owners(session, [a]))[stored(a.id)]  # the route loaded it


async def check(session: AsyncSession, actor: Actor, a: Annotation, action: str) -> int:
    """403, naming the owner, unless the rule lets `actor` `action` this annotation;
    returns the owner."""
    owner = await owner_of(session, a)
    if may_change(actor.viewer, actor.role, owner, action):
        return owner
    author = await session.get(User, owner)
    whose = f"{author.name}'s" if author is not None and author.name else "another coder's"
    hint = " (project admins may delete it, giving a reason)" if action != "delete" else ""
    raise service.AnnotationError(
        f"you may {VERBS[action]} only your own annotations; this one is {whose}{hint}", 403
    )


async def configurations_using(session: AsyncSession, annotation_id: int) -> list[dict[str, Any]]:
    """Live configurations holding this annotation as evidence (id and title)."""
    stmt = (
        select(Cmoc.id, Cmoc.title)
        .distinct()
        .join(CmocEvidence, col(CmocEvidence.cmoc_id) == Cmoc.id)
        .where(CmocEvidence.annotation_id == annotation_id, col(Cmoc.deleted_at).is_(None))
        .order_by(col(Cmoc.id))
    )
    return [{"id": i, "title": t} for i, t in (await session.exec(stmt)).all()]


async def delete(
    session: AsyncSession,
    actor: Actor,
    a: Annotation,
    expected: int | None,
    reason: str | None,
    confirmed: list[int],
) -> Annotation:
    """Soft delete after the ownership, reason and evidence checks (all before any
    change, so a refusal leaves nothing half done), committed with its audit entry."""
    owner = await check(session, actor, a, "delete")
    reason = (reason or "").strip() or None
    if actor.user_id != owner and reason is None:
        raise service.AnnotationError(
            "deleting another coder's annotation needs a reason (reason=...): "
            "it is kept in the history and the audit log",
            422,
        )
    uses = await configurations_using(session, stored(a.id))
    if any(c["id"] not in set(confirmed) for c in uses):
        raise EvidenceInUse(uses)
    note = {k: v for k, v in (("reason", reason), ("evidence_for", [c["id"] for c in uses])) if v}
    deleted = await service.set_deleted(session, a, actor.user_id, True, expected, note or None)
    if note:
        audit(
            session,
            user_id=actor.user_id,
            project_id=a.project_id,
            action="annotation.delete",
            entity="annotation",
            entity_id=a.id,
            author_id=owner,
            **note,
        )
    await session.commit()
    return deleted
