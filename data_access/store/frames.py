"""Statements read into polars frames of an exact schema, as fast as the backend allows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, Select


def read_frame(
    engine: Engine, stmt: Select[*tuple[Any, ...]], schema: pl.Schema, *, bulk: bool = False
) -> pl.DataFrame:
    """Run a bound, parameterised select and return a frame of exactly `schema`. `bulk`: the
    read may return a whole table of registrations (see _fast_frame)."""
    fast = _fast_frame(engine, stmt, schema, bulk=bulk)
    if fast is not None:
        return fast
    with engine.connect() as conn:
        result = conn.execute(stmt)
        rows = result.all()
    columns = list(schema.names())
    if not rows:
        return pl.DataFrame(schema=schema)
    data = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
    return pl.DataFrame(data, schema=schema, strict=False)


# Types the fast reads return faithfully from SQLite and PostgreSQL; anything else (datetimes
# with a time zone, JSON, booleans stored as 0/1) takes SQLAlchemy's typed rows.
_FAST_TYPES = (pl.String, pl.Int16, pl.Int32, pl.Int64, pl.Float64, pl.Date)


def _fast_frame(
    engine: Engine, stmt: Select[*tuple[Any, ...]], schema: pl.Schema, *, bulk: bool
) -> pl.DataFrame | None:
    """The same read without SQLAlchemy's per-value result processing, or None where that does
    not apply (BENCHMARKS.md: 1M registrations in about a third of the time).

    Bulk PostgreSQL statements without parameters are read columnar by connectorx. It opens a
    connection of its own for every read, which costs more than a small table's rows: the
    regions, read on every rerun, took 17 % of a server's CPU that way. Everything else
    runs on the driver's own cursor with the statement's bound parameters (connectorx binds
    none, and it must not open a SQLite file this process also writes: a second SQLite library
    in one process breaks SQLite's file locks, https://sqlite.org/howtocorrupt.html §2.2).
    """
    backend = engine.url.get_backend_name()
    if backend not in {"sqlite", "postgresql"} or len(stmt.selected_columns) != len(schema):
        return None
    if not all(isinstance(dtype, _FAST_TYPES) for dtype in schema.dtypes()):
        return None
    compiled = stmt.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    try:
        if bulk and backend == "postgresql" and not params:
            uri = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            frame = pl.read_database_uri(str(compiled), uri, engine="connectorx")
            frame.columns = list(schema.names())
            return frame.cast(schema) if frame.height else pl.DataFrame(schema=schema)
        bound: Any = (
            tuple(params[name] for name in compiled.positiontup or ())
            if compiled.positional
            else params
        )
        with engine.connect() as conn:
            return driver_frame(conn, str(compiled), bound, schema)
    except (TypeError, ValueError, RuntimeError, pl.exceptions.PolarsError):
        # A value the fast path cannot type exactly: SQLAlchemy's typed rows decide.
        return None


# Rows per fetch: only one slice of Python row tuples exists at a time.
FETCH_ROWS = 100_000


def driver_frame(
    conn: Connection, sql: str, params: Sequence[Any] | Mapping[str, Any], schema: pl.Schema
) -> pl.DataFrame:
    """SQL in the driver's own parameter style, run on this connection's driver cursor (inside
    its open transaction), as a frame of exactly `schema`.

    SQLAlchemy's per-value result processing would cost seconds on a million rows; SQLite's
    dates come back as ISO text and are parsed by polars, not per value in Python.
    """
    sqlite = conn.dialect.name == "sqlite"
    dates = [name for name, dtype in schema.items() if dtype == pl.Date]
    raw = pl.Schema({n: pl.String if sqlite and n in dates else d for n, d in schema.items()})
    slices = [pl.DataFrame(schema=raw)]
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        while fetched := cursor.fetchmany(FETCH_ROWS):
            slices.append(pl.DataFrame(fetched, schema=raw, orient="row", strict=True))
    finally:
        cursor.close()
    frame = pl.concat(slices).rechunk()
    return frame.with_columns(pl.col(dates).str.to_date("%Y-%m-%d")) if sqlite else frame
