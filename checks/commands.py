"""`1g1p check`: run the quality suites on the store from the command line."""

from __future__ import annotations

import typer

from data_access.settings import get_settings
from data_access.store import db
from data_access.store.engine import make_engine


def check_command() -> None:
    """Voer de kwaliteitscontroles uit op de hele opslag; exitcode 1 bij een blokkerende fout."""
    from checks.run import run_checks

    settings = get_settings()
    engine = make_engine(settings)
    try:
        db.upgrade(engine)
        typer.echo("Kwaliteitscontroles uitvoeren (Great Expectations starten duurt even)…")
        summary = run_checks(engine, settings, trigger="cli")
    finally:
        engine.dispose()
    typer.echo(summary.summary())
    if summary.blocking_failed:
        raise typer.Exit(code=1)
