"""/api/auth: sign in (and its remaining steps) and out, who am I, own password,
API tokens. Account administration is in `admin_routes`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import col, select

from backend.accounts import own, service, signin
from backend.accounts.models import ApiToken, ApiTokenPublic, PasswordChange, UserPublic
from backend.accounts.sessions import SESSION_DAYS
from backend.api.auth import CHALLENGE_COOKIE, CSRF_COOKIE, SESSION_COOKIE, CallerDep, CurrentUser
from backend.api.deps import Id, SessionDep, SettingsDep
from backend.api.errors import http_error
from backend.core.config import Settings

router = APIRouter(prefix="/api/auth", tags=["accounts"])


class Login(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)


class Me(BaseModel):
    user: UserPublic
    csrf_token: str | None  # send it back as X-CSRF-Token on unsafe requests


class SignInResult(BaseModel):
    """Signed in (`user` and `csrf_token`), or a step remains (`next`)."""

    user: UserPublic | None
    csrf_token: str | None
    next: signin.Step | None = None
    # Shown once, when TOTP enrolment at sign-in has just finished.
    recovery_codes: list[str] | None = None


class NewPassword(BaseModel):
    new_password: str = Field(min_length=10, max_length=200)


class PasswordChanged(BaseModel):
    other_sessions_ended: int


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    # Days until it stops working (default and maximum: the deployment's settings).
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class TokenCreated(BaseModel):
    token: str  # shown once; only its hash is stored
    info: ApiTokenPublic


class _Cookie(TypedDict):
    httponly: bool
    secure: bool
    path: str


def answer(outcome: signin.Outcome, response: Response, settings: Settings) -> SignInResult:
    """Cookies for where the sign-in stands, and what the sign-in page shows next."""
    cookie: _Cookie = {"httponly": True, "secure": settings.secure_cookies, "path": "/"}
    if outcome.challenge_token:
        # Strict: the challenge never travels with a request another site starts.
        response.set_cookie(
            CHALLENGE_COOKIE,
            outcome.challenge_token,
            max_age=signin.CHALLENGE_MINUTES * 60,
            samesite="strict",
            **cookie,
        )
    if outcome.session_row is None or outcome.session_token is None:
        return SignInResult(user=None, csrf_token=None, next=outcome.step)
    max_age = SESSION_DAYS * 86400
    response.set_cookie(
        SESSION_COOKIE, outcome.session_token, max_age=max_age, samesite="lax", **cookie
    )
    response.set_cookie(
        CSRF_COOKIE,
        outcome.session_row.csrf_token,
        max_age=max_age,
        samesite="lax",
        **(cookie | {"httponly": False}),  # the web app's script reads it
    )
    response.delete_cookie(CHALLENGE_COOKIE, path="/")
    return SignInResult(
        user=UserPublic.model_validate(outcome.user),
        csrf_token=outcome.session_row.csrf_token,
        recovery_codes=outcome.recovery_codes,
    )


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login", response_model=SignInResult)
async def login(
    body: Login, request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> SignInResult:
    try:
        outcome = await signin.with_password(
            session,
            body.email,
            body.password,
            client_ip(request),
            settings,
            request.cookies.get(SESSION_COOKIE),
        )
    except service.AccountError as exc:
        raise http_error(exc) from exc
    return answer(outcome, response, settings)


@router.post("/login/password", response_model=SignInResult)
async def login_new_password(
    body: NewPassword,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> SignInResult:
    """The step after an administrator's reset: choose a new password."""
    try:
        outcome = await signin.set_new_password(
            session,
            request.cookies.get(CHALLENGE_COOKIE),
            body.new_password,
            settings,
            request.cookies.get(SESSION_COOKIE),
        )
    except service.AccountError as exc:
        raise http_error(exc) from exc
    return answer(outcome, response, settings)


@router.post("/logout", status_code=204)
async def logout(who: CallerDep, response: Response, session: SessionDep) -> None:
    if who.browser_session is not None:
        await own.sign_out(session, who.browser_session)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.get("/me", response_model=Me)
async def me(who: CallerDep) -> Me:
    csrf = who.browser_session.csrf_token if who.browser_session else None
    return Me(user=UserPublic.model_validate(who.user), csrf_token=csrf)


@router.post("/password", response_model=PasswordChanged)
async def change_password(
    body: PasswordChange, who: CallerDep, session: SessionDep
) -> PasswordChanged:
    """Your own password; your other sessions end (this one stays)."""
    keep = who.browser_session.id if who.browser_session else None
    try:
        ended = await own.change_password(
            session, who.user, body.current_password, body.new_password, keep
        )
    except service.AccountError as exc:
        raise http_error(exc) from exc
    return PasswordChanged(other_sessions_ended=ended)


@router.get("/tokens", response_model=list[ApiTokenPublic])
async def list_tokens(user: CurrentUser, session: SessionDep) -> Sequence[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == user.id).order_by(col(ApiToken.id))
    return (await session.exec(stmt)).all()


@router.post("/tokens", response_model=TokenCreated, status_code=201)
async def create_token(
    body: TokenCreate, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> TokenCreated:
    try:
        row, token = await own.create_token(
            session, user, body.name, body.expires_in_days, settings
        )
    except service.AccountError as exc:
        raise http_error(exc) from exc
    return TokenCreated(token=token, info=ApiTokenPublic.model_validate(row))


@router.delete("/tokens/{token_id}", status_code=204)
async def revoke_token(token_id: Id, user: CurrentUser, session: SessionDep) -> None:
    try:
        await own.revoke_token(session, user, token_id)
    except service.AccountError as exc:
        raise HTTPException(exc.status, exc.message) from exc
