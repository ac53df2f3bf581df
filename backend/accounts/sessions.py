"""Browser sessions and API tokens as a whole: open one at sign-in, end them all.

A sign-in always opens a new session (a new random token), and the session the
browser presented, if any, ends with it: a token planted before sign-in (session
fixation) never becomes an authenticated one.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import ApiToken, User, UserSession
from backend.audit import audit
from backend.core.ids import stored
from backend.core.security import new_token, token_hash
from backend.core.time import utcnow

SESSION_DAYS = 14


async def start_session(
    session: AsyncSession, user: User, *, method: str, replacing: str | None = None
) -> tuple[str, UserSession]:
    """(token, row) of a new session; the token is never stored, only its hash."""
    if replacing:
        await session.exec(
            delete(UserSession).where(col(UserSession.token_hash) == token_hash(replacing))
        )
    token = new_token()
    row = UserSession(
        token_hash=token_hash(token),
        user_id=stored(user.id),
        csrf_token=new_token(),
        expires_at=utcnow() + timedelta(days=SESSION_DAYS),
    )
    session.add(row)
    audit(
        session, user_id=user.id, action="sign_in", entity="user", entity_id=user.id, method=method
    )
    return token, row


async def end_sessions(session: AsyncSession, user_id: int, *, keep: int | None = None) -> int:
    """Ends every browser session of the account (but `keep`); how many ended."""
    stmt = delete(UserSession).where(col(UserSession.user_id) == user_id)
    if keep is not None:
        stmt = stmt.where(col(UserSession.id) != keep)
    return (await session.exec(stmt)).rowcount


async def revoke_tokens(session: AsyncSession, user_id: int) -> int:
    """Revokes every API token of the account still in force; how many."""
    stmt = (
        update(ApiToken)
        .where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return (await session.exec(stmt)).rowcount
