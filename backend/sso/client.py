"""OpenID Connect relying party, authorization code flow with PKCE (RFC 7636), as
OpenID Connect Core 1.0 asks a confidential web client to do it:

- the provider's endpoints come from discovery, whose `issuer` must be the one
  configured, exactly;
- the ID token's signature is checked against the provider's JWKS (refetched once
  when a new key id shows up: providers rotate keys), with an asymmetric algorithm
  only (never `none`, never HMAC keyed by a public key); `iss`, `aud` (and `azp`
  when there are several audiences), `exp`, `iat` and our `nonce` are checked;
- claims missing from the ID token (many providers put email only in userinfo) are
  read from userinfo, whose `sub` must be the ID token's.
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from backend.core.config import Settings
from backend.core.security import same
from backend.errors import ServiceError

TIMEOUT = httpx.Timeout(10.0)
DISCOVERY_SECONDS = 3600
LEEWAY_SECONDS = 60  # clock difference tolerated on exp/iat
ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}


class OidcError(ServiceError):
    """The provider's answer cannot be trusted or used; the message says why."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message, status)


@dataclass
class _Cached:
    value: dict[str, Any]
    until: float


_discovery: dict[str, _Cached] = {}
_jwks: dict[str, _Cached] = {}


def _unreachable(exc: Exception) -> OidcError:
    return OidcError(f"the identity provider did not answer ({exc.__class__.__name__})", 502)


async def _get_json(url: str, **kwargs: Any) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            r = await http.get(url, **kwargs)
    except httpx.HTTPError as exc:
        raise _unreachable(exc) from exc
    if r.status_code != 200:
        raise OidcError(f"the identity provider answered {r.status_code} for {url}", 502)
    try:
        return r.json()
    except ValueError as exc:
        raise OidcError(f"the identity provider's {url} is not JSON", 502) from exc


async def discover(issuer: str) -> dict[str, Any]:
    cached = _discovery.get(issuer)
    if cached and cached.until > time.monotonic():
        return cached.value
    doc = await _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if doc.get("issuer") != issuer:
        raise OidcError(
            f"the provider calls itself {doc.get('issuer')!r}, not {issuer!r}: check OIDC_ISSUER",
            502,
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(doc.get(key), str):
            raise OidcError(f"the provider's discovery document has no {key}", 502)
    _discovery[issuer] = _Cached(doc, time.monotonic() + DISCOVERY_SECONDS)
    return doc


async def jwks(doc: dict[str, Any], *, refresh: bool = False) -> dict[str, Any]:
    uri = doc["jwks_uri"]
    cached = _jwks.get(uri)
    if cached and not refresh and cached.until > time.monotonic():
        return cached.value
    keys = await _get_json(uri)
    _jwks[uri] = _Cached(keys, time.monotonic() + DISCOVERY_SECONDS)
    return keys


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorization_url(
    doc: dict[str, Any],
    settings: Settings,
    redirect_uri: str,
    state: str,
    nonce: str,
    verifier: str,
) -> str:
    query = {
        "response_type": "code",
        "client_id": settings.oidc_client_id,
        "redirect_uri": redirect_uri,
        "scope": settings.oidc_scopes,
        "state": state,
        "nonce": nonce,
        "code_challenge": pkce_challenge(verifier),
        "code_challenge_method": "S256",
    }
    return f"{doc['authorization_endpoint']}?{urlencode(query)}"


async def exchange_code(
    doc: dict[str, Any], settings: Settings, code: str, redirect_uri: str, verifier: str
) -> dict[str, Any]:
    """The token endpoint's answer for an authorization code (client_secret_basic,
    or client_secret_post where the provider offers only that)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    client_id = settings.oidc_client_id or ""
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else ""
    methods = doc.get("token_endpoint_auth_methods_supported", ["client_secret_basic"])
    auth = None
    if "client_secret_basic" in methods:
        auth = httpx.BasicAuth(client_id, secret)
    else:
        form |= {"client_id": client_id, "client_secret": secret}
    # Without basic auth, httpx's own default (what None meant), typed as httpx takes it.
    how = auth or httpx.USE_CLIENT_DEFAULT
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            r = await http.post(doc["token_endpoint"], data=form, auth=how)
    except httpx.HTTPError as exc:
        raise _unreachable(exc) from exc
    body = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
    if r.status_code != 200 or "id_token" not in body:
        reason = body.get("error_description") or body.get("error") or f"HTTP {r.status_code}"
        raise OidcError(f"the identity provider refused the sign-in code: {reason}")
    return body


def _signing_key(keys: dict[str, Any], header: dict[str, Any]) -> jwt.PyJWK | None:
    candidates = [
        k for k in keys.get("keys", []) if k.get("use", "sig") == "sig" and k.get("kty") != "oct"
    ]
    kid = header.get("kid")
    if kid is not None:
        candidates = [k for k in candidates if k.get("kid") == kid]
    if len(candidates) != 1:
        return None
    return jwt.PyJWK(candidates[0], algorithm=header.get("alg"))


def validate_id_token(
    token: str, keys: dict[str, Any], *, issuer: str, client_id: str, nonce: str
) -> dict[str, Any]:
    """The ID token's claims, once every check of OIDC Core 3.1.3.7 we rely on passed."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise OidcError("the ID token is malformed") from exc
    if header.get("alg") not in ALGORITHMS:
        raise OidcError(f"the ID token's algorithm {header.get('alg')!r} is not accepted")
    key = _signing_key(keys, header)
    if key is None:
        raise OidcError("the ID token is signed with a key the provider does not publish")
    try:
        claims = jwt.decode(
            token,
            key=key.key,
            algorithms=[header["alg"]],
            audience=client_id,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise OidcError("the ID token has expired") from exc
    except jwt.PyJWTError as exc:
        raise OidcError(f"the ID token is not valid: {exc}") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise OidcError("the ID token was issued to another party (azp)")
    if not isinstance(claims.get("nonce"), str) or not same(claims["nonce"], nonce):
        raise OidcError("the ID token's nonce is not the one this sign-in sent")
    return claims


async def id_token_claims(
    doc: dict[str, Any], token: str, settings: Settings, nonce: str
) -> dict[str, Any]:
    """Validated claims; on an unknown key id the JWKS is fetched again once."""
    args = {"issuer": doc["issuer"], "client_id": settings.oidc_client_id or "", "nonce": nonce}
    try:
        return validate_id_token(token, await jwks(doc), **args)
    except OidcError as exc:
        if "key the provider does not publish" not in exc.message:
            raise
    return validate_id_token(token, await jwks(doc, refresh=True), **args)


async def userinfo(doc: dict[str, Any], access_token: str, subject: str) -> dict[str, Any]:
    endpoint = doc.get("userinfo_endpoint")
    if not endpoint or not access_token:
        return {}
    info = await _get_json(endpoint, headers={"Authorization": f"Bearer {access_token}"})
    if info.get("sub") != subject:
        raise OidcError("the provider's userinfo is about another person (sub differs)")
    return info
