"""The parliamentary answer: per region and month since each network's start, for publication.

Every region is under disclosure control (the publication audience sees no region in detail),
and the Flemish totals are sums of the published cells.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Final

import polars as pl
from sqlalchemy import Engine

from data_access.access.perturbation import noise_of
from data_access.access.roles import publication_reader
from data_access.reference.codes import REQUEST_NATURES
from indicators.periods import month_end
from reports.inputs import Inputs
from reports.publish.boundary import PROVISIONAL, PublishedTable, Thresholds, publish
from reports.publish.cells import Count, Flag, Text
from reports.publish.spec import Section, TableSpec, Totals, View
from reports.publish.text import write_sheet
from reports.quarterly import report_inputs, thresholds
from reports.safe_files import workbook
from reports.selection import Selection
from reports.series.intakes import monthly_intakes, monthly_natures
from reports.series.organisations import organisations_per_period
from reports.series.reach import monthly_trajectories
from reports.series.timeliness import monthly_timeliness

# The published total row: every region together.
TOTAL: Final = "_VLAANDEREN"
TOTAL_LABEL: Final = "Vlaanderen (totaal)"
REGION: Final = Text("region_code", "Regio", "region")
MONTH: Final = Text("month", "Maand", "month")


def parse_month(text: str, end: bool = False) -> date:
    """'2024-03' as its first (or last) day; a Dutch ValueError otherwise."""
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise ValueError(f"'{text}' is geen maand (JJJJ-MM).") from None
    return month_end(first) if end else first


def intakes_per_month(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """region_code, month, intakes, tijdig (within the month), niet_tijdig (with perturbations;
    null where the source cannot tell), source; rows and monthly counts alike, each network
    from its first reported month."""
    intakes = monthly_intakes(inputs, selection).select(
        "region_code", "month", "intakes", noise_of("intakes"), "source"
    )
    timely = monthly_timeliness(inputs, selection, "calendar_month").select(
        "region_code",
        "month",
        "tijdig",
        noise_of("tijdig"),
        pl.col("laat").alias("niet_tijdig"),
        pl.col(noise_of("laat")).alias(noise_of("niet_tijdig")),
        "provisional",
    )
    # Unknown stays unknown ('–'): a source that does not record first contacts, or monthly
    # counts without "within the month", never reads as 0 picked up.
    return intakes.join(timely, on=["region_code", "month"], how="left").sort(
        "month", "region_code"
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
    "Voorlopig: een maand waarvan de termijn van één maand nog niet voor elke aanmelding "
    "verstreken is; wie nog geen contact had, telt dan nog niet als 'niet binnen de maand'.",
)


def disclosure_definition(thresholds: Thresholds) -> str:
    """The disclosure paragraph of the answer, with the configured threshold's symbol."""
    small = thresholds.small
    return (
        "Disclosure control voor publicatie (cell-key-methode, zie docs/disclosure.md): elk "
        "aantal is licht verstoord, telkens op dezelfde manier voor dezelfde registraties; "
        f"aantallen van 1 tot {thresholds.min_count - 1} staan als '{small}'. De rij "
        "'Vlaanderen (totaal)' is de som van de gepubliceerde cellen, ook van die met "
        f"'{small}', zodat elke tabel sluit."
    )


SOURCE_LIMITS: Final = (
    "Bronnen met enkel maandtotalen (maandtotalen, zonder dossiers) leveren het aantal "
    "aanmeldingen en het aantal binnen de maand, maar geen aard van de vraag, geen betrokken "
    "organisaties en geen trajecten: die regio-maanden ontbreken in die bladen.",
    "Excel-registers registreren geen consultvragen; consultvragen staan daarom niet in dit "
    "antwoord.",
    "Betrokken organisaties zijn alleen gekend waar de bron partners registreert.",
)


def parliament_view(inputs: Inputs, start: date, end: date) -> View:
    """The answer's tables, per region and month, with the Flemish total of every month."""
    selection = Selection(start, end, "month", (), "then")
    names = {**inputs.region_names(), TOTAL: TOTAL_LABEL}
    period = f"{start.strftime('%m/%Y')} – {end.strftime('%m/%Y')}"
    per_month = (Totals(TOTAL, by=("month",), first=False),)
    intakes = TableSpec(
        intakes_per_month(inputs, selection),
        (
            REGION,
            MONTH,
            Count("intakes", "Aanmeldingen"),
            Count("tijdig", "Binnen de maand opgepakt"),
            Count("niet_tijdig", "Niet binnen de maand"),
            Flag("provisional", "Status", symbol=PROVISIONAL),
            Text("source", "Bron"),
        ),
        title=f"Aanmeldingen per regio en maand, {period}",
        region_names=names,
        totals=(Totals(TOTAL, by=("month",), first=False, common=("source",)),),
        name="Aanmeldingen",
    )
    nature = TableSpec(
        monthly_natures(inputs, selection).sort("month", "request_nature", "region_code"),
        (
            REGION,
            MONTH,
            Text("request_nature", "Aard van de vraag", codes=dict(REQUEST_NATURES)),
            Count("intakes", "Aanmeldingen"),
        ),
        title=f"Aard van de vraag per regio en maand, {period}",
        region_names=names,
        totals=(Totals(TOTAL, by=("month", "request_nature"), first=False),),
        name="Aard van de vraag",
    )
    involved = TableSpec(
        organisations_per_period(inputs, selection)
        .rename({"period_start": "month"})
        .sort("month", "region_code"),
        (
            REGION,
            MONTH,
            Count("organisations", "Betrokken organisaties"),
            Count("sectors", "Sectoren"),
            Count("registrations", "Aanmeldingen met partners"),
        ),
        title=f"Betrokken organisaties per regio en maand, {period}",
        notes=(
            "Aantallen verschillende organisaties en sectoren per regio en maand; die tellen "
            "niet op over regio's of maanden, dus zonder Vlaams totaal.",
        ),
        region_names=names,
        name="Organisaties",
    )
    trajectories = TableSpec(
        monthly_trajectories(inputs, selection).sort("month", "region_code"),
        (
            REGION,
            MONTH,
            Count("started", "Trajecten gestart"),
            Count("closed", "Trajecten afgesloten"),
        ),
        title=f"Trajecten per regio en maand, {period}",
        region_names=names,
        totals=per_month,
        name="Trajecten",
    )
    tables = (intakes, nature, involved, trajectories)
    return View("Parlementair antwoord", (Section("", tables),), main=intakes)


def parliament_tables(engine: Engine, start: date, end: date, today: date) -> list[PublishedTable]:
    """The answer's tables as published: every region under disclosure control."""
    audience = publication_reader().scope
    inputs = report_inputs(engine, audience, today)
    return publish(parliament_view(inputs, start, end), audience, thresholds()).tables()


def parliament_xlsx(engine: Engine, start: date, end: date, today: date) -> bytes:
    """The workbook: one sheet per measure, then the definitions and the sources' limits."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    for table in parliament_tables(engine, start, end, today):
        write_sheet(book, table, table.name)
    sheet = book.add_worksheet("Definities en bronnen")
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, "Definities", bold)
    definitions = (*DEFINITIONS, disclosure_definition(thresholds()))
    for i, line in enumerate(definitions, start=1):
        sheet.write_string(i, 0, line)
    top = len(definitions) + 2
    sheet.write_string(top, 0, "Wat sommige bronnen niet kunnen leveren", bold)
    for i, line in enumerate(SOURCE_LIMITS, start=top + 1):
        sheet.write_string(i, 0, line)
    sheet.set_column(0, 0, 140)
    book.close()
    return buffer.getvalue()
