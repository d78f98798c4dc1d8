"""Aanmeldingen: intakes per region and period, per 1,000 minors, consults, nature of requests."""

from __future__ import annotations

from functools import partial

import polars as pl

from data_access.access.perturbation import noise_of, summed
from data_access.reference.codes import REQUEST_NATURES
from indicators._sources import combined_source
from indicators.periods import period_columns, quarter_code, truncate_to_quarter
from reports import charts
from reports.inputs import Inputs
from reports.publish.cells import Count, Measure, PerUnit, Share, Text
from reports.publish.spec import ChartSpec, Section, TableSpec, View
from reports.selection import Selection
from reports.series.intakes import monthly_intakes, monthly_natures
from reports.views.common import (
    PERIOD,
    REGION,
    SOURCE,
    basis_note,
    quality_notes,
    source_notes,
    subtitle,
    unit,
)

CONSULTS_NOTE = (
    "Consultvragen worden apart geteld en zitten niet in de aanmeldingen; bronnen die geen "
    "consultvragen registreren (Excel-registers, maandtotalen) tonen '–', niet 0."
)
BRUSSELS_NOTE = (
    "Brussel: geen leeftijdsopdeling van de bevolking, dus geen cijfer per 1.000 "
    "minderjarigen (de vermelde 362.700 inwoners gelden voor het totaal)."
)


def intakes_per_period(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """region_code, period, period_start, intakes, consults (with perturbations),
    population_0_17, source per region and selected month or quarter."""
    monthly = monthly_intakes(inputs, selection)
    if selection.granularity == "month":
        return monthly.with_columns(
            period=pl.col("month").dt.strftime("%Y-%m"), period_start=pl.col("month")
        )
    return (
        monthly.group_by("region_code", quarter_code("month").alias("period"))
        .agg(
            truncate_to_quarter(pl.col("month").min()).alias("period_start"),
            *summed("intakes"),
            # A quarter with one month of unknown consults has unknown consults.
            *(
                pl.when(pl.col(c).null_count() == 0).then(pl.col(c).sum()).alias(c)
                for c in ("consults", noise_of("consults"))
            ),
            pl.col("population_0_17").last(),
            combined_source(),
        )
        .sort("region_code", "period")
    )


def natures_over(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """region_code, request_nature, intakes (with perturbation) over the selected period."""
    return (
        monthly_natures(inputs, selection)
        .group_by("region_code", "request_nature")
        .agg(*summed("intakes"))
        .with_columns(*period_columns("month", "all"))
        .sort("region_code", "request_nature")
    )


def intakes_view(inputs: Inputs, selection: Selection) -> View:
    """Intakes per region and period, with the rate per 1,000 minors and nature of requests."""
    names = inputs.region_names()
    per_period = intakes_per_period(inputs, selection)
    per = unit(selection)
    notes = [
        basis_note(inputs),
        CONSULTS_NOTE,
        *source_notes(per_period, inputs, "consultvragen en aard van de vraag"),
    ]
    if per_period.filter(pl.col("population_0_17").is_null()).height:
        notes.append(BRUSSELS_NOTE)
    notes += quality_notes(inputs, per_period["region_code"])
    table = TableSpec(
        per_period,
        (
            REGION,
            PERIOD,
            Count("intakes", "Aanmeldingen"),
            Count("consults", "Consultvragen"),
            PerUnit(
                "rate_per_1000",
                f"Per 1.000 min-18 (per {per})",
                count="intakes",
                unit="population_0_17",
                per=1000,
            ),
            SOURCE,
        ),
        title="Aanmeldingen per regio en " + per,
        notes=tuple(notes),
        region_names=names,
        inputs=(Measure("population_0_17", "Inwoners 0–17"), Text("period_start", "Begin")),
        name="aanmeldingen",
    )
    nature = TableSpec(
        natures_over(inputs, selection),
        (
            REGION,
            Text("request_nature", "Aard van de vraag", codes=REQUEST_NATURES),
            Count("intakes", "Aanmeldingen"),
            Share("share", "Aandeel", count="intakes", within=("region_code",)),
        ),
        title="Aard van de vraag",
        notes=(basis_note(inputs),),
        region_names=names,
        name="aard-van-de-vraag",
    )
    over_time = subtitle(selection)
    return View(
        "Aanmeldingen",
        (
            Section(
                "Aanmeldingen per regio",
                (
                    ChartSpec(
                        table,
                        partial(
                            charts.line_chart,
                            x="period_start",
                            y="intakes",
                            series="region_code",
                            title=f"Aanmeldingen per {per}",
                            subtitle=over_time,
                            y_title="Aanmeldingen",
                        ),
                        "Aanmeldingen",
                        show_table=False,
                    ),
                    ChartSpec(
                        table,
                        partial(
                            charts.line_chart,
                            x="period_start",
                            y="rate_per_1000",
                            series="region_code",
                            title=f"Aanmeldingen per 1.000 inwoners jonger dan 18, per {per}",
                            subtitle=over_time,
                            y_title="Per 1.000 min-18",
                        ),
                        "Per 1.000 min-18",
                        show_table=False,
                    ),
                    table,
                ),
            ),
            Section(
                "Aard van de vraag",
                (
                    ChartSpec(
                        nature,
                        partial(
                            charts.bar_chart,
                            x="region_code",
                            y="share",
                            color="request_nature",
                            title="Aard van de vraag",
                            subtitle=over_time,
                            y_title="Aandeel",
                            labels=dict(REQUEST_NATURES),
                            percent=True,
                            horizontal=True,
                        ),
                        "Aard van de vraag",
                        show_table=False,
                    ),
                    nature,
                ),
            ),
        ),
        notes=tuple(notes),
        main=table,
    )
