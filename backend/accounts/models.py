"""Accounts: users, browser sessions, API tokens and login attempts.

Secrets are stored only as hashes: argon2 for passwords, SHA-256 for session and
API tokens (they are long random strings, so a fast hash is enough).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from backend.core.time import UTCDateTime, utcnow


def _ts(nullable: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class GlobalRole(StrEnum):
    admin = "admin"  # manages accounts
    user = "user"


class UserBase(SQLModel):
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    role: GlobalRole = GlobalRole.user
    is_active: bool = True


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=200)  # "" for accounts that only use SSO
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())
    # Set by an administrator's password reset: the next sign-in asks for a new one.
    must_change_password: bool = False


EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"  # real checking is the invitation email's job


class UserCreate(SQLModel):
    email: str = Field(max_length=254)
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=10, max_length=200)
    role: GlobalRole = GlobalRole.user

    @field_validator("email")
    @classmethod
    def _looks_like_email(cls, value: str) -> str:
        if not re.match(EMAIL_PATTERN, value.strip()):
            raise ValueError("must look like name@example.org")
        return value.strip().lower()


class UserPublic(SQLModel):
    id: int
    email: str
    name: str
    role: GlobalRole
    is_active: bool


class UserAdminPublic(UserPublic):
    """What an account administrator sees of an account."""

    created_at: dt.datetime
    must_change_password: bool
    has_password: bool  # False for accounts that only sign in through SSO
    totp_enabled: bool
    sessions: int  # open browser sessions
    tokens: int  # API tokens neither revoked nor expired


class UserUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: GlobalRole | None = None
    is_active: bool | None = None  # False deactivates: sessions and tokens end too


class PasswordReset(SQLModel):
    # Empty: the server makes one up and answers it once.
    password: str | None = Field(default=None, min_length=10, max_length=200)


class PasswordResetDone(SQLModel):
    temporary_password: str | None  # only when the server made it up


class PasswordChange(SQLModel):
    current_password: str = Field(max_length=200)
    new_password: str = Field(min_length=10, max_length=200)


class AccessRevoked(SQLModel):
    sessions: int
    tokens: int


class UserSession(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: dt.datetime = Field(sa_column=_ts())


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=12)  # shown in lists so a token can be recognised
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_used_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    revoked_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    expires_at: dt.datetime = Field(sa_column=_ts())


class ApiTokenPublic(SQLModel):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    expires_at: dt.datetime


class SignInChallenge(SQLModel, table=True):
    """A sign-in half done: the password was right and a step remains (the second
    factor, enrolling one, a new password). The browser holds its token in a cookie;
    only the token's hash is stored. Short-lived and single-use."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    mfa_done: bool = False
    attempts: int = 0  # wrong codes against this challenge
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: dt.datetime = Field(sa_column=_ts())


class LoginAttempt(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    ip: str = Field(max_length=64, index=True)
    succeeded: bool
    at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())


class SignInThrottle(SQLModel, table=True):
    """A sign-in attempt counter (backend/accounts/throttle.py); times in epoch seconds."""

    key: str = Field(primary_key=True, max_length=400)  # "account:<ip>:<email>", "address:<ip>"
    attempts: int
    last_at: float
    next_at: float  # no attempt is checked before this
