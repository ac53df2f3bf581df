"""Who is calling, and may they? Sessions (cookie + CSRF header) or API tokens.

- `Authorization: Bearer ew_…` identifies scripts; no cookie, so no CSRF risk.
- Browsers carry the HttpOnly `ew_session` cookie; unsafe methods must also send
  the session's CSRF token in `X-CSRF-Token` (a forged cross-site form cannot).
- Project routes answer 404, not 403, to non-members: a project's existence is
  itself data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request
from sqlalchemy import true
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts import service as accounts
from backend.accounts.models import User, UserSession
from backend.api.deps import Id, SessionDep
from backend.core.ids import stored
from backend.core.security import same
from backend.projects.models import Membership, Project, Role
from backend.visibility import Viewer, blind_documents

SESSION_COOKIE = "ew_session"
CSRF_COOKIE = "ew_csrf"
CHALLENGE_COOKIE = "ew_signin"  # a sign-in waiting for its next step (accounts.signin)
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Credential:
    """What the caller presented, kept so a long request (the event stream) can ask
    again later whether it still holds."""

    kind: Literal["token", "session"]
    secret: str


@dataclass
class Caller:
    user: User
    browser_session: UserSession | None  # None for API tokens
    credential: Credential


def credential_of(request: Request) -> Credential | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return Credential("token", auth[7:].strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    return Credential("session", cookie) if cookie else None


async def still_valid(session: AsyncSession, credential: Credential) -> User | None:
    """The user the credential stands for now; None once it is revoked, expired or
    signed out, or the account deactivated."""
    if credential.kind == "token":
        return await accounts.token_user(session, credential.secret)
    found = await accounts.session_user(session, credential.secret)
    return found[0] if found else None


async def caller(request: Request, session: SessionDep) -> Caller:
    credential = credential_of(request)
    if credential is not None and credential.kind == "token":
        user = await accounts.token_user(session, credential.secret)
        if user is None:
            raise HTTPException(401, "the API token is not valid (revoked, expired or mistyped)")
        if session.dirty:
            await session.commit()
        return Caller(user, None, credential)
    found = await accounts.session_user(session, credential.secret) if credential else None
    if found is None or credential is None:
        raise HTTPException(401, "sign in first", headers={"WWW-Authenticate": "Bearer"})
    user, row = found
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not same(sent, row.csrf_token):
            raise HTTPException(403, "missing or wrong X-CSRF-Token header (cross-site request?)")
    return Caller(user, row, credential)


CallerDep = Annotated[Caller, Depends(caller)]


async def current_user(who: CallerDep) -> User:
    return who.user


CurrentUser = Annotated[User, Depends(current_user)]


@dataclass
class Member:
    project: Project
    user: User
    role: Role
    viewer: Viewer  # what this member may see (backend/visibility.py)

    @property
    def project_id(self) -> int:
        return stored(self.project.id)

    @property
    def user_id(self) -> int:
        return stored(self.user.id)

    def at_least(self, role: Role) -> bool:
        return self.role.rank >= role.rank


async def membership(session: AsyncSession, project_id: int, user: User) -> Member | None:
    """The user's membership of the project (None for outsiders), with their view,
    in one round trip: a row per document hidden from them (one with None if none)."""
    hidden = blind_documents(project_id, stored(user.id)).subquery()
    stmt = (
        select(Project, Membership, hidden.c.document_id)
        .join(Membership, col(Membership.project_id) == col(Project.id))
        .outerjoin(hidden, true())
        .where(col(Project.id) == project_id, col(Membership.user_id) == user.id)
    )
    rows = (await session.exec(stmt)).all()
    if not rows:
        return None
    project, row, _ = rows[0]
    blind = frozenset(document_id for _, _, document_id in rows if document_id is not None)
    viewer = Viewer(stored(project.id), stored(user.id), blind)
    return Member(project, user, Role(row.role), viewer)


async def project_member(project_id: Id, user: CurrentUser, session: SessionDep) -> Member:
    found = await membership(session, project_id, user)
    if found is None:
        raise HTTPException(404, f"project {project_id} not found")
    return found


def _requires(role: Role) -> Callable[[Member], Awaitable[Member]]:
    async def check(member: Annotated[Member, Depends(project_member)]) -> Member:
        if not member.at_least(role):
            raise HTTPException(
                403, f"this needs the {role} role in the project; yours is {member.role}"
            )
        return member

    return check


ProjectMember = Annotated[Member, Depends(project_member)]
ProjectCoder = Annotated[Member, Depends(_requires(Role.coder))]
ProjectAdmin = Annotated[Member, Depends(_requires(Role.admin))]
