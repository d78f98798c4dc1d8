"""Alembic environment: runs on the connection handed over by store.db, or on settings."""

from __future__ import annotations

from alembic import context

from data_access.settings import get_settings
from data_access.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # The store's own engine, so a store first made here gets the same pragmas (page size,
    # WAL, foreign keys) as one made by the app.
    from data_access.store.engine import make_engine

    engine = make_engine(get_settings())
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: object) -> None:
    # Batch mode lets later ALTERs work on SQLite, which cannot alter most constraints in place.
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; use `1g1p db upgrade`.")
run_migrations_online()
