"""A small real demo store shared by the report tests (built once per session)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from data_access.access.roles import ensure_demo_users
from data_access.settings import Settings, get_settings
from data_access.store.engine import make_engine
from demo.build import build_demo
from tests.conftest import built_once

SERVER_URL = os.environ.get("DATABASE_URL", "")


@pytest.fixture(scope="session")
def report_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of a demo store (about 3.000 registrations) with the demo users."""

    def build(settings: Settings) -> None:
        engine = make_engine(settings)
        build_demo(engine, settings, scale=0.02, today=date.today(), run_checks=False)
        ensure_demo_users(engine)
        engine.dispose()

    def on_sqlite(directory: Path) -> Settings:
        url = f"sqlite:///{directory / 'store.db'}"
        return Settings(data_dir=directory, database_url=url, pseudonym_key="report-test")

    if not SERVER_URL.startswith("postgresql"):
        yield on_sqlite(built_once(tmp_path_factory, "report-store", lambda d: build(on_sqlite(d))))
        return
    directory = tmp_path_factory.mktemp("report-store")
    server = SERVER_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"r_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{server.rsplit('/', 1)[0]}/{name}"
    settings = Settings(data_dir=directory, database_url=url, pseudonym_key="report-test")
    build(settings)
    yield settings
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def report_engine(report_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """An engine on the demo store; the CLI in the same test reads the same store."""
    monkeypatch.setenv("MONITOR_DATA_DIR", str(report_settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", report_settings.url)
    monkeypatch.setenv("MONITOR_PSEUDONYM_KEY", "report-test")
    get_settings.cache_clear()
    engine = make_engine(report_settings)
    yield engine
    engine.dispose()
    get_settings.cache_clear()
