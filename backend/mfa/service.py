"""TOTP second factor: enrol, confirm, check a code at sign-in, recovery codes,
turn off, and an administrator's reset. Every change is audited.

Rate limit: each code attempt is counted (atomically, and committed) *before* the
code is checked, so parallel guesses cannot outrun the count. An account gets
MAX_ATTEMPTS codes per WINDOW; a right code starts the count again.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, delete, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.accounts.service import AccountError
from backend.audit import audit
from backend.core import secret_box
from backend.core.config import Settings
from backend.core.ids import stored
from backend.core.security import token_hash
from backend.core.time import utcnow
from backend.mfa import totp
from backend.mfa.models import RecoveryCode, TotpEnrolment, UserTotp

MAX_ATTEMPTS = 5
WINDOW = timedelta(minutes=15)


async def _factor(session: AsyncSession, user_id: int) -> UserTotp | None:
    return (await session.exec(select(UserTotp).where(UserTotp.user_id == user_id))).first()


async def has_totp(session: AsyncSession, user_id: int) -> bool:
    factor = await _factor(session, user_id)
    return factor is not None and factor.confirmed_at is not None


async def begin_enrolment(session: AsyncSession, user: User, settings: Settings) -> TotpEnrolment:
    """A new secret for the authenticator app; it counts once a code confirms it."""
    factor = await _factor(session, stored(user.id))
    if factor is not None and factor.confirmed_at is not None:
        raise AccountError("a second factor is already on; turn it off first", 409)
    secret = totp.new_secret()
    if factor is None:
        factor = UserTotp(user_id=stored(user.id), secret="")
    factor.secret = secret_box.seal(settings, secret)
    factor.last_step = 0
    session.add(factor)
    uri = totp.provisioning_uri(secret, user.email)
    return TotpEnrolment(secret=secret, otpauth_uri=uri, qr_svg=totp.qr_data_uri(uri))


async def confirm_enrolment(
    session: AsyncSession, user: User, code: str, settings: Settings
) -> list[str]:
    """Turns the factor on with a first right code; answers the recovery codes."""
    factor = await _factor(session, stored(user.id))
    if factor is None or factor.confirmed_at is not None:
        raise AccountError("start the enrolment first", 409)
    await _count_attempt(session, stored(user.id))
    if not await _right_totp(session, factor, code, settings):
        raise AccountError("that code is not right; check the app's clock and try again", 401)
    factor.confirmed_at = utcnow()
    session.add(factor)
    codes = await _new_recovery_codes(session, stored(user.id))
    audit(session, user_id=user.id, action="enable_totp", entity="user", entity_id=user.id)
    return codes


async def check_code(session: AsyncSession, user: User, code: str, settings: Settings) -> str:
    """Accepts a TOTP or an unused recovery code of a user with TOTP on: the method
    ("totp" or "recovery_code"); refuses (401, or 429 past the limit) otherwise."""
    factor = await _factor(session, stored(user.id))
    if factor is None or factor.confirmed_at is None:
        raise AccountError("this account has no second factor", 409)
    await _count_attempt(session, stored(user.id))
    if totp.looks_like_totp(code):
        if await _right_totp(session, factor, code, settings):
            return "totp"
    elif await _use_recovery_code(session, stored(user.id), code):
        audit(
            session, user_id=user.id, action="use_recovery_code", entity="user", entity_id=user.id
        )
        return "recovery_code"
    raise AccountError("wrong code", 401)


async def _right_totp(
    session: AsyncSession, factor: UserTotp, code: str, settings: Settings
) -> bool:
    try:
        secret = secret_box.unseal(settings, factor.secret)
    except secret_box.SecretUnreadable as exc:
        raise AccountError(
            "this second factor cannot be read (the server's secret key changed): "
            "ask an administrator to reset it",
            409,
        ) from exc
    step = totp.accepted_step(secret, code, factor.last_step)
    if step is None:
        return False
    # Only if no parallel request took this step first: a code is good once.
    taken = await session.exec(
        update(UserTotp)
        .where(col(UserTotp.id) == factor.id, col(UserTotp.last_step) < step)
        .values(last_step=step, attempts=0, window_start=None)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(factor)
    return taken.rowcount == 1


async def _count_attempt(session: AsyncSession, user_id: int) -> None:
    """Counts one code attempt, committed before the code is looked at."""
    now = utcnow()
    fresh = or_(col(UserTotp.window_start).is_(None), col(UserTotp.window_start) < now - WINDOW)
    counted = await session.exec(
        update(UserTotp)
        .where(col(UserTotp.user_id) == user_id, or_(fresh, col(UserTotp.attempts) < MAX_ATTEMPTS))
        .values(
            attempts=case((fresh, 1), else_=UserTotp.attempts + 1),
            window_start=case((fresh, now), else_=UserTotp.window_start),
        )
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    if counted.rowcount == 0:
        raise AccountError(
            f"too many codes tried; wait {int(WINDOW.total_seconds() // 60)} minutes", 429
        )


async def _new_recovery_codes(session: AsyncSession, user_id: int) -> list[str]:
    await session.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    codes = totp.new_recovery_codes()
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=token_hash(code)))
    return codes


async def _use_recovery_code(session: AsyncSession, user_id: int, code: str) -> bool:
    """Spends the code if it is this user's and unused (once, even in parallel)."""
    spent = await session.exec(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.user_id) == user_id,
            col(RecoveryCode.code_hash) == token_hash(totp.normalise_recovery_code(code)),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=utcnow())
    )
    return spent.rowcount == 1


async def new_recovery_codes(
    session: AsyncSession, user: User, code: str, settings: Settings
) -> list[str]:
    """A fresh set (the old ones stop working), for a current TOTP code."""
    if await check_code(session, user, code, settings) != "totp":
        raise AccountError("use a code from the app, not a recovery code", 400)
    codes = await _new_recovery_codes(session, stored(user.id))
    audit(session, user_id=user.id, action="new_recovery_codes", entity="user", entity_id=user.id)
    return codes


async def recovery_codes_left(session: AsyncSession, user_id: int) -> int:
    stmt = (
        select(func.count())
        .select_from(RecoveryCode)
        .where(col(RecoveryCode.user_id) == user_id, col(RecoveryCode.used_at).is_(None))
    )
    return (await session.exec(stmt)).one()


async def remove(session: AsyncSession, user: User, by: int | None, action: str) -> bool:
    """Turns the factor off (the user's "disable_totp", an admin's "reset_totp")."""
    removed = await session.exec(delete(UserTotp).where(col(UserTotp.user_id) == user.id))
    await session.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    if removed.rowcount:
        audit(session, user_id=by, action=action, entity="user", entity_id=user.id)
    return bool(removed.rowcount)


async def users_with_totp(session: AsyncSession, user_ids: list[int]) -> set[int]:
    stmt = select(UserTotp.user_id).where(
        col(UserTotp.user_id).in_(user_ids), col(UserTotp.confirmed_at).is_not(None)
    )
    return set((await session.exec(stmt)).all())
