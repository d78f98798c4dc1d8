"""Migrations create, upgrade and remove the schema on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text

from data_access.store import db
from data_access.store.models import Base


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


def test_a_new_sqlite_store_has_large_pages_and_wal(empty_engine: Engine) -> None:
    """A new embedded store gets 16 KiB pages (fewer WAL frames per import) in WAL mode, and
    its tables are laid out as the migrations say: partner links without a rowid."""
    if empty_engine.dialect.name != "sqlite":
        pytest.skip("page size, WAL and rowid tables are SQLite's")
    db.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 16384
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        ddl = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'registration_partner'"
        ).scalar()
    assert "WITHOUT ROWID" in str(ddl)
    indexes = {i["name"] for i in inspect(empty_engine).get_indexes("registration")}
    assert "ix_registration_region_received" not in indexes


def test_notes_written_before_the_report_mark_are_not_marked(empty_engine: Engine) -> None:
    """Upgrading a store with notes adds the 'voor het rapport' mark switched off, so no old
    note reaches a report by itself; the downgrade removes the mark again."""
    db.upgrade(empty_engine, "0004")
    with empty_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO region (code, name, active_from, name_basis) "
                "VALUES ('KON', 'Konekti', '2018-01-01', 'today')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO feedback_note (region_code, quarter, version, author, body, "
                "created_at) VALUES ('KON', '2025Q3', 1, 'f@x.be', 'Oud', '2025-10-02 10:00:00')"
            )
        )
    db.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        marked = conn.execute(text("SELECT for_report FROM feedback_note")).scalars().all()
    assert [bool(m) for m in marked] == [False]
    db.downgrade(empty_engine, "0004")
    columns = {c["name"] for c in inspect(empty_engine).get_columns("feedback_note")}
    assert "for_report" not in columns


def test_batches_checked_before_the_upgrade_count_as_checked(empty_engine: Engine) -> None:
    """Migration 0007: a batch imported before a run over the whole store counts as checked
    from that run; a batch imported after the last run stays unchecked."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    db.upgrade(empty_engine, "0004")
    with empty_engine.begin() as conn:
        for batch, day in ((1, 1), (2, 5)):
            conn.execute(
                text(
                    "INSERT INTO import_batch (id, file_name, sha256, source_profile, imported_at,"
                    " imported_by, rows_read, rows_accepted, rows_rejected, rows_duplicate,"
                    " rows_updated, status, is_demo) VALUES (:id, 'f.csv', 'x', 'uniform', :at,"
                    " 'cli', 0, 0, 0, 0, 0, 'geladen', false)"
                ),
                {"id": batch, "at": datetime(2026, 1, day, tzinfo=UTC)},
            )
        conn.execute(
            text(
                "INSERT INTO check_run (id, started_at, trigger, data_version) "
                "VALUES (1, :at, 'cli', 1)"
            ),
            {"at": datetime(2026, 1, 3, tzinfo=UTC)},
        )
    db.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        checked = dict(conn.execute(text("SELECT id, checked_at FROM import_batch")).all())
    assert checked[1] is not None and checked[2] is None
