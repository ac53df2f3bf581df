"""Single sign-on as units of work: the trip out to the provider, the trip back (a
session, or an identity linked), unlinking. Each commits; a refused trip back is
committed too, so a trip is used once whatever happens."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.accounts.sessions import start_session
from backend.accounts.signin import Outcome
from backend.core.config import Settings
from backend.sso import service
from backend.sso.client import OidcError


async def begin(
    session: AsyncSession, settings: Settings, redirect_uri: str, link_user: User | None
) -> tuple[str, str]:
    """(the provider's authorization URL, the browser's trip token for a cookie)."""
    url, token = await service.start(session, settings, redirect_uri, link_user)
    await session.commit()
    return url, token


async def complete(
    session: AsyncSession,
    settings: Settings,
    params: dict[str, str],
    trip_token: str | None,
    redirect_uri: str,
    replacing: str | None,
) -> Outcome | None:
    """The provider sent the browser back: the new session's outcome, or None when
    this trip linked the provider to the signed-in account."""
    try:
        user, linking = await service.finish(session, settings, params, trip_token, redirect_uri)
    except OidcError:
        await session.commit()  # the trip is used up even when refused
        raise
    outcome = None
    if not linking:
        token, row = await start_session(session, user, method="oidc", replacing=replacing)
        outcome = Outcome(user, session_token=token, session_row=row)
    await session.commit()
    return outcome


async def unlink(session: AsyncSession, user: User, identity_id: int) -> None:
    await service.unlink(session, user, identity_id, by=user.id)
    await session.commit()
