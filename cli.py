"""The `1g1p` command line: store maintenance, imports, demo data, indicators and reports."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer
from sqlalchemy import Engine

from data_access.reference.loader import REFERENCE_DIR, ReferenceError, load_reference
from data_access.settings import get_settings
from data_access.store import db
from data_access.store.engine import make_engine

app = typer.Typer(
    help="1G1P Monitor: beheer van de gegevensopslag en rapportering.", no_args_is_help=True
)
db_app = typer.Typer(help="Schema van de opslag (Alembic-migraties).", no_args_is_help=True)
reference_app = typer.Typer(
    help="Referentiegegevens (regio's, ELZ, gemeenten).", no_args_is_help=True
)
users_app = typer.Typer(help="Gebruikers en rollen.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(reference_app, name="reference")
app.add_typer(users_app, name="users")


def _engine() -> Engine:
    return make_engine(get_settings())


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code=1)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Doelrevisie.")) -> None:
    """Breng het schema naar de nieuwste (of opgegeven) revisie."""
    engine = _engine()
    db.upgrade(engine, revision)
    typer.echo(f"Schema op revisie {db.current_revision(engine)}.")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="Doelrevisie, of 'base'.")) -> None:
    """Zet het schema terug naar een vorige revisie."""
    engine = _engine()
    db.downgrade(engine, revision)
    typer.echo(f"Schema op revisie {db.current_revision(engine) or 'leeg'}.")


@db_app.command("current")
def db_current() -> None:
    """Toon de revisie van de opslag."""
    typer.echo(db.current_revision(_engine()) or "leeg")


@reference_app.command("load")
def reference_load(
    directory: Path = typer.Option(REFERENCE_DIR, "--dir", help="Map met de referentiebestanden."),
) -> None:
    """Laad (of herlaad) de referentiegegevens in de opslag."""
    engine = _engine()
    db.upgrade(engine)
    try:
        counts = load_reference(engine, directory)
    except ReferenceError as exc:
        _fail(str(exc))
        return
    typer.echo(
        f"Referentiegegevens geladen: {counts.regions} regio's, {counts.region_areas} "
        f"gebiedsregels, {counts.elz} ELZ, {counts.municipalities} gemeenteversies, "
        f"{counts.population} bevolkingsregels, {counts.network_reference} netwerken (2020)."
    )


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="Het bronbestand (CSV of XLSX)."),
    source: str = typer.Option(..., "--source", help="Naam van het bronprofiel, bv. uniform."),
    region: str | None = typer.Option(
        None, "--region", help="Regiocode, voor bronnen zonder regiokolom."
    ),
    user: str = typer.Option("cli", "--as", help="Wie importeert (voor de herkomst)."),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Proefimport: toon toewijzing, voorbeeldrijen, onbekende waarden en quarantaine; "
        "schrijf niets.",
    ),
) -> None:
    """Lees een bronbestand in: controleren, pseudonimiseren, quarantaine, laden."""
    from checks.importing import import_and_check
    from data_access.ingest.pipeline import FatalImportError, ProfileError

    if dry_run:
        _dry_run(file, source, region)
        return
    engine = _engine()
    db.upgrade(engine)
    _ensure_reference(engine)
    try:
        checked = import_and_check(engine, get_settings(), file, source, region=region, user=user)
    except (FatalImportError, ProfileError) as exc:
        _fail(f"Import mislukt: {exc}")
        return
    typer.echo(checked.result.summary())
    if checked.checks is not None:
        typer.echo(checked.checks.summary())


def _dry_run(file: Path, source: str, region: str | None) -> None:
    """`import --dry-run`: on the store as it is, which it neither creates nor changes."""
    from data_access.bootstrap import store_exists, store_ready
    from data_access.ingest.dry_run import dry_run
    from data_access.ingest.pipeline import FatalImportError, ProfileError
    from data_access.ingest.profiles import get_profile

    settings = get_settings()
    not_ready = (
        "Proefimport mislukt: de opslag is nog niet klaar (schema of referentiegegevens "
        "ontbreken). Voer eerst '1g1p db upgrade' en '1g1p reference load' uit; een proefimport "
        "schrijft zelf niets."
    )
    if not store_exists(settings):
        _fail(not_ready)
        return
    engine = _engine()
    if not store_ready(engine):
        _fail(not_ready)
        return
    try:
        profile = get_profile(source, settings.profile_directory)
        outcome = dry_run(engine, settings, file, profile, region=region)
    except (FatalImportError, ProfileError) as exc:
        _fail(f"Proefimport mislukt: {exc}")
        return
    typer.echo(outcome.summary())


@app.command("trace")
def trace_command(
    record: str = typer.Argument(..., help="Het dossiernummer zoals de bron het kent."),
    system: str | None = typer.Option(
        None,
        "--system",
        help="Het bronsysteem (bv. kompas:KON), als meer bronnen het nummer hebben.",
    ),
) -> None:
    """Toon van een registratie het bestand, de regel, de kolommen en de profielregels."""
    from data_access.ingest.pipeline import FatalImportError, ProfileError
    from data_access.ingest.trace import trace

    try:
        found = trace(_engine(), get_settings(), record, system)
    except (FatalImportError, ProfileError) as exc:
        _fail(f"Herkomst niet gevonden: {exc}")
        return
    typer.echo(found.summary())


@app.command("rebuild")
def rebuild_command() -> None:
    """Bouw de ingelezen gegevens opnieuw op uit de bewaarde bronbestanden."""
    from data_access.ingest.pipeline import rebuild

    engine = _engine()
    db.upgrade(engine)
    _ensure_reference(engine)
    results = rebuild(engine, get_settings())
    accepted = sum(r.rows_accepted for r in results)
    typer.echo(f"Opslag heropgebouwd uit {len(results)} bestanden: {accepted} rijen aanvaard.")


@app.command("demo")
def demo_command(
    seed: int = typer.Option(42, "--seed", help="Startwaarde van de toevalsgenerator."),
    scale: float = typer.Option(1.0, "--scale", help="Schaal: 1 ≈ 150.000 registraties."),
) -> None:
    """Maak synthetische bronbestanden van alle soorten en lees ze in."""
    from data_access.bootstrap import has_imports, is_demo_store
    from demo.build import build_demo

    engine = _engine()
    db.upgrade(engine)
    if has_imports(engine) and not is_demo_store(engine):
        _fail("Deze opslag bevat echte gegevens: demogegevens worden er niet aan toegevoegd.")
    with typer.progressbar(length=100, label="Demo opbouwen") as bar:
        done = 0

        def step(fraction: float, _message: str) -> None:
            nonlocal done
            bar.update(int(fraction * 100) - done)
            done = int(fraction * 100)

        build = build_demo(engine, get_settings(), seed=seed, scale=scale, progress=step)
    typer.echo(
        f"Demo klaar: {len(build.results)} bestanden, {build.accepted} rijen aanvaard, "
        f"{build.rejected} geweigerd (synthetische gegevens)."
    )
    if build.checks is not None:
        typer.echo(build.checks.summary())


def _month(value: str, end: bool = False) -> date:
    try:
        year, month = (int(part) for part in value.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is geen maand (JJJJ-MM).") from None
    from indicators.periods import month_end

    return month_end(first) if end else first


def _selection(start: str, end: str, granularity: str, regions: list[str], basis: str):  # type: ignore[no-untyped-def]
    """The selection of `1g1p indicator`, refused in Dutch when it cannot be shown truly."""
    from reports.selection import Selection

    first, last = _month(start), _month(end, end=True)
    if last < first:
        _fail(f"--from {start} ligt na --to {end}: kies een eerste maand vóór de laatste.")
    if granularity == "quarter" and (first.month % 3 != 1 or last.month % 3 != 0):
        _fail(
            "--per quarter toont hele kwartalen: laat --from op de eerste maand van een "
            "kwartaal beginnen (01, 04, 07, 10) en --to op de laatste (03, 06, 09, 12), "
            f"niet {start} tot {end}."
        )
    return Selection(first, last, granularity, tuple(regions), basis)  # type: ignore[arg-type]


@app.command("indicator")
def indicator_command(
    name: str = typer.Argument(..., help="De indicator, bv. intakes of response_time."),
    start: str = typer.Option(..., "--from", help="Eerste maand, JJJJ-MM."),
    end: str = typer.Option(..., "--to", help="Laatste maand, JJJJ-MM."),
    region: list[str] = typer.Option(
        [], "--region", help="Regiocode (herhaalbaar); standaard alle."
    ),
    basis: str = typer.Option(
        "then", "--basis", help="then (zoals toen) of today (huidige regio's)."
    ),
    granularity: str = typer.Option("month", "--per", help="month of quarter."),
    output: str = typer.Option("csv", "--format", help="csv of xlsx."),
    out: Path | None = typer.Option(None, "--out", help="Uitvoerbestand; standaard stdout (csv)."),
    as_user: str | None = typer.Option(
        None, "--as", help="E-mail van de gebruiker wiens zicht geldt; standaard de beheerder."
    ),
    publication: bool = typer.Option(
        False,
        "--publicatie",
        help="Voor extern gebruik: elke regio onder disclosure control.",
    ),
) -> None:
    """Schrijf de tabel die een pagina toont, voor een periode en selectie."""
    from data_access.access.audit import audit
    from data_access.access.roles import operator_reader, publication_reader
    from reports.inputs import load_inputs
    from reports.publish.boundary import publish
    from reports.publish.text import to_csv, to_xlsx
    from reports.quarterly import thresholds
    from reports.registry import indicator

    try:
        spec = indicator(name)
    except ValueError as exc:
        _fail(str(exc))
        return
    if basis not in {"then", "today"} or granularity not in {"month", "quarter"}:
        _fail("--basis is then of today; --per is month of quarter.")
    if output not in {"csv", "xlsx"} or (output == "xlsx" and out is None):
        _fail("--format is csv of xlsx; xlsx vraagt --out BESTAND.")
    selection = _selection(start, end, granularity, region, basis)
    engine = _engine()
    db.upgrade(engine)
    reader = operator_reader() if as_user is None else _reader(engine, as_user)
    if publication:
        reader = publication_reader()  # every region under disclosure control
    inputs = load_inputs(engine, reader.scope, selection.basis, date.today())
    published = publish(spec.build(inputs, selection), reader.scope, thresholds())
    table = published.main
    assert table is not None
    audit(engine, as_user or "cli", "export", {"indicator": name, "publicatie": publication})
    data = to_xlsx(table) if output == "xlsx" else to_csv(table)
    if out is None:
        sys.stdout.buffer.write(data)
    else:
        out.write_bytes(data)
        typer.echo(f"{table.title}: {table.listed().height} rijen geschreven naar {out}.")


def _reader(engine: Engine, email: str):  # type: ignore[no-untyped-def]
    from data_access.access.roles import reader_for

    found = reader_for(engine, email)
    if found is None:
        _fail(f"Onbekende of inactieve gebruiker '{email}': geen toegang.")
    return found


@users_app.command("add")
def users_add(
    email: str = typer.Argument(..., help="E-mailadres (zoals bij de aanmelding)."),
    role: str = typer.Option(
        ..., "--role", help="beheerder, trekkersgroep, stuurgroep of critical_friend."
    ),
    region: str | None = typer.Option(
        None, "--region", help="Regio, voor stuurgroep en critical friend."
    ),
    name: str = typer.Option("", "--name", help="Naam zoals getoond."),
    actor: str = typer.Option("cli", "--by", help="Wie de wijziging doet (audit)."),
) -> None:
    """Maak een gebruiker aan of geef een bestaande gebruiker een rol."""
    from data_access.access.roles import add_user
    from data_access.access.scope import AccessError

    engine = _engine()
    db.upgrade(engine)
    try:
        add_user(engine, email, name, role, region, actor=actor)
    except AccessError as exc:
        _fail(str(exc))
    typer.echo(f"{email}: rol {role}{f' ({region})' if region else ''} toegekend.")


@users_app.command("remove-role")
def users_remove_role(
    email: str = typer.Argument(...),
    role: str = typer.Option(..., "--role"),
    region: str | None = typer.Option(None, "--region"),
    actor: str = typer.Option("cli", "--by"),
) -> None:
    """Neem een rol af."""
    from data_access.access.roles import remove_role
    from data_access.access.scope import AccessError

    try:
        remove_role(_engine(), email, role, region, actor=actor)
    except AccessError as exc:
        _fail(str(exc))
    typer.echo(f"{email}: rol {role} ingetrokken.")


@users_app.command("deactivate")
def users_deactivate(
    email: str = typer.Argument(...), actor: str = typer.Option("cli", "--by")
) -> None:
    """Blokkeer een gebruiker (de geschiedenis blijft bewaard)."""
    from data_access.access.roles import deactivate_user
    from data_access.access.scope import AccessError

    try:
        deactivate_user(_engine(), email, actor=actor)
    except AccessError as exc:
        _fail(str(exc))
    typer.echo(f"{email}: gedeactiveerd.")


@users_app.command("list")
def users_list() -> None:
    """Toon alle gebruikers en hun rollen."""
    from data_access.access.roles import users

    engine = _engine()
    db.upgrade(engine)
    for row in users(engine).iter_rows(named=True):
        status = "" if row["active"] else " (gedeactiveerd)"
        region = f" {row['region_code']}" if row["region_code"] else ""
        typer.echo(f"{row['email']}\t{row['role'] or '-'}{region}{status}")


def _ensure_reference(engine: Engine) -> None:
    from data_access.reference.loader import reference_loaded

    if not reference_loaded(engine):
        load_reference(engine)


def _register_commands() -> None:
    # Great Expectations and the PDF tooling are imported inside the commands themselves.
    from checks.commands import check_command
    from reports.commands import freeze_command, parliament_command, report_command

    app.command("check")(check_command)
    app.command("report")(report_command)
    app.command("parliament")(parliament_command)
    app.command("freeze")(freeze_command)


_register_commands()


if __name__ == "__main__":
    app()
