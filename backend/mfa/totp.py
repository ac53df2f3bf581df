"""RFC 6238 TOTP (30 s steps, 6 digits, SHA-1: what every authenticator app reads)
and the recovery codes, with no database in sight."""

from __future__ import annotations

import hmac
import re
import secrets
import time

import pyotp
import segno

ISSUER = "Evidence Workbench"
DRIFT_STEPS = 1  # a code from the step before or after is accepted (clock drift)
RECOVERY_CODES = 10
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def accepted_step(secret: str, code: str, last_step: int, now: float | None = None) -> int | None:
    """The time step `code` belongs to, if it is right and newer than `last_step`."""
    code = re.sub(r"\s", "", code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now if now is not None else time.time())
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if step > last_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def looks_like_totp(code: str) -> bool:
    return re.fullmatch(r"\d{6}", re.sub(r"\s", "", code)) is not None


def new_recovery_codes() -> list[str]:
    """Ten codes of 16 characters from a 31-letter alphabet (79 bits each)."""
    return [
        "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(4))
        for _ in range(RECOVERY_CODES)
    ]


def normalise_recovery_code(code: str) -> str:
    """As typed (any case, spaces or dashes) to the stored form."""
    bare = re.sub(r"[\s-]", "", code.lower())
    return "-".join(bare[i : i + 4] for i in range(0, len(bare), 4))
