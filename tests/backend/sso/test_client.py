"""ID token checks, each against a token that breaks exactly one rule (signed here
with keys made for the test; the whole flow against a real provider is test_flow)."""

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from backend.sso.client import OidcError, validate_id_token

ISSUER = "https://login.example.test/tenant/v2.0"
CLIENT = "workbench"
NONCE = "n-0S6_WzA2Mj"


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY, OTHER_KEY = _key(), _key()


def _jwks(key, kid="k1") -> dict:
    public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**public, "kid": kid, "use": "sig", "alg": "RS256"}]}


def _token(key=KEY, kid="k1", alg="RS256", **changes) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "person-1",
        "aud": CLIENT,
        "exp": now + 300,
        "iat": now,
        "nonce": NONCE,
        **changes,
    }
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def _check(token: str, keys: dict | None = None) -> dict:
    return validate_id_token(
        token, keys or _jwks(KEY), issuer=ISSUER, client_id=CLIENT, nonce=NONCE
    )


def test_a_good_token_gives_its_claims():
    assert _check(_token())["sub"] == "person-1"
    assert _check(_token(aud=[CLIENT, "api"], azp=CLIENT))["sub"] == "person-1"


# Tokens are made when the test runs, not at collection: the PostgreSQL suite may
# start minutes after collection, by which time a token made then has expired.
@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda: _token(iss="https://evil.example.test"), "issuer"),
        (lambda: _token(aud="someone-else"), "(?i)audience"),
        (lambda: _token(aud=[CLIENT, "api"]), "azp"),
        (lambda: _token(exp=int(time.time()) - 120), "expired"),
        (lambda: _token(nonce="replayed"), "nonce"),
        (lambda: _token(nonce=None), "nonce"),
        (lambda: _token(sub=None), "sub"),
        (lambda: _token(key=OTHER_KEY), "Signature"),
        (lambda: _token(kid="unknown"), "does not publish"),
        (lambda: "not.a.token", "malformed"),
    ],
)
def test_a_token_breaking_one_rule_is_refused(make, why):
    with pytest.raises(OidcError, match=why):
        _check(make())


def test_unsigned_and_hmac_tokens_are_refused():
    unsigned = jwt.encode({"iss": ISSUER, "sub": "x", "aud": CLIENT}, None, algorithm="none")
    with pytest.raises(OidcError, match="algorithm 'none'"):
        _check(unsigned)
    # The public key used as an HMAC secret (algorithm confusion).
    pem = KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    forged = _hmac_token(pem)
    with pytest.raises(OidcError, match="HS256"):
        _check(forged)


def _hmac_token(secret: bytes) -> str:
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "kid": "k1"}).encode())
    body = b64(json.dumps({"iss": ISSUER, "sub": "x", "aud": CLIENT, "nonce": NONCE}).encode())
    signature = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64(signature)}"
