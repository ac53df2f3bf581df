"""A signed-in user's changes to their own account, as units of work: signing out,
changing the password, making and revoking API tokens. Each commits."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts import service
from backend.accounts.admin import change_own_password
from backend.accounts.models import ApiToken, User, UserSession
from backend.core.config import Settings


async def sign_out(session: AsyncSession, row: UserSession) -> None:
    await service.sign_out(session, row)
    await session.commit()


async def change_password(
    session: AsyncSession, user: User, current: str, new: str, keep_session: int | None
) -> int:
    """Returns how many of the user's other sessions ended."""
    ended = await change_own_password(session, user, current, new, keep_session)
    await session.commit()
    return ended


async def create_token(
    session: AsyncSession, user: User, name: str, days: int | None, settings: Settings
) -> tuple[ApiToken, str]:
    row, token = await service.create_token(session, user, name, days, settings)
    await session.commit()
    return row, token


async def revoke_token(session: AsyncSession, user: User, token_id: int) -> None:
    await service.revoke_token(session, user, token_id)
    await session.commit()
