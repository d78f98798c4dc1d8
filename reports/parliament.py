"""The parliamentary answer: per region and month since each network's start, for publication."""

from __future__ import annotations

import io
from datetime import date
from typing import Final

import polars as pl
from sqlalchemy import Engine

from data_access.access.disclosure import Disclosure, marker
from data_access.access.scope import Scope
from data_access.reference.codes import REQUEST_NATURES, TRAJECTORY_TYPES
from indicators._sources import intakes_only
from indicators.intakes import intake_counts, intakes_by_nature
from indicators.partners import partners_involved
from indicators.periods import month_end, truncate_to_month
from indicators.response_time import timeliness_by_region_month
from reports.inputs import Inputs
from reports.quarterly import report_inputs
from reports.safe_files import workbook
from reports.tables import Column, Table, write_sheet

# The published total rows: every region together, and what the hidden cells hold together.
TOTAL: Final = "_VLAANDEREN"
HIDDEN: Final = "_VERBORGEN"
TOTAL_LABELS: Final = {
    TOTAL: "Vlaanderen (totaal)",
    HIDDEN: "Waarvan in verborgen cellen",
}


def parse_month(text: str, end: bool = False) -> date:
    """'2024-03' as its first (or last) day; a Dutch ValueError otherwise."""
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise ValueError(f"'{text}' is geen maand (JJJJ-MM).") from None
    return month_end(first) if end else first


def _period(frame: pl.DataFrame, column: str, start: date, end: date) -> pl.DataFrame:
    return frame.filter(pl.col(column).is_between(start, end))


def intakes_per_month(inputs: Inputs, start: date, end: date) -> pl.DataFrame:
    """region_code, month, intakes, tijdig (within the month), niet_tijdig, source; rows and
    monthly counts alike, each network from its first reported month."""
    registrations = _period(inputs.registrations, "received_date", start, end)
    aggregates = _period(inputs.aggregates, "month", start, end)
    counts = intake_counts(registrations, aggregates).collect().drop("consults")
    timely = timeliness_by_region_month(registrations, aggregates, inputs.today).select(
        "region_code", "month", "tijdig", pl.col("laat").alias("niet_tijdig")
    )
    return (
        counts.join(timely, on=["region_code", "month"], how="left")
        .with_columns(pl.col("tijdig", "niet_tijdig").fill_null(0))
        .select("region_code", "month", "intakes", "tijdig", "niet_tijdig", "source")
        .sort("region_code", "month")
    )


def with_totals(
    frame: pl.DataFrame,
    counts: list[str],
    disclosure: Disclosure,
    keys: tuple[str, ...] = ("month",),
) -> pl.DataFrame:
    """Disclosure control for every region, then per `key` the published total and the sum of
    the hidden cells (total − shown), so the sheet reconciles with the store."""
    controlled = disclosure.apply(
        frame, pl.lit(True), counts=counts, complement_by=(keys, ("region_code",))
    )
    totals = frame.group_by(keys).agg(pl.col(c).sum() for c in counts)
    shown = controlled.group_by(keys).agg(pl.col(c).fill_null(0).sum() for c in counts)
    hidden = totals.join(shown, on=keys, suffix="_shown").select(
        *keys, *((pl.col(c) - pl.col(f"{c}_shown")).alias(c) for c in counts)
    )
    extra = pl.concat(
        [
            totals.with_columns(region_code=pl.lit(TOTAL)),
            hidden.with_columns(region_code=pl.lit(HIDDEN)),
        ],
        how="diagonal_relaxed",
    ).with_columns(pl.lit(None, pl.String).alias(marker(c)) for c in counts)
    return pl.concat([controlled, extra], how="diagonal_relaxed").sort(
        *keys, pl.col("region_code").str.starts_with("_"), "region_code"
    )


def trajectories_per_month(inputs: Inputs, start: date, end: date) -> pl.DataFrame:
    """region_code, month, started, closed: trajectories by month of start and of closure."""
    trajectories = intakes_only(inputs.registrations.lazy()).filter(
        pl.col("response_type").is_in(sorted(TRAJECTORY_TYPES))
    )
    started = (
        trajectories.with_columns(
            month=truncate_to_month(pl.coalesce("first_contact_date", "received_date"))
        )
        .group_by("region_code", "month")
        .agg(pl.len().cast(pl.Int64).alias("started"))
    )
    closed = (
        trajectories.filter(pl.col("closed_date").is_not_null())
        .with_columns(month=truncate_to_month("closed_date"))
        .group_by("region_code", "month")
        .agg(pl.len().cast(pl.Int64).alias("closed"))
    )
    return (
        started.join(closed, on=["region_code", "month"], how="full", coalesce=True)
        .with_columns(pl.col("started", "closed").fill_null(0))
        .filter(pl.col("month").is_between(start, end))
        .sort("region_code", "month")
        .collect()
    )


