"""Aanmeldingen: intakes per region and month, per 1,000 minors, consults, nature of requests."""

from __future__ import annotations

from datetime import date

import polars as pl

from data_access.reference.codes import REQUEST_NATURES
from indicators.intakes import intakes_by_nature, monthly_intakes
from indicators.periods import month_end, month_start, quarter_code, truncate_to_quarter
from reports import charts
from reports.inputs import Inputs
from reports.selection import Selection
from reports.tables import Column, Table
from reports.views import (
    View,
    all_aggregates,
    basis_note,
    disclosed,
    disclosure_notes,
    per_month,
    quality_notes,
    selected,
    source_notes,
    unknown_where_unsupported,
)


@per_month
def monthly_intake_rates(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, intakes, consults (null where the source registers no consults),
    population_0_17 of the month's layout, rate_per_1000, source."""
    registrations = inputs.registrations
    aggregates = all_aggregates(inputs)
    months = pl.concat(
        [registrations.select(month=pl.col("received_date")), aggregates.select("month")]
    ).drop_nulls()
    if months.is_empty():
        first = last = inputs.today
    else:
        first, last = months["month"].min(), months["month"].max()
    # Cut where a population layout starts, so each month takes the population valid at its
    # own start whatever other months the data holds (none before the first layout).
    cuts = sorted({d for d in inputs.populations["valid_from"].to_list() if first < d <= last})
    starts = [month_start(first), *cuts]
    ends = [*(date.fromordinal(d.toordinal() - 1) for d in cuts), month_end(last)]
    parts = [
        monthly_intakes(
            registrations.filter(pl.col("received_date").is_between(start, end)),
            aggregates.filter(pl.col("month").is_between(start, end)),
            inputs.population_on(start),
        )
        for start, end in zip(starts, ends, strict=True)
    ]
    monthly = pl.concat(parts)
    # Sources that never register consult questions have no consult count, not zero consults.
    return unknown_where_unsupported(monthly, registrations, "consults", ["consults"])


def intakes_per_period(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Intakes per region and period: period, period_start, intakes, consults, population_0_17,
    rate_per_1000, source."""
    monthly = monthly_intake_rates(inputs, selection)
    if selection.granularity == "month":
        return monthly.with_columns(
            period=pl.col("month").dt.strftime("%Y-%m"), period_start=pl.col("month")
        ).select(_COLUMNS)
    return (
        monthly.group_by("region_code", quarter_code("month").alias("period"))
        .agg(
            truncate_to_quarter(pl.col("month").min()).alias("period_start"),
            pl.col("intakes").sum(),
            pl.when(pl.col("consults").null_count() == 0)
            .then(pl.col("consults").sum())
            .alias("consults"),
            pl.col("population_0_17").last(),
            pl.when(pl.col("source").n_unique() > 1)
            .then(pl.lit("gemengd"))
            .otherwise(pl.col("source").first())
            .alias("source"),
        )
        .with_columns(
            rate_per_1000=pl.col("intakes") / pl.col("population_0_17").cast(pl.Float64) * 1000
        )
        .select(_COLUMNS)
        .sort("region_code", "period")
    )


_COLUMNS = [
    "region_code",
    "period",
    "period_start",
    "intakes",
    "consults",
    "population_0_17",
    "rate_per_1000",
    "source",
]


def intakes_view(inputs: Inputs, selection: Selection) -> View:
    """Intakes per region and period, with the rate per 1,000 minors and nature of requests."""
    names = inputs.region_names()
    per_period = disclosed(
        intakes_per_period(inputs, selection),
        inputs,
        counts=["intakes", "consults"],
        derived={"rate_per_1000": "intakes"},
        complement_by=(("period",), ("region_code",)),
    )
    unit = "maand" if selection.granularity == "month" else "kwartaal"
    notes = [
        basis_note(inputs),
        "Consultvragen worden apart geteld en zitten niet in de aanmeldingen; bronnen die geen "
        "consultvragen registreren (Excel-registers, maandtotalen) tonen '–', niet 0.",
        *source_notes(per_period, inputs, "consultvragen en aard van de vraag"),
        *disclosure_notes(inputs),
    ]
    if per_period.filter(pl.col("population_0_17").is_null()).height:
        notes.append(
            "Brussel: geen leeftijdsopdeling van de bevolking, dus geen cijfer per 1.000 "
            "minderjarigen (de vermelde 362.700 inwoners gelden voor het totaal)."
        )
    notes += quality_notes(inputs, per_period["region_code"])
    table = Table(
        per_period,
        (
            Column("region_code", "Regio", "region"),
            Column("period", "Periode", "period"),
            Column("intakes", "Aanmeldingen", "int"),
            Column("consults", "Consultvragen", "int"),
            Column("rate_per_1000", f"Per 1.000 min-18 (per {unit})", "dec2"),
            Column("source", "Bron"),
        ),
        title="Aanmeldingen per regio en " + unit,
        notes=tuple(notes),
        region_names=names,
    )
    nature = disclosed(
        intakes_by_nature(selected(inputs.registrations, selection), granularity="all"),
        inputs,
        counts=["intakes"],
        derived={"share": "intakes"},
        complement_by=(("region_code",),),
    )
    nature_table = Table(
        nature,
        (
            Column("region_code", "Regio", "region"),
            Column("request_nature", "Aard van de vraag", codes=REQUEST_NATURES),
            Column("intakes", "Aanmeldingen", "int"),
            Column("share", "Aandeel", "pct"),
        ),
        title="Aard van de vraag",
        notes=(basis_note(inputs),),
        region_names=names,
    )
    subtitle = f"{selection.period_label()} · {selection.basis_label}"
    figures = {}
    if not per_period.is_empty():
        figures["intakes"] = charts.lines(
            per_period,
            x="period_start",
            y="intakes",
            series="region_code",
            title=f"Aanmeldingen per {unit}",
            subtitle=subtitle,
            y_title="Aanmeldingen",
            names=names,
        )
        figures["rate"] = charts.lines(
            per_period.filter(pl.col("rate_per_1000").is_not_null()),
            x="period_start",
            y="rate_per_1000",
            series="region_code",
            title=f"Aanmeldingen per 1.000 inwoners jonger dan 18, per {unit}",
            subtitle=subtitle,
            y_title="Per 1.000 min-18",
            names=names,
        )
    if not nature.is_empty():
        figures["nature"] = charts.bars(
            nature,
            x="region_code",
            y="share",
            color="request_nature",
            title="Aard van de vraag",
            subtitle=subtitle,
            y_title="Aandeel",
            names=names,
            labels=dict(REQUEST_NATURES),
            percent=True,
            horizontal=True,
        )
    return View(table, figures, {"nature": nature_table}, tuple(notes))
