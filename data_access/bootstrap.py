"""Make a store ready for use: schema at head and reference data present."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from data_access.reference.loader import load_reference, reference_loaded
from data_access.settings import Settings
from data_access.store import db
from data_access.store.models import ImportBatch


def prepare_store(engine: Engine) -> None:
    """Upgrade the schema and load the reference data when the store has none."""
    db.upgrade(engine)
    if not reference_loaded(engine):
        load_reference(engine)


def has_imports(engine: Engine) -> bool:
    """Whether any file was ever imported into the store."""
    with engine.connect() as conn:
        return bool(conn.scalar(select(func.count()).select_from(ImportBatch)))


def is_demo_store(engine: Engine) -> bool:
    """Whether the store holds only demo data (no import of real files)."""
    with engine.connect() as conn:
        real = conn.scalar(
            select(func.count()).select_from(ImportBatch).where(ImportBatch.is_demo.is_(False))
        )
        return not real


def store_exists(settings: Settings) -> bool:
    """Whether the configured store was ever created: without connecting, since connecting
    to a SQLite file that is not there creates it (a dry run must write nothing)."""
    url = make_url(settings.url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return True
    return Path(str(url.database)).is_file()


def store_ready(engine: Engine) -> bool:
    """Whether a store is at the newest schema with its reference data, as an import needs."""
    return db.current_revision(engine) == db.head_revision() and reference_loaded(engine)
