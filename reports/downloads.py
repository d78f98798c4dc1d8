"""A page's table as a file to download: the bytes, and the export's line in the audit trail."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import Engine

from data_access.access.audit import audit
from reports.tables import Table

FileKind = Literal["csv", "xlsx"]


def table_file(engine: Engine, actor: str, table: Table, kind: FileKind) -> bytes:
    """`table` as CSV or XLSX, recorded as an export by `actor`.

    Called when the person clicks the download (Streamlit runs a download's callable then),
    so the audit trail holds what was downloaded, not what was merely offered. No file leaves
    without its audit line: if the line cannot be written, the download fails."""
    data = table.to_csv() if kind == "csv" else table.to_xlsx()
    audit(engine, actor, "export", {"tabel": table.title, "formaat": kind})
    return data
