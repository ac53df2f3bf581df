"""/api/auth/oidc: sign in (or link an account) through the OpenID provider.

The browser goes to /start, is sent to the provider, and comes back to /callback;
both are page navigations, so they answer with redirects. Failures come back to the
sign-in page as `/login?sso_error=<what happened>`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from backend.accounts.routes import answer
from backend.accounts.service import session_user
from backend.api.auth import SESSION_COOKIE, CurrentUser
from backend.api.deps import Id, SessionDep, SettingsDep
from backend.core.config import Settings
from backend.core.ids import stored
from backend.sso import service, sign_in
from backend.sso.client import OidcError
from backend.sso.models import SsoOptions, UserIdentity, UserIdentityPublic

router = APIRouter(prefix="/api/auth", tags=["accounts"])
TRIP_COOKIE = "ew_oidc"
MAX_PARAM = 4096


def redirect_uri(request: Request, settings: Settings) -> str:
    return settings.oidc_redirect_url or str(request.url_for("oidc_callback"))


@router.get("/oidc", response_model=SsoOptions)
async def options(settings: SettingsDep) -> SsoOptions:
    """Whether the sign-in page offers single sign-on, and under what name."""
    return SsoOptions(enabled=settings.oidc_enabled, display_name=settings.oidc_display_name)


@router.get("/oidc/start", response_class=RedirectResponse, status_code=302)
async def start(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    link: bool = Query(False, description="link the provider to the signed-in account"),
) -> RedirectResponse:
    link_user = None
    if link:
        cookie = request.cookies.get(SESSION_COOKIE)
        found = await session_user(session, cookie) if cookie else None
        if found is None:
            raise HTTPException(401, "sign in first to link single sign-on to your account")
        link_user = found[0]
    try:
        url, token = await sign_in.begin(
            session, settings, redirect_uri(request, settings), link_user
        )
    except OidcError as exc:
        return _to_login(exc.message)
    response = RedirectResponse(url, status_code=302)
    # Lax, not strict: the provider's redirect back is a top-level navigation from
    # another site, and this cookie must come with it.
    response.set_cookie(
        TRIP_COOKIE,
        token,
        max_age=service.TRIP_MINUTES * 60,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/api/auth/oidc",
    )
    return response


@router.get("/oidc/callback", response_class=RedirectResponse, status_code=302)
async def oidc_callback(
    request: Request, session: SessionDep, settings: SettingsDep
) -> RedirectResponse:
    params = {k: v[:MAX_PARAM] for k, v in request.query_params.items()}
    try:
        outcome = await sign_in.complete(
            session,
            settings,
            params,
            request.cookies.get(TRIP_COOKIE),
            redirect_uri(request, settings),
            request.cookies.get(SESSION_COOKIE),
        )
    except OidcError as exc:
        response = _to_login(exc.message)
        response.delete_cookie(TRIP_COOKIE, path="/api/auth/oidc")
        return response
    if outcome is None:  # the provider was linked to the signed-in account
        response = RedirectResponse("/account?linked=1", status_code=302)
    else:
        response = RedirectResponse("/", status_code=302)
        answer(outcome, response, settings)
    response.delete_cookie(TRIP_COOKIE, path="/api/auth/oidc")
    return response


def _to_login(message: str) -> RedirectResponse:
    return RedirectResponse("/login?" + urlencode({"sso_error": message}), status_code=302)


@router.get("/identities", response_model=list[UserIdentityPublic])
async def my_identities(user: CurrentUser, session: SessionDep) -> list[UserIdentity]:
    """The provider accounts linked to yours."""
    return await service.identities(session, stored(user.id))


@router.delete("/identities/{identity_id}", status_code=204)
async def unlink(identity_id: Id, user: CurrentUser, session: SessionDep) -> None:
    try:
        await sign_in.unlink(session, user, identity_id)
    except OidcError as exc:
        raise HTTPException(exc.status, exc.message) from exc
