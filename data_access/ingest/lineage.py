"""Reads of the import lineage: batches with their counts, and what each batch quarantined."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
from sqlalchemy import Engine, select

from data_access.access.scope import Scope
from data_access.store.frames import read_frame as _frame
from data_access.store.models import ImportBatch, Quarantine

_IMPORT_BATCH_TYPES: dict[str, Any] = {
    "batch_id": pl.Int64,
    "file_name": pl.String,
    "source_profile": pl.String,
    "region_code": pl.String,
    "imported_at": pl.Datetime("us", "UTC"),
    "imported_by": pl.String,
    "rows_read": pl.Int64,
    "rows_accepted": pl.Int64,
    "rows_rejected": pl.Int64,
    "rows_duplicate": pl.Int64,
    "rows_updated": pl.Int64,
    "status": pl.String,
    "checked_at": pl.Datetime("us", "UTC"),
}
IMPORT_BATCH = pl.Schema(_IMPORT_BATCH_TYPES)


def import_batches(engine: Engine, scope: Scope) -> pl.DataFrame:
    """Every import batch with its counts, newest first."""
    b = ImportBatch
    stmt = select(
        b.id,
        b.file_name,
        b.source_profile,
        b.region_code,
        b.imported_at,
        b.imported_by,
        b.rows_read,
        b.rows_accepted,
        b.rows_rejected,
        b.rows_duplicate,
        b.rows_updated,
        b.status,
        b.checked_at,
    ).order_by(b.id.desc())
    frame = _frame(engine, stmt, IMPORT_BATCH)
    if scope.detail_regions is None:
        return frame
    return frame.filter(pl.col("region_code").is_in(sorted(scope.detail_regions)))


QUARANTINE = pl.Schema(
    {
        "batch_id": pl.Int64,
        "line_number": pl.Int64,
        "column_name": pl.String,
        "reason": pl.String,
        "raw_row": pl.String,
    }
)


def quarantined_rows(engine: Engine, scope: Scope, batch_id: int) -> pl.DataFrame:
    """The rejected rows of one batch with line, column and reason (raw row as JSON text)."""
    b, q = ImportBatch, Quarantine
    stmt = (
        select(q.batch_id, q.line_number, q.column_name, q.reason, q.raw_row, b.region_code)
        .join(b, b.id == q.batch_id)
        .where(q.batch_id == batch_id)
        .order_by(q.line_number)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    allowed = [row for row in rows if scope.allows(row.region_code)]

    return pl.DataFrame(
        {
            "batch_id": [row.batch_id for row in allowed],
            "line_number": [row.line_number for row in allowed],
            "column_name": [row.column_name for row in allowed],
            "reason": [row.reason for row in allowed],
            "raw_row": [json.dumps(row.raw_row, ensure_ascii=False) for row in allowed],
        },
        schema=QUARANTINE,
    )
