"""Settings: the one place junkan reads its environment (``JUNKAN_*`` variables and an optional ``.env``).

Nothing here connects or reads files at import time; ``Settings()`` is built by the composition root
(``junkan.app.create_app``) or the CLI and passed down.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "sqlite_url"]


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


class Settings(BaseSettings):
    """Configuration of one junkan deployment. Every field is a ``JUNKAN_<NAME>`` environment variable."""

    model_config = SettingsConfigDict(env_prefix="JUNKAN_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///junkan.db",
        description="SQLAlchemy URL: SQLite file by default, postgresql+psycopg://user@host/db in production",
    )
    secret_key: str | None = Field(
        default=None,
        min_length=32,
        description="Master secret that encrypts organisations' signing keys at rest (32+ characters). "
        "Required with PostgreSQL; with SQLite a random one is kept in '<database file>.secret' (mode 0600).",
    )
    base_url: str = Field(default="http://127.0.0.1:8000", description="Public URL, used in identifiers.")
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    principal_cache_seconds: float = Field(
        default=5.0, ge=0, le=300, description="How long an API token's principal is cached (0 = never)."
    )
    max_upload_bytes: int = Field(
        default=200 * 1024 * 1024,
        ge=1024,
        description="Largest file upload (multipart) accepted, e.g. imports.",
    )
    max_body_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1024, description="Largest request body accepted."
    )
    cookie_secure: bool = Field(default=False, description="Set the Secure flag on cookies (behind HTTPS).")
    default_language: str = Field(default="ja", pattern="^(ja|en)$")
    shared_data_dir: Path | None = Field(
        default=None, description="Folder with reference data (emission factors, What a Waste); optional."
    )

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, v: str) -> str:
        if v.startswith("postgresql://"):
            # psycopg 3 is the only PostgreSQL driver we install.
            return "postgresql+psycopg://" + v.removeprefix("postgresql://")
        if not (v.startswith("sqlite") or v.startswith("postgresql+psycopg://")):
            raise ValueError("use sqlite:///path.db or postgresql+psycopg://user@host:5432/dbname")
        return v

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
