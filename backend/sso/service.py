"""Single sign-on use cases: leave for the provider, come back, and decide which
local account the provider's person is.

Who is who (in this order):
1. the provider's subject is linked to an account: that account (if active);
2. the person is linking from their signed-in account: link the subject to it;
3. OIDC_LINK_BY_EMAIL is on and the email is verified: link to the account with
   that email (never silently otherwise: an email is not proof of the same person);
4. OIDC_CREATE_ACCOUNTS is on and the verified email's domain is allowed: a new
   account with no password and no project;
5. otherwise refused, with what to do.
OIDC_ALLOWED_DOMAINS, when set, applies to every sign-in through the provider.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import User
from backend.accounts.service import user_by_email
from backend.audit import audit
from backend.core.config import Settings
from backend.core.ids import stored
from backend.core.security import new_token, same, token_hash
from backend.core.time import utcnow
from backend.sso import client
from backend.sso.client import OidcError
from backend.sso.models import OidcLogin, UserIdentity

TRIP_MINUTES = 10


def _require_enabled(settings: Settings) -> str:
    if not settings.oidc_enabled or not settings.oidc_issuer:
        raise OidcError("single sign-on is not set up on this server", 404)
    return settings.oidc_issuer


async def start(
    session: AsyncSession, settings: Settings, redirect_uri: str, link_user: User | None
) -> tuple[str, str]:
    """(the provider's authorization URL, the browser's trip token for a cookie)."""
    doc = await client.discover(_require_enabled(settings))
    await session.exec(delete(OidcLogin).where(col(OidcLogin.expires_at) < utcnow()))
    token = new_token()
    trip = OidcLogin(
        token_hash=token_hash(token),
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),  # 86 characters: RFC 7636 asks 43-128
        link_user_id=link_user.id if link_user else None,
        expires_at=utcnow() + timedelta(minutes=TRIP_MINUTES),
    )
    session.add(trip)
    url = client.authorization_url(
        doc, settings, redirect_uri, trip.state, trip.nonce, trip.code_verifier
    )
    return url, token


async def _take_trip(session: AsyncSession, token: str | None, state: str) -> OidcLogin:
    """The browser's trip, used up: it must exist, be fresh and carry this state."""
    trip = None
    if token:
        stmt = select(OidcLogin).where(OidcLogin.token_hash == token_hash(token))
        trip = (await session.exec(stmt)).first()
    if trip is None or trip.expires_at < utcnow():
        raise OidcError("this single sign-on attempt expired or started in another browser")
    await session.delete(trip)
    if not same(trip.state, state):
        raise OidcError("the provider's answer does not belong to this sign-in (state)")
    return trip


async def finish(
    session: AsyncSession,
    settings: Settings,
    params: dict[str, str],
    trip_token: str | None,
    redirect_uri: str,
) -> tuple[User, bool]:
    """The provider sent the browser back: (the account, whether this was linking)."""
    issuer = _require_enabled(settings)
    trip = await _take_trip(session, trip_token, params.get("state", ""))
    if "error" in params:
        reason = params.get("error_description") or params["error"]
        raise OidcError(f"the identity provider did not sign you in: {reason}")
    if "iss" in params and params["iss"] != issuer:  # RFC 9207: a mixed-up provider
        raise OidcError("the answer came from another identity provider")
    doc = await client.discover(issuer)
    tokens = await client.exchange_code(
        doc, settings, params.get("code", ""), redirect_uri, trip.code_verifier
    )
    claims = await client.id_token_claims(doc, tokens["id_token"], settings, trip.nonce)
    if "email" not in claims:
        extra = await client.userinfo(doc, tokens.get("access_token", ""), claims["sub"])
        claims = {**extra, **claims}
    link_user = await session.get(User, trip.link_user_id) if trip.link_user_id else None
    user = await resolve_account(session, settings, claims, link_user)
    return user, link_user is not None


