"""Settings, read once from the environment (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    evidence_data_dir: Path = Field(default=Path("./data"))
    database_url: str | None = None
    # Embedded, no server to run: "tantivy" (the search store's tables in SQLite, its
    # text index in tantivy beside the database: top-k ranking, so it stays fast at a
    # million passages) or "sqlite" (the same tables with SQLite FTS5, which scores
    # every match; its proximity is FTS5's NEAR for any number of words). Or an
    # "elasticsearch" node or cluster. README, "The search engines".
    search_engine: Literal["sqlite", "tantivy", "elasticsearch"] = "tantivy"
    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_index_prefix: str = "evidence"
    # An existing cluster (README: "Elasticsearch cluster"): an API key (the encoded
    # form Elasticsearch returns), a PEM file of the authority that signed its TLS
    # certificate when it is not a public one, and the index layout.
    elasticsearch_api_key: SecretStr | None = None
    elasticsearch_ca_certs: Path | None = None
    elasticsearch_shards: int = Field(default=1, ge=1, le=1024)
    elasticsearch_replicas: int = Field(default=0, ge=0, le=16)
    max_upload_mb: int = 200
    # A zip container (DOCX, PPTX, XLSX) may not expand beyond this: zip bombs.
    max_unzipped_mb: int = 500
    passage_max_chars: int = 1500
    # The embedding model for semantic and hybrid search (search/vectors/embedder.py
    # MODELS), or "off": no vectors are made and only lexical search answers.
    embedding_model: str = "minilm-l6-int8"
    job_lease_seconds: int = 600
    job_max_attempts: int = 3
    # Addresses (or networks, e.g. 172.18.0.0/16) of the reverse proxies in front of the
    # app, comma-separated: only their X-Forwarded-For / X-Forwarded-Proto are believed.
    trusted_proxies: str = ""
    # Send cookies only over HTTPS; turn on behind a TLS proxy (team deployment).
    secure_cookies: bool = False
    # The web app's static build; the default is the checkout's web/dist (an installed
    # package, as in the Docker image, sets it: see Dockerfile).
    web_dist: Path = Field(default=Path(__file__).resolve().parents[2] / "web" / "dist")

    # --- Accounts, second factor and single sign-on (README: "Accounts and sign-in") ---
    # API tokens expire: the lifetime when none is asked for, and the longest allowed.
    api_token_default_days: int = Field(default=90, ge=1, le=3650)
    api_token_max_days: int = Field(default=365, ge=1, le=3650)
    # Every password account must use a TOTP second factor; one without is made to
    # enrol at its next sign-in.
    totp_required: bool = False
    # Encrypts TOTP secrets at rest. Default: a key file made in the data folder on
    # first use (back it up with the database, or the second factors are lost).
    secret_key: SecretStr | None = None
    # OpenID Connect (Microsoft Entra ID, NHS Identity, ...): on when issuer and client
    # are set. The redirect URL to register is <public URL>/api/auth/oidc/callback.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid email profile"
    oidc_display_name: str = "single sign-on"
    # Comma-separated email domains allowed to sign in through the provider (empty: any
    # the provider vouches for). Account creation needs this list.
    oidc_allowed_domains: str = ""
    # Create an account on a first sign-in from an allowed domain (verified email only).
    oidc_create_accounts: bool = False
    # Link a first sign-in to the existing account with the same (verified) email.
    # Off by default: linking is otherwise done by the signed-in user, explicitly.
    oidc_link_by_email: bool = False
    # Entra ID sends no email_verified claim; a single-tenant issuer vouches for its
    # own addresses, so such a deployment may turn this off (README).
    oidc_require_verified_email: bool = True
    # The callback URL as the browser sees it, when a proxy hides it from the app.
    oidc_redirect_url: str | None = None

    @model_validator(mode="after")
    def _consistent_accounts(self) -> Settings:
        if self.api_token_default_days > self.api_token_max_days:
            raise ValueError("API_TOKEN_DEFAULT_DAYS is longer than API_TOKEN_MAX_DAYS")
        if self.oidc_create_accounts and not self.allowed_domains:
            raise ValueError("OIDC_CREATE_ACCOUNTS needs OIDC_ALLOWED_DOMAINS")
        return self

    @property
    def allowed_domains(self) -> list[str]:
        return [d.strip().lower() for d in self.oidc_allowed_domains.split(",") if d.strip()]

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def data_dir(self) -> Path:
        return self.evidence_data_dir.expanduser().resolve()

    @property
    def originals_dir(self) -> Path:
        return self.data_dir / "originals"

    @property
    def async_database_url(self) -> str:
        """The URL the app uses; drivers are chosen so both engines are async."""
        url = self.database_url or f"sqlite:///{self.data_dir / 'evidence.db'}"
        if url.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
        for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url.removeprefix(prefix)
        return url

    @property
    def sync_database_url(self) -> str:
        """For Alembic, which runs migrations synchronously."""
        return self.async_database_url.replace("sqlite+aiosqlite://", "sqlite://")

    @property
    def sqlite_path(self) -> Path | None:
        url = self.async_database_url
        if url.startswith("sqlite+aiosqlite:///"):
            return Path(url.removeprefix("sqlite+aiosqlite:///"))
        return None

    def elasticsearch_options(self) -> dict:
        key = self.elasticsearch_api_key
        return {
            "api_key": key.get_secret_value() if key else None,
            "ca_certs": str(self.elasticsearch_ca_certs) if self.elasticsearch_ca_certs else None,
            "shards": self.elasticsearch_shards,
            "replicas": self.elasticsearch_replicas,
        }

    @property
    def search_sqlite_path(self) -> Path:
        """The FTS5 index lives in the database itself when that is SQLite."""
        return self.sqlite_path or self.data_dir / "search.db"


@lru_cache
def get_settings() -> Settings:
    return Settings()
