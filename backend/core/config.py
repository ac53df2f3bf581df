"""Settings, read once from the environment (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    evidence_data_dir: Path = Field(default=Path("./data"))
    database_url: str | None = None
    search_engine: Literal["sqlite", "elasticsearch"] = "sqlite"
    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_index_prefix: str = "evidence"
    max_upload_mb: int = 200
    # A zip container (DOCX, PPTX, XLSX) may not expand beyond this: zip bombs.
    max_unzipped_mb: int = 500
    passage_max_chars: int = 1500
    job_lease_seconds: int = 600
    job_max_attempts: int = 3
    # Send cookies only over HTTPS; turn on behind a TLS proxy (team deployment).
    secure_cookies: bool = False
    # The web app's static build; the default is the checkout's web/dist (an installed
    # package, as in the Docker image, sets it: see Dockerfile).
    web_dist: Path = Field(default=Path(__file__).resolve().parents[2] / "web" / "dist")

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

    @property
    def search_sqlite_path(self) -> Path:
        """The FTS5 index lives in the database itself when that is SQLite."""
        return self.sqlite_path or self.data_dir / "search.db"


@lru_cache
def get_settings() -> Settings:
    return Settings()
