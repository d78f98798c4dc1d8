"""Frozen quarters: the figures of a closed quarter kept as they were published."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, Engine, insert, or_, select

from data_access.access.audit import record
from data_access.access.roles import Reader, require_beheerder
from data_access.access.scope import AccessError
from data_access.store.models import QuarterSnapshot

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def parse_quarter(text: str) -> str:
    """The quarter code ('2025Q3') or a Dutch error for anything else."""
    quarter = text.strip().upper()
    if not _QUARTER.match(quarter):
        raise AccessError(f"'{text}' is geen kwartaal: schrijf het als JJJJQn, bv. 2025Q3.")
    return quarter


def quarter_closed(quarter: str, today: date) -> bool:
    """A quarter is closed once its last day has passed."""
    match = _QUARTER.match(quarter)
    if match is None:
        return False
    year, number = int(match.group(1)), int(match.group(2))
    next_start = date(year + 1, 1, 1) if number == 4 else date(year, number * 3 + 1, 1)
    return today >= next_start


@dataclass(frozen=True)
class Snapshot:
    """One freezing of a quarter: who froze it, when, on which data version, and the figures."""

    quarter: str
    region_code: str | None  # None: every region
    created_at: datetime
    created_by: str
    data_version: int
    figures: dict[str, Any]


def freeze(
    engine: Engine,
    reader: Reader,
    quarter: str,
    figures: dict[str, Any],
    data_version: int,
    *,
    today: date,
    region_code: str | None = None,
) -> Snapshot:
    """Store the quarter's figures as frozen (a beheerder action, audited). Freezing again keeps
    the earlier snapshot; the newest one is the reference from then on."""
    require_beheerder(reader, "een kwartaal bevriezen")
    quarter = parse_quarter(quarter)
    if not quarter_closed(quarter, today):
        raise AccessError(
            f"Kwartaal {quarter} is nog niet afgelopen: het kan niet bevroren worden."
        )
    created = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(QuarterSnapshot).values(
                quarter=quarter,
                region_code=region_code,
                created_at=created,
                created_by=reader.email,
                data_version=data_version,
                figures=figures,
            )
        )
        record(
            conn,
            reader.email,
            "kwartaal_bevroren",
            {"kwartaal": quarter, "regio": region_code, "dataversie": data_version},
        )
    return Snapshot(quarter, region_code, created, reader.email, data_version, figures)


def frozen(engine: Engine, quarter: str, region_code: str | None = None) -> Snapshot | None:
    """The newest snapshot of the quarter that covers the region (its own or all regions)."""
    q = QuarterSnapshot
    covers: ColumnElement[bool] = q.region_code.is_(None)
    if region_code is not None:
        covers = or_(covers, q.region_code == region_code)
    with engine.connect() as conn:
        row = conn.execute(
            select(q.quarter, q.region_code, q.created_at, q.created_by, q.data_version, q.figures)
            .where(q.quarter == quarter, covers)
            .order_by(q.created_at.desc(), q.id.desc())
            .limit(1)
        ).first()
    if row is None:
        return None
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return Snapshot(
        row.quarter, row.region_code, created, row.created_by, row.data_version, row.figures
    )


def snapshots(engine: Engine) -> pl.DataFrame:
    """Every snapshot (newest first), without the figures: the list of frozen quarters."""
    q = QuarterSnapshot
    with engine.connect() as conn:
        rows = conn.execute(
            select(q.quarter, q.region_code, q.created_at, q.created_by, q.data_version).order_by(
                q.created_at.desc(), q.id.desc()
            )
        ).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "quarter": pl.String,
            "region_code": pl.String,
            "created_at": pl.Datetime("us", "UTC"),
            "created_by": pl.String,
            "data_version": pl.Int64,
        },
        orient="row",
    )
