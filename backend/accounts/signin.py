"""A sign-in from the right password to an open session, through the steps that may
remain: the TOTP code, enrolling TOTP where the deployment requires it, and a new
password after an administrator's reset.

Between steps the browser holds a challenge token (a cookie); the database keeps its
hash, which user it is for, and how many wrong codes it has seen. Every step reads
the challenge again and asks `pending_step` what is left, so no step can be skipped
by calling a later one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import anyio
from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import SignInChallenge, User, UserSession
from backend.accounts.service import AccountError, sign_in
from backend.accounts.sessions import start_session
from backend.audit import audit
from backend.core.config import Settings
from backend.core.ids import stored
from backend.core.security import hash_password, new_token, token_hash
from backend.core.time import utcnow

CHALLENGE_MINUTES = 10  # time to find the phone, or to scan a QR code when enrolling
MAX_CODES_PER_CHALLENGE = 3


class Step(StrEnum):
    totp = "totp"  # type the code from the authenticator app (or a recovery code)
    enrol_totp = "enrol_totp"  # the deployment requires TOTP and this account has none
    change_password = "change_password"  # an administrator reset the password


@dataclass
class Outcome:
    """Where a sign-in stands: a step remains (`step`, and a new `challenge_token` to
    hand to the browser when one was just made), or a session is open."""

    user: User
    step: Step | None = None
    challenge_token: str | None = None
    session_token: str | None = None
    session_row: UserSession | None = None
    recovery_codes: list[str] | None = None


async def pending_step(
    session: AsyncSession, user: User, challenge: SignInChallenge, settings: Settings
) -> Step | None:
    from backend.mfa import service as mfa  # mfa builds on accounts, not the reverse

    if not challenge.mfa_done:
        if await mfa.has_totp(session, stored(user.id)):
            return Step.totp
        if settings.totp_required:
            return Step.enrol_totp
    if user.must_change_password:
        return Step.change_password
    return None


async def with_password(
    session: AsyncSession,
    email: str,
    password: str,
    ip: str,
    settings: Settings,
    replacing: str | None,
) -> Outcome:
    """The sign-in's first step as one unit of work: the password checked (a failure
    is counted and committed by `service.sign_in`), then a session or a challenge,
    committed."""
    user = await sign_in(session, email, password, ip)
    outcome = await after_password(session, user, settings, replacing)
    await session.commit()
    return outcome


async def after_password(
    session: AsyncSession, user: User, settings: Settings, replacing: str | None
) -> Outcome:
    """The password was right: a session, or a challenge for the next step."""
    challenge = SignInChallenge(
        user_id=stored(user.id),
        token_hash="",
        expires_at=utcnow() + timedelta(minutes=CHALLENGE_MINUTES),
    )
    step = await pending_step(session, user, challenge, settings)
    if step is None:
        token, row = await start_session(session, user, method="password", replacing=replacing)
        return Outcome(user, session_token=token, session_row=row)
    token = new_token()
    challenge.token_hash = token_hash(token)
    session.add(challenge)
    return Outcome(user, step, challenge_token=token)


async def load(session: AsyncSession, token: str | None) -> tuple[SignInChallenge, User]:
    """The challenge the browser's cookie names, while it is in force."""
    found = None
    if token:
        stmt = (
            select(SignInChallenge, User)
            .join(User, col(User.id) == SignInChallenge.user_id)
            .where(SignInChallenge.token_hash == token_hash(token))
        )
        found = (await session.exec(stmt)).first()
    if found is None or found[0].expires_at < utcnow() or not found[1].is_active:
        raise AccountError("this sign-in has expired or is already finished; sign in again", 401)
    return found


async def expect(
    session: AsyncSession, challenge: SignInChallenge, user: User, step: Step, settings: Settings
) -> None:
    """Refuses a step that is not the one this sign-in is at."""
    current = await pending_step(session, user, challenge, settings)
    if current != step:
        raise AccountError(f"this sign-in is not at that step; the next one is {current}", 409)


async def advance(
    session: AsyncSession,
    challenge: SignInChallenge,
    user: User,
    settings: Settings,
    replacing: str | None,
    method: str = "password",
) -> Outcome:
    """After a step succeeded: the next step, or the session (and the challenge ends)."""
    step = await pending_step(session, user, challenge, settings)
    if step is not None:
        session.add(challenge)
        return Outcome(user, step)
    await session.exec(delete(SignInChallenge).where(col(SignInChallenge.id) == challenge.id))
    token, row = await start_session(session, user, method=method, replacing=replacing)
    return Outcome(user, session_token=token, session_row=row)


async def wrong_code(session: AsyncSession, challenge: SignInChallenge) -> None:
    """Counts a wrong code against this sign-in; after MAX_CODES_PER_CHALLENGE the
    password must be given again."""
    challenge.attempts += 1
    if challenge.attempts >= MAX_CODES_PER_CHALLENGE:
        await session.exec(delete(SignInChallenge).where(col(SignInChallenge.id) == challenge.id))
    else:
        session.add(challenge)
    await session.commit()


async def set_new_password(
    session: AsyncSession,
    token: str | None,
    new_password: str,
    settings: Settings,
    replacing: str | None,
) -> Outcome:
    challenge, user = await load(session, token)
    await expect(session, challenge, user, Step.change_password, settings)
    user.password_hash = await anyio.to_thread.run_sync(hash_password, new_password)
    user.must_change_password = False
    session.add(user)
    audit(session, user_id=user.id, action="change_password", entity="user", entity_id=user.id)
    outcome = await advance(session, challenge, user, settings, replacing)
    await session.commit()
    return outcome
