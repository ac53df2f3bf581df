"""The TOTP second factor of a password account, and its one-time recovery codes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from backend.core.time import UTCDateTime, utcnow


def _ts(nullable: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class UserTotp(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True, index=True)
    secret: str = Field(max_length=300)  # encrypted (core.secret_box), never sent back
    # None while enrolling: the factor counts once a code from the app confirms it.
    confirmed_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    # The last time step a code was accepted for: a code is never accepted twice.
    last_step: int = 0
    # Code attempts in the current window (rate limit, see mfa.service).
    attempts: int = 0
    window_start: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())


class RecoveryCode(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    code_hash: str = Field(max_length=64, unique=True, index=True)  # SHA-256; 80-bit codes
    used_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class TotpEnrolment(SQLModel):
    """What an authenticator app needs: scan `qr_svg`, or type `secret`."""

    secret: str
    otpauth_uri: str
    qr_svg: str  # an SVG image as a data: URI


class TotpCode(SQLModel):
    # Six digits from the app, or a recovery code (xxxx-xxxx-xxxx-xxxx).
    code: str = Field(min_length=1, max_length=40)


class PasswordConfirm(SQLModel):
    password: str = Field(max_length=200)


class RecoveryCodes(SQLModel):
    codes: list[str]  # shown once; only their hashes are kept


class TotpStatus(SQLModel):
    enabled: bool
    required: bool  # the deployment requires it (it cannot be turned off)
    recovery_codes_left: int
