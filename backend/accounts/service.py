"""Use cases for accounts: create users, sign in and out, API tokens, rate limits."""

from __future__ import annotations

from datetime import timedelta

import anyio
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts import throttle
from backend.accounts.models import (
    ApiToken,
    GlobalRole,
    LoginAttempt,
    User,
    UserCreate,
    UserSession,
)
from backend.audit import audit
from backend.core.config import Settings
from backend.core.ids import stored
from backend.core.security import hash_password, new_token, token_hash, verify_password
from backend.core.time import utcnow
from backend.errors import ServiceError


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


async def sign_in(session: AsyncSession, email: str, password: str, ip: str) -> User:
    """The account whose password this is; what else the sign-in needs (a second
    factor, a new password) and the session itself are `accounts.signin`'s."""
    email = email.strip().lower()
    try:
        await throttle.take(session, email, ip)
    except throttle.Throttled as exc:
        message = f"too many failed sign-ins; try again in {exc.retry_after} s"
        raise AccountError(message, 429, retry_after=exc.retry_after) from exc
    user = await user_by_email(session, email)
    # argon2 takes ~0.1 s of CPU on purpose: off the event loop, or every request waits,
    # and with no database connection held (ended here), or 50 sign-ins at once empty
    # the pool and every other request times out waiting for one.
    await session.commit()
    ok = await anyio.to_thread.run_sync(
        verify_password, user.password_hash if user else None, password
    )
    accepted = user is not None and ok and user.is_active
    session.add(LoginAttempt(email=email[:254], ip=ip[:64], succeeded=accepted))
    if user is None or not accepted:
        await throttle.failed(session, ip)
        await session.commit()  # the failure counts even though we refuse
        raise AccountError("wrong email or password", 401)
    await throttle.succeeded(session, email, ip)
    return user


async def session_user(session: AsyncSession, token: str) -> tuple[User, UserSession] | None:
    stmt = (
        select(UserSession, User)
        .join(User, col(User.id) == UserSession.user_id)
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
        .join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash(token))
    )
    found = (await session.exec(stmt)).first()
    if found is None:
        return None
    api_token, user = found
    if api_token.revoked_at is not None or api_token.expires_at <= utcnow() or not user.is_active:
        return None
    # At most one write a minute per token: scripts call in tight loops.
    if api_token.last_used_at is None or utcnow() - api_token.last_used_at > timedelta(minutes=1):
        api_token.last_used_at = utcnow()
        session.add(api_token)
    return user


async def create_token(
    session: AsyncSession, user: User, name: str, days: int | None, settings: Settings
) -> tuple[ApiToken, str]:
    """A new API token lasting `days` (the deployment's default when None)."""
    days = days or settings.api_token_default_days
    if days > settings.api_token_max_days:
        raise AccountError(
            f"API tokens last at most {settings.api_token_max_days} days here; ask for fewer", 422
        )
    token = "ew_" + new_token()
    row = ApiToken(
        user_id=stored(user.id),
        name=name,
        token_hash=token_hash(token),
        prefix=token[:10],
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(row)
    await session.flush()
    audit(
        session,
        user_id=user.id,
        action="create",
        entity="api_token",
        entity_id=row.id,
        expires_at=row.expires_at.isoformat(),
    )
    return row, token


async def revoke_token(session: AsyncSession, user: User, token_id: int) -> None:
    row = await session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise AccountError(f"token {token_id} not found", 404)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        audit(session, user_id=user.id, action="revoke", entity="api_token", entity_id=row.id)


async def count_users(session: AsyncSession) -> int:
    return (await session.exec(select(func.count()).select_from(User))).one()


def is_admin(user: User) -> bool:
    return user.role == GlobalRole.admin
