"""Single sign-on: which provider account (issuer + subject) is which local account,
and the sign-ins in flight between leaving for the provider and coming back."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.core.time import UTCDateTime, utcnow


def _ts(nullable: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class UserIdentity(SQLModel, table=True):
    """A provider's account linked to a local one. The subject (`sub`) is the
    provider's stable id for the person; emails change and are never the link."""

    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_useridentity_subject"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    issuer: str = Field(max_length=300)
    subject: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=254)  # as the provider last said
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_used_at: dt.datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class UserIdentityPublic(SQLModel):
    id: int
    issuer: str
    email: str | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class OidcLogin(SQLModel, table=True):
    """One trip to the provider. The browser holds a random token in a cookie (only
    its hash is here): the answer is accepted only in the browser that left, with
    the state, nonce and PKCE verifier made for it; then the row is deleted."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    state: str = Field(max_length=100)
    nonce: str = Field(max_length=100)
    code_verifier: str = Field(max_length=128)
    link_user_id: int | None = Field(default=None, foreign_key="user.id")  # linking, not sign-in
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: dt.datetime = Field(sa_column=_ts())


class SsoOptions(SQLModel):
    """What the sign-in page needs to know (no secrets)."""

    enabled: bool
    display_name: str
