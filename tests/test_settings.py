"""Every setting has a default and a help text, and the README lists it."""

from __future__ import annotations

from pathlib import Path

from data_access.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _env_names(name: str) -> list[str]:
    return [f"MONITOR_{name.upper()}"] + (["DATABASE_URL"] if name == "database_url" else [])


def test_every_setting_has_help_text() -> None:
    """Each field says what it is for."""
    for name, field in Settings.model_fields.items():
        assert field.description, name


def test_every_setting_is_documented_in_the_readme() -> None:
    """The README's settings table names every setting's environment variable."""
    missing = [
        name for name in Settings.model_fields if not any(env in README for env in _env_names(name))
    ]
    assert missing == []


def test_the_default_store_is_a_sqlite_file_in_the_data_directory(tmp_path: Path) -> None:
    """Without DATABASE_URL the store is monitor.db in the data directory."""
    settings = Settings(data_dir=tmp_path, database_url=None)
    assert settings.url == f"sqlite:///{tmp_path.resolve() / 'monitor.db'}"


def test_plain_postgresql_urls_use_psycopg(tmp_path: Path) -> None:
    """A postgresql:// URL gets the psycopg 3 driver we ship."""
    settings = Settings(data_dir=tmp_path, database_url="postgresql://u@h/db")
    assert settings.url == "postgresql+psycopg://u@h/db"


def test_the_pseudonym_key_is_generated_once_outside_the_store(tmp_path: Path) -> None:
    """Without a configured key one is generated in the data directory and reused."""
    settings = Settings(data_dir=tmp_path, pseudonym_key=None)
    first = settings.key_bytes()
    assert first == Settings(data_dir=tmp_path, pseudonym_key=None).key_bytes()
    assert len(first) == 64
    assert (tmp_path / "pseudonym.key").stat().st_mode & 0o077 == 0
