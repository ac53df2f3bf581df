"""/api/auth (sign in and out, who am I, API tokens) and /api/users (account admin)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import select

from backend.accounts import service
from backend.accounts.models import (
    ApiToken,
    ApiTokenPublic,
    User,
    UserCreate,
    UserPublic,
)
from backend.api.auth import CSRF_COOKIE, SESSION_COOKIE, CallerDep, CurrentUser
from backend.api.deps import Id, SessionDep, SettingsDep
from backend.api.errors import http_error
from backend.core.time import utcnow

router = APIRouter(prefix="/api", tags=["accounts"])


class Login(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)


class Me(BaseModel):
    user: UserPublic
    csrf_token: str | None  # send it back as X-CSRF-Token on unsafe requests


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class TokenCreated(BaseModel):
    token: str  # shown once; only its hash is stored
    info: ApiTokenPublic


@router.post("/auth/login", response_model=Me)
async def login(
    body: Login, request: Request, response: Response, session: SessionDep, settings: SettingsDep
):
    ip = request.client.host if request.client else "unknown"
    try:
        user, token, row = await service.sign_in(session, body.email, body.password, ip)
    except service.AccountError as exc:
        raise http_error(exc) from exc
    await session.commit()
    max_age = service.SESSION_DAYS * 86400
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE,
        row.csrf_token,
        max_age=max_age,
        httponly=False,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return Me(user=UserPublic.model_validate(user), csrf_token=row.csrf_token)


@router.post("/auth/logout", status_code=204)
async def logout(who: CallerDep, response: Response, session: SessionDep):
    if who.browser_session is not None:
        await service.sign_out(session, who.browser_session)
        await session.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.get("/auth/me", response_model=Me)
async def me(who: CallerDep):
    csrf = who.browser_session.csrf_token if who.browser_session else None
    return Me(user=UserPublic.model_validate(who.user), csrf_token=csrf)


@router.get("/auth/tokens", response_model=list[ApiTokenPublic])
async def list_tokens(user: CurrentUser, session: SessionDep):
    stmt = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    return (await session.exec(stmt)).all()


@router.post("/auth/tokens", response_model=TokenCreated, status_code=201)
async def create_token(body: TokenCreate, user: CurrentUser, session: SessionDep):
    row, token = await service.create_token(session, user, body.name)
    await session.commit()
    return TokenCreated(token=token, info=ApiTokenPublic.model_validate(row))


@router.delete("/auth/tokens/{token_id}", status_code=204)
async def revoke_token(token_id: Id, user: CurrentUser, session: SessionDep):
    row = await session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise HTTPException(404, f"token {token_id} not found")
    row.revoked_at = row.revoked_at or utcnow()
    session.add(row)
    await session.commit()


def _require_admin(user: User) -> None:
    if not service.is_admin(user):
        raise HTTPException(403, "only account administrators manage accounts")


@router.get("/users", response_model=list[UserPublic])
async def list_users(user: CurrentUser, session: SessionDep, response: Response):
    _require_admin(user)
    rows = (await session.exec(select(User).order_by(User.id))).all()
    response.headers["Content-Range"] = f"users 0-{max(len(rows) - 1, 0)}/{len(rows)}"
    return rows


@router.post("/users", response_model=UserPublic, status_code=201)
async def create_user(body: UserCreate, user: CurrentUser, session: SessionDep):
    _require_admin(user)
    try:
        created = await service.create_user(session, body, by=user.id)
    except service.AccountError as exc:
        raise http_error(exc) from exc
    await session.commit()
    return created
