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
    password_hash: str = Field(max_length=200)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())


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


class ApiTokenPublic(SQLModel):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class LoginAttempt(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    ip: str = Field(max_length=64, index=True)
    succeeded: bool
    at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())
