"""Who is calling, and may they? Sessions (cookie + CSRF header) or API tokens.

- `Authorization: Bearer ew_…` identifies scripts; no cookie, so no CSRF risk.
- Browsers carry the HttpOnly `ew_session` cookie; unsafe methods must also send
  the session's CSRF token in `X-CSRF-Token` (a forged cross-site form cannot).
- Project routes answer 404, not 403, to non-members: a project's existence is
  itself data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel import select

from backend.accounts import service as accounts
from backend.accounts.models import User, UserSession
from backend.api.deps import Id, SessionDep
from backend.core.security import same
from backend.projects.models import Membership, Project, Role

SESSION_COOKIE = "ew_session"
CSRF_COOKIE = "ew_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class Caller:
    user: User
    browser_session: UserSession | None  # None for API tokens


async def caller(request: Request, session: SessionDep) -> Caller:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = await accounts.token_user(session, auth[7:].strip())
        if user is None:
            raise HTTPException(401, "the API token is not valid (revoked or mistyped)")
        if session.dirty:
            await session.commit()
        return Caller(user, None)
    cookie = request.cookies.get(SESSION_COOKIE)
    found = await accounts.session_user(session, cookie) if cookie else None
    if found is None:
        raise HTTPException(401, "sign in first", headers={"WWW-Authenticate": "Bearer"})
    user, row = found
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not same(sent, row.csrf_token):
            raise HTTPException(403, "missing or wrong X-CSRF-Token header (cross-site request?)")
    return Caller(user, row)


CallerDep = Annotated[Caller, Depends(caller)]


async def current_user(who: CallerDep) -> User:
    return who.user


CurrentUser = Annotated[User, Depends(current_user)]


@dataclass
class Member:
    project: Project
    user: User
    role: Role

    def at_least(self, role: Role) -> bool:
        return self.role.rank >= role.rank


async def project_member(project_id: Id, user: CurrentUser, session: SessionDep) -> Member:
    stmt = (
        select(Project, Membership)
        .join(Membership, Membership.project_id == Project.id)
        .where(Project.id == project_id, Membership.user_id == user.id)
    )
    found = (await session.exec(stmt)).first()
    if found is None:
        raise HTTPException(404, f"project {project_id} not found")
    project, membership = found
    return Member(project, user, Role(membership.role))


def _requires(role: Role):
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