DEFINITIONS: Final = (
    "Aanmeldingen: registraties van het soort 'aanmelding' per maand van ontvangst en per regio "
    "zoals toen georganiseerd (consultvragen niet meegeteld); bij bronnen met enkel "
    "maandtotalen het gemelde totaal.",
    "Binnen de maand opgepakt (tijdig): eerste contact uiterlijk één kalendermaand na de "
    "aanmelding (omzendbrief van 20 juli 2017). Niet binnen de maand: later eerste contact, of "
    "nog geen contact terwijl de termijn verstreken is. Vervallen en lopende aanmeldingen "
    "tellen in geen van beide.",
    "Aard van de vraag: de hoofdvraag bij de aanmelding, geharmoniseerd naar de gemeenschappelijke "
    "codelijst.",
    "Betrokken organisaties: verschillende partners en sectoren bij de aanmeldingen van de maand.",
    "Trajecten: aanmeldingen met als antwoord gezinsplan, kortdurende begeleiding, overbrugging, "
    "zorgcoördinatie of ELP; gestart bij het eerste contact, afgesloten op de afsluitdatum.",
    "Een maand zonder rij: de regio leverde voor die maand geen gegevens of bestond nog niet; er "
    "wordt geen nul ingevuld.",
    "Disclosure control voor publicatie: aantallen 1 tot 4 staan als '<5'; waar één cel "
    "verborgen is, wordt een tweede verborgen ('x'). De rij 'Vlaanderen (totaal)' is het "
    "volledige totaal; de rij 'Waarvan in verborgen cellen' is wat de verborgen cellen samen "
    "bevatten, zodat de tabel sluit met de opslag.",
)

SOURCE_LIMITS: Final = (
    "Bronnen met enkel maandtotalen (maandtotalen, zonder dossiers) leveren het aantal "
    "aanmeldingen en het aantal binnen de maand, maar geen aard van de vraag, geen betrokken "
    "organisaties en geen trajecten: die regio-maanden ontbreken in die bladen.",
    "Excel-registers registreren geen consultvragen; consultvragen staan daarom niet in dit "
    "antwoord.",
    "Betrokken organisaties zijn alleen gekend waar de bron partners registreert.",
)


def parliament_tables(engine: Engine, start: date, end: date, today: date) -> list[Table]:
    """The answer's tables, every region under disclosure control (Scope with no detail)."""
    inputs = report_inputs(engine, Scope(frozenset()), today)
    names = {**inputs.region_names(), **TOTAL_LABELS}
    region = Column("region_code", "Regio", "region")
    month = Column("month", "Maand", "month")
    intakes = with_totals(
        intakes_per_month(inputs, start, end),
        ["intakes", "tijdig", "niet_tijdig"],
        inputs.disclosure,
    )
    registrations = _period(inputs.registrations, "received_date", start, end)
    nature = intakes_by_nature(registrations, granularity="month").rename({"period_start": "month"})
    nature = with_totals(
        nature.drop("period", "share"),
        ["intakes"],
        inputs.disclosure,
        keys=("month", "request_nature"),
    )
    partners = _period(inputs.partners, "received_date", start, end)
    involved = inputs.disclosure.apply(
        partners_involved(partners, granularity="month").rename({"period_start": "month"}),
        pl.lit(True),
        counts=["registrations"],
    )
    trajectories = with_totals(
        trajectories_per_month(inputs, start, end), ["started", "closed"], inputs.disclosure
    )
    period = f"{start.strftime('%m/%Y')} – {end.strftime('%m/%Y')}"
    return [
        Table(
            intakes,
            (
                region,
                month,
                Column("intakes", "Aanmeldingen", "int"),
                Column("tijdig", "Binnen de maand opgepakt", "int"),
                Column("niet_tijdig", "Niet binnen de maand", "int"),
                Column("source", "Bron"),
            ),
            title=f"Aanmeldingen per regio en maand, {period}",
            region_names=names,
        ),
        Table(
            nature,
            (
                region,
                month,
                Column("request_nature", "Aard van de vraag", codes=dict(REQUEST_NATURES)),
                Column("intakes", "Aanmeldingen", "int"),
            ),
            title=f"Aard van de vraag per regio en maand, {period}",
            region_names=names,
        ),
        Table(
            involved.drop("period"),
            (
                region,
                month,
                Column("partners", "Betrokken organisaties", "int"),
                Column("sectors", "Sectoren", "int"),
                Column("registrations", "Aanmeldingen met partners", "int"),
            ),
            title=f"Betrokken organisaties per regio en maand, {period}",
            notes=(
                "Aantallen verschillende organisaties en sectoren; het aantal aanmeldingen staat "
                "onder disclosure control.",
            ),
            region_names=names,
        ),
        Table(
            trajectories,
            (
                region,
                month,
                Column("started", "Trajecten gestart", "int"),
                Column("closed", "Trajecten afgesloten", "int"),
            ),
            title=f"Trajecten per regio en maand, {period}",
            region_names=names,
        ),
    ]


SHEETS: Final = ("Aanmeldingen", "Aard van de vraag", "Organisaties", "Trajecten")


def parliament_xlsx(engine: Engine, start: date, end: date, today: date) -> bytes:
    """The workbook: one sheet per measure, then the definitions and the sources' limits."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    for name, table in zip(SHEETS, parliament_tables(engine, start, end, today), strict=True):
        write_sheet(book, table, name)
    sheet = book.add_worksheet("Definities en bronnen")
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, "Definities", bold)
    for i, line in enumerate(DEFINITIONS, start=1):
        sheet.write_string(i, 0, line)
    top = len(DEFINITIONS) + 2
    sheet.write_string(top, 0, "Wat sommige bronnen niet kunnen leveren", bold)
    for i, line in enumerate(SOURCE_LIMITS, start=top + 1):
        sheet.write_string(i, 0, line)
    sheet.set_column(0, 0, 140)
    book.close()
    return buffer.getvalue()
