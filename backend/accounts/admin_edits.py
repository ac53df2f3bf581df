"""An account administrator's changes to accounts, as units of work: each writes
through `admin`, `service` or `mfa.service` (with its audit entry) and commits. The
command line (`accounts/command.py`) uses the same building blocks in its own
transactions."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts import admin, service
from backend.accounts.models import AccessRevoked, User, UserCreate, UserUpdate
from backend.mfa import service as mfa


async def create_user(session: AsyncSession, data: UserCreate, by: int) -> User:
    created = await service.create_user(session, data, by=by)
    await session.commit()
    return created


async def update_user(session: AsyncSession, target: User, data: UserUpdate, by: int) -> User:
    """Rename, change the role, deactivate (sessions and tokens end) or reactivate."""
    changed = await admin.update_user(session, target, data, by=by)
    await session.commit()
    return changed


async def reset_password(
    session: AsyncSession, target: User, password: str | None, by: int
) -> str | None:
    """The temporary password when it was made up here (answered once)."""
    made_up = await admin.reset_password(session, target, password, by=by)
    await session.commit()
    return made_up


async def revoke_access(session: AsyncSession, target: User, by: int) -> AccessRevoked:
    revoked = await admin.revoke_access(session, target, by=by)
    await session.commit()
    return revoked


async def reset_totp(session: AsyncSession, target: User, by: int) -> bool:
    """False when the account has no second factor (nothing written)."""
    removed = await mfa.remove(session, target, by=by, action="reset_totp")
    if removed:
        await session.commit()
    return removed
