"""TOTP at sign-in (/api/auth/login/totp…) and for the signed-in user (/api/auth/totp…)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from backend.accounts import service as accounts
from backend.accounts.routes import SignInResult, answer
from backend.api.auth import CHALLENGE_COOKIE, SESSION_COOKIE, CurrentUser
from backend.api.deps import SessionDep, SettingsDep
from backend.api.errors import http_error
from backend.core.ids import stored
from backend.mfa import own, service, sign_in
from backend.mfa.models import (
    PasswordConfirm,
    RecoveryCodes,
    TotpCode,
    TotpEnrolment,
    TotpStatus,
)

router = APIRouter(prefix="/api/auth", tags=["accounts"])


@router.post("/login/totp", response_model=SignInResult)
async def login_code(
    body: TotpCode, request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> SignInResult:
    """The sign-in step after the password: a code from the app, or a recovery code."""
    try:
        outcome = await sign_in.with_code(
            session,
            request.cookies.get(CHALLENGE_COOKIE),
            body.code,
            settings,
            request.cookies.get(SESSION_COOKIE),
        )
    except accounts.AccountError as exc:
        raise http_error(exc) from exc
    return answer(outcome, response, settings)


@router.post("/login/totp/enrol", response_model=TotpEnrolment)
async def login_enrol(
    request: Request, session: SessionDep, settings: SettingsDep
) -> TotpEnrolment:
    """The deployment requires TOTP and this account has none: a secret to scan."""
    try:
        return await sign_in.begin_enrolment(
            session, request.cookies.get(CHALLENGE_COOKIE), settings
        )
    except accounts.AccountError as exc:
        raise http_error(exc) from exc


@router.post("/login/totp/confirm", response_model=SignInResult)
async def login_confirm(
    body: TotpCode, request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> SignInResult:
    """The first code from the app turns TOTP on; the answer carries the recovery codes."""
    try:
        outcome = await sign_in.confirm_enrolment(
            session,
            request.cookies.get(CHALLENGE_COOKIE),
            body.code,
            settings,
            request.cookies.get(SESSION_COOKIE),
        )
    except accounts.AccountError as exc:
        raise http_error(exc) from exc
    result = answer(outcome, response, settings)
    result.recovery_codes = outcome.recovery_codes  # also when a step remains
    return result


@router.get("/totp", response_model=TotpStatus)
async def totp_status(user: CurrentUser, session: SessionDep, settings: SettingsDep) -> TotpStatus:
    return TotpStatus(
        enabled=await service.has_totp(session, stored(user.id)),
        required=settings.totp_required,
        recovery_codes_left=await service.recovery_codes_left(session, stored(user.id)),
    )


@router.post("/totp/enrol", response_model=TotpEnrolment)
async def enrol(user: CurrentUser, session: SessionDep, settings: SettingsDep) -> TotpEnrolment:
    try:
        return await own.enrol(session, user, settings)
    except accounts.AccountError as exc:
        raise http_error(exc) from exc


@router.post("/totp/confirm", response_model=RecoveryCodes)
async def confirm(
    body: TotpCode, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> RecoveryCodes:
    try:
        return RecoveryCodes(codes=await own.confirm(session, user, body.code, settings))
    except accounts.AccountError as exc:
        raise http_error(exc) from exc


@router.post("/totp/recovery-codes", response_model=RecoveryCodes)
async def regenerate(
    body: TotpCode, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> RecoveryCodes:
    """A new set of recovery codes for a current code from the app; the old set ends."""
    try:
        codes = await own.new_recovery_codes(session, user, body.code, settings)
    except accounts.AccountError as exc:
        raise http_error(exc) from exc
    return RecoveryCodes(codes=codes)


@router.post("/totp/disable", status_code=204)
async def disable(
    body: PasswordConfirm, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> None:
    """Turns your second factor off; your password confirms it is you."""
    try:
        await own.disable(session, user, body.password, settings)
    except accounts.AccountError as exc:
        raise http_error(exc) from exc
