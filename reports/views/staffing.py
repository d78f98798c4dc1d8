"""Personeelsinzet: FTE by function per region and quarter, per inhabitant, per intake, and 2020."""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import partial
from typing import Final

import plotly.graph_objects as go
import polars as pl

from data_access.access.perturbation import summed
from data_access.reference.codes import STAFFING_FUNCTIONS
from indicators._sources import combined_source, count_rows
from indicators.formatting import fmt_dec, quarter_label
from indicators.periods import quarter_bounds, quarter_code, quarter_of
from indicators.staffing import fte_by_function, fte_per_inhabitants
from reports import charts
from reports.inputs import Inputs
from reports.publish.boundary import PublishedTable
from reports.publish.cells import Count, Measure, PerUnit, Text
from reports.publish.spec import ChartSpec, Section, TableSpec, View
from reports.selection import Selection
from reports.series.intakes import monthly_intakes
from reports.views.common import REGION, SOURCE, basis_note, quality_notes

# The total the 2020 evaluation states for the first 15 networks (domain/000, "Personeelsinzet");
# the listed network totals sum to less (data_access/reference/README.md, "Sum check").
STATED_TOTAL_2020: Final = 208.79


def selected_quarters(selection: Selection) -> tuple[date, date]:
    """The first and last day of the whole quarters overlapping the selected period."""
    return quarter_bounds(quarter_of(selection.start))[0], quarter_bounds(
        quarter_of(selection.end)
    )[1]


