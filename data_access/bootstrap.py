"""Make a store ready for use: schema at head and reference data present."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from data_access.reference.loader import load_reference, reference_loaded
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
