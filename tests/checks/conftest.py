"""A clean store for the quality checks: every active region delivers ten requests a month."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, insert, select

from data_access.store.models import ImportBatch, Region, Registration

# The checks run "today": months up to April 2020 are expected (May may still be in transit).
TODAY = date(2020, 6, 15)
LAST_EXPECTED = date(2020, 4, 1)
PER_MONTH = 10


def months(start: date, stop: date) -> Iterable[date]:
    month = date(start.year, start.month, 1)
    while month <= stop:
        yield month
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def add_batch(engine: Engine, name: str = "clean.csv") -> int:
    with engine.begin() as conn:
        batch_id = conn.scalar(
            insert(ImportBatch)
            .values(
                file_name=name,
                sha256=name,
                source_profile="uniform",
                imported_at=datetime.now(UTC),
                imported_by="test",
            )
            .returning(ImportBatch.id)
        )
    assert batch_id is not None
    return int(batch_id)


def registration(
    region: str, received: date, number: int, batch_id: int, **changes: object
) -> dict[str, object]:
    """A registration that passes every check (first contact after 5 days, closed after 20)."""
    row: dict[str, object] = {
        "family_id": f"{region}-F{number:06d}",
        "region_code": region,
        "nis_code": None,
        "kind": "aanmelding",
        "received_date": received,
        "first_contact_date": received + timedelta(days=5),
        "closed_date": received + timedelta(days=20),
        "referrer": "CLB",
        "request_nature": "OPVOEDING",
        "response_type": "GEZINSPLAN",
        "closure_reason": "AFGEROND",
        "child_age": 10,
        "source_system": f"uniform:{region}",
        "source_record_id": f"{region}-{number:06d}",
        "batch_id": batch_id,
    }
    row.update(changes)
    return row


@pytest.fixture
def clean_engine(engine: Engine) -> Engine:
    """The reference store plus PER_MONTH requests in every month every region was active."""
    batch_id = add_batch(engine)
    with engine.connect() as conn:
        regions = conn.execute(select(Region.code, Region.active_from, Region.active_to)).all()
    rows = []
    for code, active_from, active_to in regions:
        stop = min(LAST_EXPECTED + timedelta(days=31), active_to or TODAY)
        for month in months(active_from, stop):
            for k in range(PER_MONTH):
                rows.append(registration(code, month + timedelta(days=k), len(rows) + 1, batch_id))
    with engine.begin() as conn:
        conn.execute(insert(Registration), rows)
    return engine


def relax(
    engine: Engine, *, nullable: tuple[str, ...] = (), drop: tuple[tuple[str, str], ...] = ()
) -> None:
    """Loosen the registration table's schema, as a damaged restore might have it: the checks
    must still find what the constraints normally prevent."""
    with engine.begin() as conn:
        operations = Operations(MigrationContext.configure(conn))
        with operations.batch_alter_table("registration", recreate="auto") as batch:
            for name, kind in drop:
                batch.drop_constraint(name, type_=kind)
            for column in nullable:
                batch.alter_column(column, nullable=True)
