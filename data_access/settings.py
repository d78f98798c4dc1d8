"""The one typed settings object, read from the environment (and `.env`) in one place."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from data_access.private_files import create_private

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration of the monitor; every field is listed in the README (a test keeps it so)."""

    model_config = SettingsConfigDict(env_prefix="MONITOR_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description=(
            "Directory for the embedded SQLite store, kept raw files, the demo key and the "
            "columnar cache of the registrations."
        ),
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "MONITOR_DATABASE_URL"),
        description="SQLAlchemy URL of the store; default a SQLite file `monitor.db` in data_dir.",
    )
    pseudonym_key: str | None = Field(
        default=None,
        description="Secret key (HMAC-SHA256) for family pseudonyms; default a generated key "
        "kept in data_dir/pseudonym.key. Never stored in the database.",
    )
    profile_dir: Path | None = Field(
        default=None,
        description="Directory with the source profiles (TOML) besides the built-in ones, where "
        "the mapping screen saves new ones; default `profiles/` in data_dir.",
    )
    auth_mode: Literal["demo", "oidc"] = Field(
        default="demo",
        description="`demo`: user picker on a demo store; `oidc`: Streamlit's st.login.",
    )
    min_count: int = Field(
        default=5,
        description="Disclosure control: counts from 1 to min_count − 1 are shown as '<5'.",
    )
    min_denominator: int = Field(
        default=10,
        description="Disclosure control: rates with a smaller denominator are not shown.",
    )
    auto_demo: bool = Field(
        default=True,
        description="Build the demo data when the app starts on an empty store.",
    )
    demo_scale: float = Field(
        default=1.0,
        description="Size of that first-start demo: 1 ≈ 150.000 registrations.",
    )
    prepare_switches: bool = Field(
        default=True,
        description="After a scope's first figure, build beside it every view a first switch "
        "of region basis or to quarters shows, so that such a switch does not wait for them.",
    )
    quality_threshold: float = Field(
        default=0.99,
        ge=0.0,
        le=1.0,
        description="Data-quality passport: a region with a score (0–1) below this threshold "
        "gets a caveat next to its figures and in exports.",
    )

    @property
    def url(self) -> str:
        """The store's SQLAlchemy URL."""
        if self.database_url:
            # Heroku-style URLs name the dialect without a driver; we ship psycopg 3.
            if self.database_url.startswith("postgresql://"):
                return "postgresql+psycopg://" + self.database_url.removeprefix("postgresql://")
            return self.database_url
        return f"sqlite:///{self.data_dir.resolve() / 'monitor.db'}"

    @property
    def profile_directory(self) -> Path:
        """Where profiles besides the built-in ones live (and the mapping screen saves)."""
        return self.profile_dir if self.profile_dir is not None else self.data_dir / "profiles"

    @property
    def raw_dir(self) -> Path:
        """Content-addressed copies of every imported file, to rebuild the store from."""
        return self.data_dir / "raw"

    def key_bytes(self) -> bytes:
        """The pseudonym key; generated once and kept outside the store when not configured."""
        if self.pseudonym_key:
            return self.pseudonym_key.encode()
        key_file = self.data_dir / "pseudonym.key"
        if not key_file.exists():
            # Owner-only from its first byte; of two processes starting at once, one key wins.
            create_private(key_file, secrets.token_hex(32).encode())
        return key_file.read_text().strip().encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own Settings instead)."""
    return Settings()
