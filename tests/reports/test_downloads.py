"""A downloaded table is the published table's file, and the download is in the audit trail."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select

from data_access.settings import Settings
from data_access.store.models import AuditEvent
from reports.publish.boundary import Thresholds, publish_table
from reports.publish.cells import Count, Text
from reports.publish.spec import TableSpec
from reports.publish.text import to_csv
from reports.service import Service
from tests import scopes

SPEC = TableSpec(
    pl.DataFrame({"region_code": ["KON"], "n": [12], "n__noise": [0]}),
    (Text("region_code", "Regio"), Count("n", "Aanmeldingen")),
    title="Aanmeldingen per regio",
    name="aanmeldingen",
)


def _exports(engine: Engine) -> list[tuple[str, dict[str, str]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEvent.actor, AuditEvent.detail)
            .where(AuditEvent.action == "export")
            .order_by(AuditEvent.id)
        ).all()
    return [(actor, dict(detail)) for actor, detail in rows]


def test_each_download_adds_an_audit_line(engine: Engine, settings: Settings) -> None:
    """CSV and XLSX come out exactly as the published table makes them, each with one export
    line naming who downloaded which table in which format."""
    table = publish_table(SPEC, scopes.everything(), Thresholds())
    service = Service(engine, settings)
    assert _exports(engine) == []
    assert service.download("an@konekti.be", table, "csv") == to_csv(table)
    xlsx = service.download("an@konekti.be", table, "xlsx")
    assert xlsx[:2] == b"PK"  # a zip container: the workbook
    assert _exports(engine) == [
        ("an@konekti.be", {"tabel": "aanmeldingen", "formaat": "csv"}),
        ("an@konekti.be", {"tabel": "aanmeldingen", "formaat": "xlsx"}),
    ]
