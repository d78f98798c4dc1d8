"""Alembic migrations and the store's data version and metadata."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from data_access.store.models import StoreMeta

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (the only way the schema is created or changed)."""
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema back to `revision`."""
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the store is at, None when it has no schema yet."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision the code knows."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def data_version(conn: Connection) -> int:
    """A counter bumped by every change of registration data; caches are keyed on it."""
    value = conn.scalar(select(StoreMeta.value).where(StoreMeta.key == "data_version"))
    return int(value) if value is not None else 0


def bump_data_version(conn: Connection) -> int:
    """Increase the data version inside the caller's transaction."""
    new = data_version(conn) + 1
    set_meta(conn, "data_version", str(new))
    return new


def get_meta(conn: Connection, key: str) -> str | None:
    """A value from store_meta."""
    return conn.scalar(select(StoreMeta.value).where(StoreMeta.key == key))


def set_meta(conn: Connection, key: str, value: str) -> None:
    """Insert or replace a value in store_meta."""
    table = StoreMeta.__table__
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    stmt = dialect.insert(table).values(key=key, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))
