"""One store shared by a module's corpus cases (their invariants compare before and after)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from data_access.reference.loader import load_reference
from data_access.settings import Settings
from data_access.store import db
from data_access.store.engine import make_engine
from tests.conftest import SERVER_URL, _postgres_url


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Settings]]:
    """A migrated store with reference data, on SQLite or (with DATABASE_URL) PostgreSQL;
    creating a PostgreSQL database per case would cost seconds each."""
    directory = tmp_path_factory.mktemp("corpus-store")
    admin: Engine | None = None
    name = f"c_{uuid.uuid4().hex[:12]}"
    if SERVER_URL.startswith("postgresql"):
        server = _postgres_url(SERVER_URL)
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"{server.rsplit('/', 1)[0]}/{name}"
    else:
        url = f"sqlite:///{directory / 'store.db'}"
    settings = Settings(data_dir=directory, database_url=url, pseudonym_key="corpus-key")
    engine = make_engine(settings)
    db.upgrade(engine)
    load_reference(engine)
    yield engine, settings
    engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