def staffing_in_selection(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Staffing rows of the selected regions in the quarters overlapping the selected period."""
    first, last = selected_quarters(selection)
    return inputs.staffing.filter(
        pl.col("quarter_start").is_between(first, last) & selection.in_regions()
    )


def fte_per_100k(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """indicators.staffing.fte_per_inhabitants with, per quarter, the population of the region
    layout valid at the start of that quarter."""
    staffing = staffing_in_selection(inputs, selection)
    parts = [
        fte_per_inhabitants(
            staffing.filter(pl.col("quarter_start") == start), inputs.population_on(start)
        )
        for start in staffing["quarter_start"].unique().sort().to_list()
    ]
    if not parts:
        return fte_per_inhabitants(staffing, inputs.population_on(selection.start))
    return pl.concat(parts).sort("region_code", "quarter")


def intakes_per_fte(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Per region and whole selected quarter with staff: fte, intakes (with perturbation;
    null when the region reported nothing in the quarter), months_with_data (0–3), source."""
    first, last = selected_quarters(selection)
    monthly = monthly_intakes(inputs, dataclasses.replace(selection, start=first, end=last))
    intakes = monthly.group_by("region_code", quarter_code("month").alias("quarter")).agg(
        *summed("intakes"), count_rows().alias("months_with_data"), combined_source()
    )
    staffing = staffing_in_selection(inputs, selection)
    return (
        staffing.group_by("region_code", "quarter", "quarter_start")
        .agg(pl.col("fte").sum())
        .join(intakes, on=["region_code", "quarter"], how="left")
        .with_columns(pl.col("months_with_data").fill_null(0))
        .sort("region_code", "quarter")
    )


def staffing_view(inputs: Inputs, selection: Selection) -> View:
    """FTE by function per region and quarter, FTE per 100,000 inhabitants, intakes per FTE,
    and the 2020 reference table of the first 15 networks."""
    names = inputs.region_names()
    by_function = fte_by_function(staffing_in_selection(inputs, selection)).with_columns(
        pl.col("function")
        .replace_strict(STAFFING_FUNCTIONS, default=pl.col("function"))
        .alias("function_label")
    )
    first, last = selected_quarters(selection)
    quarters = f"{quarter_label(quarter_of(first))} – {quarter_label(quarter_of(last))}"
    notes = [
        basis_note(inputs),
        f"Personeelsinzet wordt per kwartaal gerapporteerd: deze pagina toont de hele kwartalen "
        f"{quarters} die de gekozen periode overlappen, ook als u per maand kiest.",
    ]
    if inputs.basis == "today":
        notes.append(
            "VTE staan bij het netwerk dat ze rapporteerde; ze worden niet herverdeeld naar de "
            "huidige regio's."
        )
    notes += quality_notes(inputs, by_function["region_code"])
    quarter = Text("quarter", "Kwartaal", "quarter")
    fte = Measure("fte", "VTE", "dec2", additive=True)
    table = TableSpec(
        by_function,
        (REGION, quarter, Text("function_label", "Functie"), fte),
        title="Personeelsinzet per regio, kwartaal en functie",
        notes=tuple(notes),
        region_names=names,
        inputs=(Text("function", "Functie (code)"),),
        name="personeelsinzet",
    )
    per_100k = TableSpec(
        fte_per_100k(inputs, selection),
        (
            REGION,
            quarter,
            fte,
            Measure("population_total", "Inwoners", "int"),
            Measure("fte_per_100k", "VTE per 100.000 inwoners", "dec2"),
        ),
        title="VTE per 100.000 inwoners",
        notes=(
            basis_note(inputs),
            "Inwoners van het werkingsgebied volgens de regio-indeling die in dat kwartaal "
            "gold; Brussel: de 362.700 inwoners die het netwerk zelf vermeldt.",
        ),
        region_names=names,
        name="vte-per-100000-inwoners",
    )
    per_fte = TableSpec(
        intakes_per_fte(inputs, selection),
        (
            REGION,
            quarter,
            fte,
            Count("intakes", "Aanmeldingen"),
            Measure("months_with_data", "Maanden met gegevens", "int"),
            PerUnit(
                "registrations_per_fte", "Aanmeldingen per VTE", "dec1", count="intakes", unit="fte"
            ),
            SOURCE,
        ),
        title="Aanmeldingen per VTE",
        notes=(
            basis_note(inputs),
            "Aanmeldingen van het kwartaal gedeeld door de VTE van het kwartaal. Een kwartaal met "
            "minder dan 3 maanden gegevens (lopend kwartaal, of een regio die niet elke maand "
            "aanleverde) telt te weinig aanmeldingen: zie 'Maanden met gegevens'.",
        ),
        region_names=names,
        name="aanmeldingen-per-vte",
    )
    over_time = f"{quarters} · {selection.basis_label}"
    staffing_blocks: list[ChartSpec | TableSpec] = []
    if not by_function.is_empty():
        last_quarter = str(by_function["quarter"].max())
        staffing_blocks += [
            ChartSpec(
                table,
                partial(_by_function, quarter=last_quarter, basis=selection.basis_label),
                "VTE per functie",
                show_table=False,
            ),
            ChartSpec(
                table,
                partial(_total, subtitle=over_time),
                "Totaal VTE per kwartaal",
                show_table=False,
            ),
        ]
    return View(
        "Personeelsinzet",
        (
            Section("Personeelsinzet per functie", (*staffing_blocks, table)),
            Section(
                "VTE per 100.000 inwoners",
                (
                    ChartSpec(
                        per_100k,
                        partial(
                            _quarter_lines,
                            y="fte_per_100k",
                            title="VTE per 100.000 inwoners",
                            subtitle=over_time,
                            y_title="VTE per 100.000",
                        ),
                        "VTE per 100.000 inwoners",
                        show_table=False,
                    ),
                    per_100k,
                ),
            ),
            Section(
                "Aanmeldingen per VTE",
                (
                    ChartSpec(
                        per_fte,
                        partial(
                            _quarter_lines,
                            y="registrations_per_fte",
                            title="Aanmeldingen per VTE, per kwartaal",
                            subtitle=over_time,
                            y_title="Aanmeldingen per VTE",
                        ),
                        "Aanmeldingen per VTE",
                        show_table=False,
                    ),
                    per_fte,
                ),
            ),
            Section("Referentie 2020: de eerste 15 netwerken", (reference_2020(inputs),)),
        ),
        notes=tuple(notes),
        main=table,
    )


def _by_function(table: PublishedTable, *, quarter: str, basis: str) -> go.Figure:
    """FTE per function and region in the last quarter shown."""
    return charts.bars(
        table.values.filter(pl.col("quarter") == quarter).sort("region_code"),
        x="region_code",
        y="fte",
        color="function",
        title=f"VTE per functie, {quarter_label(quarter)}",
        subtitle=f"{quarter_label(quarter)} · {basis}",
        y_title="VTE",
        names=table.region_names,
        labels=dict(STAFFING_FUNCTIONS),
        horizontal=True,
    )


def _total(table: PublishedTable, *, subtitle: str) -> go.Figure:
    """Total FTE per region over the quarters."""
    totals = table.values.group_by("region_code", "quarter").agg(pl.col("fte").sum())
    return charts.lines(
        _with_quarter_label(totals),
        x="quarter_label",
        y="fte",
        series="region_code",
        title="Totaal VTE per kwartaal",
        subtitle=subtitle,
        y_title="VTE",
        names=table.region_names,
    )


def _quarter_lines(
    table: PublishedTable, *, y: str, title: str, subtitle: str, y_title: str
) -> go.Figure:
    """A figure per region over the quarters (hidden values leave gaps)."""
    return charts.lines(
        _with_quarter_label(table.values.filter(pl.col(y).is_not_null())),
        x="quarter_label",
        y=y,
        series="region_code",
        title=title,
        subtitle=subtitle,
        y_title=y_title,
        names=table.region_names,
    )


def reference_2020(inputs: Inputs) -> TableSpec:
    """The 2020 evaluation's FTE table of the first 15 networks, with its sum check."""
    reference = inputs.network_reference.sort("network_name")
    listed = float(reference["fte_total"].sum()) if reference.height else 0.0
    without_total = reference.filter(pl.col("fte_total").is_null())["network_name"].to_list()
    gap = STATED_TOTAL_2020 - listed
    sum_check = (
        f"De evaluatie van 2020 vermeldt in totaal {fmt_dec(STATED_TOTAL_2020, 2)} VTE voor de "
        f"eerste 15 netwerken; de som van de vermelde netwerktotalen is {fmt_dec(listed, 2)} VTE."
    )
    if abs(gap) >= 0.005:
        sum_check += f" Het verschil van {fmt_dec(gap, 2)} VTE wordt niet toegelicht"
        if without_total:
            sum_check += (
                f"; het is waarschijnlijk het aandeel van {', '.join(without_total)}, waarvoor "
                "de tekst geen totaal geeft"
            )
        sum_check += "."
    return TableSpec(
        reference,
        (
            Text("network_name", "Netwerk"),
            Measure("fte_total", "VTE totaal", "dec2"),
            Measure("fte_coordination", "Coördinatie", "dec2"),
            Measure("fte_team", "Team", "dec2"),
            Measure("fte_elp", "ELP", "dec2"),
            Measure("fte_other", "Andere", "dec2"),
            Text("fte_note", "Toelichting bij de bron"),
        ),
        title="Referentie 2020: personeelsinzet van de eerste 15 netwerken",
        name="referentie-2020",
        notes=(
            sum_check,
            "Bron: evaluatie 1 Gezin 1 Plan (2020), onderdeel Personeelsinzet; de tabel staat los "
            "van de gekozen periode en regio's. '–': niet vermeld in de bron.",
        ),
    )


def _with_quarter_label(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds quarter_label ("2025 K4"), which sorts like the quarters, as the x of a chart."""
    return frame.with_columns(pl.col("quarter").str.replace("Q", " K").alias("quarter_label"))
