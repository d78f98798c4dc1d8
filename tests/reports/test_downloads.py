"""A downloaded table is the table's file, and the download is in the audit trail."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select

from data_access.store.models import AuditEvent
from reports.downloads import table_file
from reports.tables import Column, Table

TABLE = Table(
    pl.DataFrame({"region": ["KON"], "n": [12]}),
    (Column("region", "Regio"), Column("n", "Aanmeldingen", "int")),
    title="Aanmeldingen per regio",
)


def _exports(engine: Engine) -> list[tuple[str, dict[str, str]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEvent.actor, AuditEvent.detail)
            .where(AuditEvent.action == "export")
            .order_by(AuditEvent.id)
        ).all()
    return [(actor, dict(detail)) for actor, detail in rows]


def test_each_download_adds_an_audit_line(engine: Engine) -> None:
    """CSV and XLSX come out exactly as the table makes them, each with one export line naming
    who downloaded which table in which format."""
    assert _exports(engine) == []
    assert table_file(engine, "an@konekti.be", TABLE, "csv") == TABLE.to_csv()
    xlsx = table_file(engine, "an@konekti.be", TABLE, "xlsx")
    assert xlsx[:2] == b"PK"  # a zip container: the workbook
    assert _exports(engine) == [
        ("an@konekti.be", {"tabel": "Aanmeldingen per regio", "formaat": "csv"}),
        ("an@konekti.be", {"tabel": "Aanmeldingen per regio", "formaat": "xlsx"}),
    ]
