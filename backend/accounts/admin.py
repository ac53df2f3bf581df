"""Account administration: change, deactivate, reset a password, revoke all access,
and a user's own password change. Every change is audited (entity "user")."""

from __future__ import annotations

import secrets
from typing import Any

import anyio
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import (
    AccessRevoked,
    ApiToken,
    GlobalRole,
    User,
    UserAdminPublic,
    UserSession,
    UserUpdate,
)
from backend.accounts.service import AccountError
from backend.accounts.sessions import end_sessions, revoke_tokens
from backend.audit import audit
from backend.core.ids import stored
from backend.core.security import hash_password, verify_password
from backend.core.time import utcnow


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise AccountError(f"account {user_id} not found", 404)
    return user


async def describe(session: AsyncSession, users: list[User]) -> list[UserAdminPublic]:
    """Accounts with their open sessions, API tokens in force and second factor."""
    ids = [stored(u.id) for u in users]
    now = utcnow()
    sessions = dict(
        (
            await session.exec(
                select(UserSession.user_id, func.count())
                .where(col(UserSession.user_id).in_(ids), col(UserSession.expires_at) > now)
                .group_by(col(UserSession.user_id))
            )
        ).all()
    )
    tokens = dict(
        (
            await session.exec(
                select(ApiToken.user_id, func.count())
                .where(
                    col(ApiToken.user_id).in_(ids),
                    col(ApiToken.revoked_at).is_(None),
                    col(ApiToken.expires_at) > now,
                )
                .group_by(col(ApiToken.user_id))
            )
        ).all()
    )
    from backend.mfa.service import users_with_totp  # mfa builds on accounts

    with_totp = await users_with_totp(session, ids)
    return [
        UserAdminPublic(
            **u.model_dump(exclude={"password_hash"}),
            has_password=bool(u.password_hash),
            totp_enabled=i in with_totp,
            sessions=sessions.get(i, 0),
            tokens=tokens.get(i, 0),
        )
        for u, i in zip(users, ids, strict=True)
    ]


async def update_user(session: AsyncSession, user: User, data: UserUpdate, by: int | None) -> User:
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if by == user.id and changes.get("is_active") is False:
        raise AccountError("you cannot deactivate your own account", 409)
    was = {"name": user.name, "role": user.role, "is_active": user.is_active}
    for key, value in changes.items():
        setattr(user, key, value)
    if was["role"] == GlobalRole.admin and was["is_active"] and not _active_admin(user):
        await _keep_an_admin(session, stored(user.id))
    session.add(user)
    for key, before in was.items():
        if changes.get(key, before) != before:
            await _audit_change(session, user, key, before, by)
    return user


def _active_admin(user: User) -> bool:
    return user.role == GlobalRole.admin and user.is_active


async def _keep_an_admin(session: AsyncSession, leaving: int) -> None:
    stmt = (
        select(func.count())
        .select_from(User)
        .where(User.role == GlobalRole.admin, col(User.is_active).is_(True), User.id != leaving)
    )
    if (await session.exec(stmt)).one() == 0:
        raise AccountError("there must be at least one active account administrator", 409)


async def _audit_change(
    session: AsyncSession, user: User, key: str, before: object, by: int | None
) -> None:
    detail: dict[str, Any] = {"before": str(before), "after": str(getattr(user, key))}
    action = {"name": "rename", "role": "change_role"}.get(key)
    if key == "is_active":
        action = "activate" if user.is_active else "deactivate"
        detail = {}
        if not user.is_active:  # a deactivated account keeps no way in
            revoked = await revoke_access_quietly(session, stored(user.id))
            detail = revoked.model_dump()
    audit(session, user_id=by, action=action or key, entity="user", entity_id=user.id, **detail)


async def revoke_access_quietly(session: AsyncSession, user_id: int) -> AccessRevoked:
    return AccessRevoked(
        sessions=await end_sessions(session, user_id),
        tokens=await revoke_tokens(session, user_id),
    )


async def revoke_access(session: AsyncSession, user: User, by: int | None) -> AccessRevoked:
    """Signs the account out everywhere and revokes its API tokens."""
    revoked = await revoke_access_quietly(session, stored(user.id))
    audit(
        session,
        user_id=by,
        action="revoke_access",
        entity="user",
        entity_id=user.id,
        **revoked.model_dump(),
    )
    return revoked


async def reset_password(
    session: AsyncSession, user: User, password: str | None, by: int | None
) -> str | None:
    """Sets a temporary password (made up when None: answered once) that must be
    changed at the next sign-in; the account's sessions end."""
    temporary = password or secrets.token_urlsafe(12)
    made_up = None if password else temporary
    user.password_hash = await anyio.to_thread.run_sync(hash_password, temporary)
    user.must_change_password = True
    session.add(user)
    ended = await end_sessions(session, stored(user.id))
    audit(
        session,
        user_id=by,
        action="reset_password",
        entity="user",
        entity_id=user.id,
        sessions=ended,
    )
    return made_up


async def change_own_password(
    session: AsyncSession, user: User, current: str, new: str, keep_session: int | None
) -> int:
    """The user's own change: the current password proves it is them; every other
    session of theirs ends (how many is answered). API tokens stay: they are revoked
    one by one, or all at once by an administrator."""
    ok = await anyio.to_thread.run_sync(verify_password, user.password_hash or None, current)
    if not ok:
        raise AccountError("the current password is wrong", 403)
    user.password_hash = await anyio.to_thread.run_sync(hash_password, new)
    user.must_change_password = False
    session.add(user)
    ended = await end_sessions(session, stored(user.id), keep=keep_session)
    audit(
        session,
        user_id=user.id,
        action="change_password",
        entity="user",
        entity_id=user.id,
        other_sessions_ended=ended,
    )
    return ended
