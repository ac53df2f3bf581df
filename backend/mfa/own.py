"""A signed-in user's own second factor, as units of work that commit: enrol, confirm,
new recovery codes, turn it off."""

from __future__ import annotations

import anyio
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.accounts.service import AccountError
from backend.core.config import Settings
from backend.core.security import verify_password
from backend.mfa import service
from backend.mfa.models import TotpEnrolment


async def enrol(session: AsyncSession, user: User, settings: Settings) -> TotpEnrolment:
    enrolment = await service.begin_enrolment(session, user, settings)
    await session.commit()
    return enrolment


async def confirm(session: AsyncSession, user: User, code: str, settings: Settings) -> list[str]:
    """The recovery codes, shown once."""
    codes = await service.confirm_enrolment(session, user, code, settings)
    await session.commit()
    return codes


async def new_recovery_codes(
    session: AsyncSession, user: User, code: str, settings: Settings
) -> list[str]:
    """For a current code from the app; the old set ends."""
    codes = await service.new_recovery_codes(session, user, code, settings)
    await session.commit()
    return codes


async def disable(session: AsyncSession, user: User, password: str, settings: Settings) -> None:
    """Turns the user's second factor off; their password confirms it is them."""
    if settings.totp_required:
        raise AccountError("this deployment requires a second factor", 409)
    right = await anyio.to_thread.run_sync(verify_password, user.password_hash or None, password)
    if not right:
        raise AccountError("the password is wrong", 403)
    await service.remove(session, user, by=user.id, action="disable_totp")
    await session.commit()
