"""Migrations create, upgrade and remove the schema on SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from data_access import db
from data_access.models import Base


def test_upgrade_creates_every_model_table(empty_engine: Engine) -> None:
    """It creates exactly the tables the models declare, at the head revision."""
    db.upgrade(empty_engine)
    tables = set(inspect(empty_engine).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)
    assert db.current_revision(empty_engine) == db.head_revision()


def test_downgrade_to_base_removes_everything_and_upgrade_restores_it(empty_engine: Engine) -> None:
    """It goes down to an empty schema and back up again without error."""
    db.upgrade(empty_engine)
    db.downgrade(empty_engine, "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    assert db.current_revision(empty_engine) is None
    db.upgrade(empty_engine)
    assert "registration" in inspect(empty_engine).get_table_names()


def test_models_match_migrations(empty_engine: Engine) -> None:
    """The migrations produce the models' columns: no model change without a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    db.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_import_batch_carries_the_row_counts(empty_engine: Engine) -> None:
    """import_batch has the four counts of the nothing-lost invariant."""
    db.upgrade(empty_engine)
    columns = {c["name"] for c in inspect(empty_engine).get_columns("import_batch")}
    assert {"rows_read", "rows_accepted", "rows_rejected", "rows_duplicate"} <= columns


def test_data_version_increases(empty_engine: Engine) -> None:
    """Each bump raises the data version the caches are keyed on."""
    db.upgrade(empty_engine)
    with empty_engine.begin() as conn:
        before = db.data_version(conn)
        db.bump_data_version(conn)
        db.bump_data_version(conn)
    with empty_engine.connect() as conn:
        assert db.data_version(conn) == before + 2
