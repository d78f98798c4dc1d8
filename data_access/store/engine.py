"""Engines for the configured store: SQLite pragmas, and the columnar copy beside it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event

from data_access.private_files import create_empty_private, private_dir
from data_access.settings import Settings
from data_access.store import columnar


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured store; SQLite gets WAL and enforced foreign keys."""
    url = settings.url
    if url.startswith("sqlite"):
        private_dir(settings.data_dir)
        engine = create_engine(url, connect_args={"timeout": 60})
        if engine.url.database not in (None, "", ":memory:"):
            # SQLite makes a new store world-readable (0644 less the umask) and gives its -wal
            # and -shm files the store's mode: an owner-only empty file first keeps all three
            # owner-only.
            create_empty_private(Path(str(engine.url.database)))
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if engine.url.database not in (None, "", ":memory:"):
        columnar.attach(engine, settings.data_dir)
    return engine


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    # A new store gets 16 KiB pages (SQLite's default is 4 KiB): an import writes a third fewer
    # WAL bytes and frames per row (BENCHMARKS.md). It only takes effect before the first
    # table exists and before WAL mode, so it must come first; existing stores keep theirs.
    cursor.execute("PRAGMA page_size=16384")
    # WAL lets the dashboard read while an import writes; readers see the last commit.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
