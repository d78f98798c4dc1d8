"""What the Kwartaalrapport page offers: the report, its files on demand, and the exports."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from data_access.access.audit import audit
from data_access.access.roles import Reader, require_beheerder
from reports.parliament import parliament_xlsx
from reports.quarterly import QuarterlyReport, report_xlsx


def report_pdf_file(engine: Engine, reader: Reader, report: QuarterlyReport) -> bytes:
    """The report as PDF; the export is audited."""
    from reports.pdf import report_pdf

    data = report_pdf(report)
    _audit_report(engine, reader, report, "pdf")
    return data


def report_xlsx_file(engine: Engine, reader: Reader, report: QuarterlyReport) -> bytes:
    """The report's tables as XLSX; the export is audited."""
    data = report_xlsx(report)
    _audit_report(engine, reader, report, "xlsx")
    return data


def _audit_report(engine: Engine, reader: Reader, report: QuarterlyReport, kind: str) -> None:
    audit(
        engine,
        reader.email,
        "export",
        {
            "rapport": "kwartaal",
            "regio": report.region_code,
            "kwartaal": report.quarter,
            "formaat": kind,
        },
    )


def parliament_file(engine: Engine, reader: Reader, start: date, end: date, today: date) -> bytes:
    """The parliamentary answer (publication: disclosure control for every region), audited."""
    require_beheerder(reader, "het parlementaire antwoord maken")
    data = parliament_xlsx(engine, start, end, today)
    audit(
        engine, reader.email, "export", {"rapport": "parlement", "van": str(start), "tot": str(end)}
    )
    return data
