"""The `1g1p report`, `1g1p parliament` and `1g1p freeze` commands (registered in cli.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from data_access.access.audit import audit
from data_access.access.roles import Reader, operator_reader, reader_for
from data_access.access.scope import AccessError
from data_access.settings import get_settings
from data_access.store import db
from data_access.store.engine import make_engine

DEFAULT_USER = "beheerder@demo.1g1p"


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code=1)


def _reader(engine: object, email: str | None) -> Reader:
    """The reader whose view applies; without --as, the CLI acts as a beheerder."""
    if email is None:
        return operator_reader()
    found = reader_for(engine, email)  # type: ignore[arg-type]
    if found is None:
        _fail(f"Onbekende of inactieve gebruiker '{email}': geen toegang.")
    assert found is not None
    return found


def report_command(
    region: str = typer.Option(..., "--region", help="Regiocode, bv. KON."),
    quarter: str = typer.Option(..., "--quarter", help="Kwartaal, JJJJQn (bv. 2025Q3)."),
    as_user: str | None = typer.Option(
        None, "--as", help="E-mail van de gebruiker wiens zicht geldt; standaard de beheerder."
    ),
    out: Path = typer.Option(..., "--out", help="Uitvoerbestand: .pdf of .xlsx."),
) -> None:
    """Maak het kwartaalrapport van een regio (PDF of XLSX)."""
    from reports.quarterly import quarterly_report, report_xlsx

    if out.suffix.lower() not in {".pdf", ".xlsx"}:
        _fail("--out moet op .pdf of .xlsx eindigen.")
    engine = make_engine(get_settings())
    db.upgrade(engine)
    reader = _reader(engine, as_user)
    try:
        report = quarterly_report(engine, reader, region.upper(), quarter, date.today())
    except AccessError as exc:
        _fail(str(exc))
        return
    if out.suffix.lower() == ".pdf":
        from reports.pdf import report_pdf

        out.write_bytes(report_pdf(report))
    else:
        out.write_bytes(report_xlsx(report))
    audit(
        engine,
        reader.email,
        "export",
        {"rapport": "kwartaal", "regio": report.region_code, "kwartaal": report.quarter},
    )
    typer.echo(f"{report.title} ({report.status}) geschreven naar {out}.")


def parliament_command(
    start: str = typer.Option(..., "--from", help="Eerste maand, JJJJ-MM."),
    end: str = typer.Option(..., "--to", help="Laatste maand, JJJJ-MM."),
    out: Path = typer.Option(..., "--out", help="Uitvoerbestand (.xlsx)."),
    as_user: str | None = typer.Option(
        None, "--as", help="E-mail van de gebruiker die exporteert; standaard de opdrachtregel."
    ),
) -> None:
    """Maak het antwoord op de parlementaire vraag (XLSX, met disclosure control)."""
    from reports.parliament import parliament_xlsx, parse_month

    try:
        first, last = parse_month(start), parse_month(end, end=True)
    except ValueError as exc:
        _fail(str(exc))
        return
    engine = make_engine(get_settings())
    db.upgrade(engine)
    # Who exports is a known user (or the operator), never a free text; the audit line is
    # written before the file, so no file leaves without it.
    reader = _reader(engine, as_user)
    data = parliament_xlsx(engine, first, last, date.today())
    audit(engine, reader.email, "export", {"rapport": "parlement", "van": start, "tot": end})
    out.write_bytes(data)
    typer.echo(f"Parlementair antwoord ({start} – {end}) geschreven naar {out}.")


def freeze_command(
    quarter: str = typer.Option(..., "--quarter", help="Kwartaal, JJJJQn (bv. 2025Q3)."),
    as_user: str | None = typer.Option(
        None, "--as", help="E-mail van de beheerder die bevriest; standaard de opdrachtregel."
    ),
) -> None:
    """Bevries de cijfers van een afgelopen kwartaal (beheerder)."""
    from reports.quarterly import freeze_quarter, status_of

    engine = make_engine(get_settings())
    db.upgrade(engine)
    reader = _reader(engine, as_user)
    try:
        snapshot = freeze_quarter(engine, reader, quarter, date.today())
    except AccessError as exc:
        _fail(str(exc))
        return
    typer.echo(f"Kwartaal {snapshot.quarter}: {status_of(snapshot)}.")
