"""Use cases for accounts: create users, sign in and out, API tokens, rate limits."""

from __future__ import annotations

from datetime import timedelta

import anyio
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import (
    ApiToken,
    GlobalRole,
    LoginAttempt,
    User,
    UserCreate,
    UserSession,
)
from backend.audit import audit
from backend.core.security import hash_password, new_token, token_hash, verify_password
from backend.core.time import utcnow
from backend.errors import ServiceError

SESSION_DAYS = 14
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 30


class AccountError(ServiceError):
    pass


async def create_user(session: AsyncSession, data: UserCreate, by: int | None = None) -> User:
    email = data.email.strip().lower()
    if (await session.exec(select(User).where(User.email == email))).first():
        raise AccountError(f"an account for {email} already exists", 409)
    user = User(
        email=email, name=data.name, role=data.role, password_hash=hash_password(data.password)
    )
    session.add(user)
    await session.flush()
    audit(session, user_id=by, action="create", entity="user", entity_id=user.id)
    return user


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    stmt = select(User).where(User.email == email.strip().lower())
    return (await session.exec(stmt)).first()


async def too_many_failures(session: AsyncSession, email: str, ip: str) -> bool:
    since = utcnow() - WINDOW

    async def failures(column, value) -> int:
        stmt = (
            select(func.count())
            .select_from(LoginAttempt)
            .where(
                column == value,
                col(LoginAttempt.succeeded).is_(False),
                col(LoginAttempt.at) >= since,
            )
        )
        return (await session.exec(stmt)).one()

    return (
        await failures(LoginAttempt.email, email) >= MAX_FAILURES_PER_EMAIL
        or await failures(LoginAttempt.ip, ip) >= MAX_FAILURES_PER_IP
    )


async def sign_in(
    session: AsyncSession, email: str, password: str, ip: str
) -> tuple[User, str, UserSession]:
    """Returns (user, session token, session row); the token is never stored."""
    email = email.strip().lower()
    if await too_many_failures(session, email, ip):
        raise AccountError("too many failed sign-ins; wait 15 minutes and try again", 429)
    user = await user_by_email(session, email)
    # argon2 takes ~0.1 s of CPU on purpose: off the event loop, or every request waits.
    ok = await anyio.to_thread.run_sync(
        verify_password, user.password_hash if user else None, password
    )
    session.add(LoginAttempt(email=email[:254], ip=ip[:64], succeeded=ok and user.is_active))
    if not ok or not user.is_active:
        await session.commit()  # the failure counts even though we refuse
        raise AccountError("wrong email or password", 401)
    token = new_token()
    row = UserSession(
        token_hash=token_hash(token),
        user_id=user.id,
        csrf_token=new_token(),
        expires_at=utcnow() + timedelta(days=SESSION_DAYS),
    )
    session.add(row)
    audit(session, user_id=user.id, action="sign_in", entity="user", entity_id=user.id)
    return user, token, row


async def session_user(session: AsyncSession, token: str) -> tuple[User, UserSession] | None:
    stmt = (
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_hash(token))
    )
    found = (await session.exec(stmt)).first()
    if found is None:
        return None
    row, user = found
    if row.expires_at < utcnow() or not user.is_active:
        return None
    return user, row


async def sign_out(session: AsyncSession, row: UserSession) -> None:
    await session.delete(row)


async def token_user(session: AsyncSession, token: str) -> User | None:
    stmt = (
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash(token))
    )
    found = (await session.exec(stmt)).first()
    if found is None:
        return None
    api_token, user = found
    if api_token.revoked_at is not None or not user.is_active:
        return None
    # At most one write a minute per token: scripts call in tight loops.
    if api_token.last_used_at is None or utcnow() - api_token.last_used_at > timedelta(minutes=1):
        api_token.last_used_at = utcnow()
        session.add(api_token)
    return user


async def create_token(session: AsyncSession, user: User, name: str) -> tuple[ApiToken, str]:
    token = "ew_" + new_token()
    row = ApiToken(user_id=user.id, name=name, token_hash=token_hash(token), prefix=token[:10])
    session.add(row)
    await session.flush()
    audit(session, user_id=user.id, action="create", entity="api_token", entity_id=row.id)
    return row, token


async def count_users(session: AsyncSession) -> int:
    return (await session.exec(select(func.count()).select_from(User))).one()


def is_admin(user: User) -> bool:
    return user.role == GlobalRole.admin
