"""The TOTP steps of a sign-in (`accounts.signin` walks the steps), each one unit of
work that commits: a code (or recovery code), or enrolling where the deployment
requires a second factor. A wrong code is counted and committed before the refusal."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts import signin
from backend.accounts.models import SignInChallenge, User
from backend.accounts.service import AccountError
from backend.core.config import Settings
from backend.mfa import service
from backend.mfa.models import TotpEnrolment


async def _at(
    session: AsyncSession, challenge_token: str | None, step: signin.Step, settings: Settings
) -> tuple[SignInChallenge, User]:
    """The browser's sign-in, which must be at `step`."""
    challenge, user = await signin.load(session, challenge_token)
    await signin.expect(session, challenge, user, step, settings)
    return challenge, user


async def _factor_done(
    session: AsyncSession,
    challenge: SignInChallenge,
    user: User,
    settings: Settings,
    replacing: str | None,
    method: str,
) -> signin.Outcome:
    challenge.mfa_done = True
    outcome = await signin.advance(session, challenge, user, settings, replacing, method=method)
    await session.commit()
    return outcome


async def with_code(
    session: AsyncSession,
    challenge_token: str | None,
    code: str,
    settings: Settings,
    replacing: str | None,
) -> signin.Outcome:
    """The step after the password: a code from the app, or a recovery code."""
    challenge, user = await _at(session, challenge_token, signin.Step.totp, settings)
    try:
        method = await service.check_code(session, user, code, settings)
    except AccountError as exc:
        if exc.status == 401:
            await signin.wrong_code(session, challenge)
        raise
    return await _factor_done(session, challenge, user, settings, replacing, f"password+{method}")


async def begin_enrolment(
    session: AsyncSession, challenge_token: str | None, settings: Settings
) -> TotpEnrolment:
    """The deployment requires TOTP and this account has none: a secret to scan."""
    _, user = await _at(session, challenge_token, signin.Step.enrol_totp, settings)
    enrolment = await service.begin_enrolment(session, user, settings)
    await session.commit()
    return enrolment


async def confirm_enrolment(
    session: AsyncSession,
    challenge_token: str | None,
    code: str,
    settings: Settings,
    replacing: str | None,
) -> signin.Outcome:
    """The first code from the app turns TOTP on; the outcome carries the recovery codes."""
    challenge, user = await _at(session, challenge_token, signin.Step.enrol_totp, settings)
    codes = await service.confirm_enrolment(session, user, code, settings)
    outcome = await _factor_done(session, challenge, user, settings, replacing, "password+totp")
    outcome.recovery_codes = codes
    return outcome