def _trusted_email(claims: dict[str, Any], settings: Settings) -> str | None:
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    if settings.oidc_require_verified_email and claims.get("email_verified") is not True:
        return None
    return email.strip().lower()


def _check_domain(email: str | None, settings: Settings) -> None:
    domains = settings.allowed_domains
    if not domains:
        return
    if email is None:
        raise OidcError("the identity provider vouched for no email address", 403)
    if email.rsplit("@", 1)[1] not in domains:
        raise OidcError(f"accounts from {email.rsplit('@', 1)[1]} may not sign in here", 403)


async def resolve_account(
    session: AsyncSession, settings: Settings, claims: dict[str, Any], link_user: User | None
) -> User:
    issuer, subject = claims["iss"], claims["sub"]
    email = _trusted_email(claims, settings)
    _check_domain(email, settings)
    stmt = select(UserIdentity).where(
        UserIdentity.issuer == issuer, UserIdentity.subject == subject
    )
    identity = (await session.exec(stmt)).first()
    if link_user is not None:
        return await _link_signed_in(session, identity, link_user, claims)
    if identity is not None:
        user = await session.get(User, identity.user_id)
        if user is None or not user.is_active:
            raise OidcError("this account is deactivated; ask an administrator", 403)
        identity.last_used_at, identity.email = utcnow(), claims.get("email")
        session.add(identity)
        return user
    return await _first_sign_in(session, settings, claims, email)


async def _link_signed_in(
    session: AsyncSession, identity: UserIdentity | None, user: User, claims: dict[str, Any]
) -> User:
    if identity is not None and identity.user_id != user.id:
        raise OidcError("that sign-in is already linked to another account here", 409)
    if identity is None:
        await link(session, user, claims, how="signed_in")
    return user


async def _first_sign_in(
    session: AsyncSession, settings: Settings, claims: dict[str, Any], email: str | None
) -> User:
    existing = await user_by_email(session, email or str(claims.get("email", "")))
    if existing is not None:
        if settings.oidc_link_by_email and email is not None and existing.is_active:
            await link(session, existing, claims, how="email")
            return existing
        raise OidcError(
            "an account with this email exists here but is not linked to this sign-in: "
            "sign in with your password and link single sign-on from your account page",
            403,
        )
    if settings.oidc_create_accounts and email is not None:
        user = User(
            email=email, name=str(claims.get("name") or email.split("@")[0])[:200], password_hash=""
        )
        session.add(user)
        await session.flush()
        audit(session, user_id=None, action="create", entity="user", entity_id=user.id, via="oidc")
        await link(session, user, claims, how="new_account")
        return user
    raise OidcError("there is no account here for this sign-in; ask an administrator", 403)


async def link(session: AsyncSession, user: User, claims: dict[str, Any], how: str) -> None:
    identity = UserIdentity(
        user_id=stored(user.id),
        issuer=claims["iss"],
        subject=claims["sub"],
        email=claims.get("email"),
        last_used_at=utcnow(),
    )
    session.add(identity)
    await session.flush()
    audit(
        session,
        user_id=user.id,
        action="link_identity",
        entity="user",
        entity_id=user.id,
        issuer=identity.issuer,
        how=how,
    )


async def identities(session: AsyncSession, user_id: int) -> list[UserIdentity]:
    stmt = (
        select(UserIdentity).where(UserIdentity.user_id == user_id).order_by(col(UserIdentity.id))
    )
    return list((await session.exec(stmt)).all())


async def unlink(session: AsyncSession, user: User, identity_id: int, by: int | None) -> None:
    identity = await session.get(UserIdentity, identity_id)
    if identity is None or identity.user_id != user.id:
        raise OidcError(f"linked sign-in {identity_id} not found", 404)
    if not user.password_hash and len(await identities(session, user.id)) == 1:
        raise OidcError("this is the account's only way to sign in; set a password first", 409)
    await session.delete(identity)
    audit(
        session,
        user_id=by,
        action="unlink_identity",
        entity="user",
        entity_id=user.id,
        issuer=identity.issuer,
    )
