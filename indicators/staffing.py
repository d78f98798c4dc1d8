"""Personeelsinzet: FTE by function per region and quarter, per inhabitant and per intake."""

from __future__ import annotations

from datetime import date

import polars as pl

from indicators._sources import FrameLike, as_lazy, combined_source, count_rows, share
from indicators.intakes import intake_counts
from indicators.periods import month_start, quarter_code

_QUARTER_KEYS = ["region_code", "quarter", "quarter_start"]


def fte_by_function(staffing: FrameLike) -> pl.DataFrame:
    """FTE per region, quarter and function (all employers together).

    Columns: region_code, quarter, quarter_start, function, fte.
    """
    return (
        as_lazy(staffing)
        .group_by(*_QUARTER_KEYS, "function")
        .agg(pl.col("fte").sum())
        .sort("region_code", "quarter", "function")
        .collect()
    )


def _fte_by_quarter(staffing: FrameLike) -> pl.LazyFrame:
    return as_lazy(staffing).group_by(_QUARTER_KEYS).agg(pl.col("fte").sum())


def fte_per_inhabitants(staffing: FrameLike, populations: FrameLike) -> pl.DataFrame:
    """Total FTE per region and quarter per 100,000 inhabitants of the region.

    Columns: region_code, quarter, quarter_start, fte, population_total, fte_per_100k.
    """
    population = as_lazy(populations).select("region_code", "population_total")
    return (
        _fte_by_quarter(staffing)
        .join(population, on="region_code", how="left", validate="m:1")
        .with_columns(
            (share(pl.col("fte"), pl.col("population_total")) * 100_000).alias("fte_per_100k")
        )
        .sort("region_code", "quarter")
        .collect()
    )


def registrations_per_fte(
    registrations: FrameLike,
    aggregates: FrameLike,
    staffing: FrameLike,
    today: date | None = None,
) -> pl.DataFrame:
    """Intakes per FTE and quarter, over the months of the quarter actually covered, per region.

    Columns: region_code, quarter, quarter_start, fte, intakes, months_with_data (0–3),
    fte_covered, registrations_per_fte, source. Intakes come from rows or monthly counts as in
    `monthly_intakes`, of the months that ended before `today` (the running month is still
    filling); they are null when the region reported nothing in the quarter. See
    `intakes_per_fte` for the division.
    """
    return intakes_per_fte(intake_counts(registrations, aggregates), staffing, today)


def intakes_per_fte(
    monthly_intakes: FrameLike, staffing: FrameLike, today: date | None = None
) -> pl.DataFrame:
    """registrations_per_fte from intakes per region and month already counted (region_code,
    month, intakes, source: `intake_counts`, e.g. kept for every month).

    A quarter's staff works its three months; its intakes are known for `months_with_data` of
    them (a running quarter, a month not delivered). They are set against the staff of those
    months only: registrations_per_fte = intakes ÷ fte_covered, fte_covered = fte ×
    months_with_data ÷ 3, so a quarter with two months of data is not divided by a whole
    quarter's staff (docs/design.md §5, "Personeelsinzet")."""
    monthly = as_lazy(monthly_intakes)
    if today is not None:
        monthly = monthly.filter(pl.col("month") < month_start(today))
    intakes = (
        monthly.with_columns(quarter_code("month").alias("quarter"))
        .group_by("region_code", "quarter")
        .agg(
            pl.col("intakes").sum(),
            count_rows().alias("months_with_data"),
            combined_source(),
        )
    )
    return (
        _fte_by_quarter(staffing)
        .join(intakes, on=["region_code", "quarter"], how="left")
        .with_columns(pl.col("months_with_data").fill_null(0))
        .with_columns(fte_covered(pl.col("fte"), pl.col("months_with_data")).alias("fte_covered"))
        .with_columns(
            share(pl.col("intakes"), pl.col("fte_covered")).alias("registrations_per_fte"),
        )
        .select(
            *_QUARTER_KEYS,
            "fte",
            "intakes",
            "months_with_data",
            "fte_covered",
            "registrations_per_fte",
            "source",
        )
        .sort("region_code", "quarter")
        .collect()
    )


def fte_covered(fte: pl.Expr, months_with_data: pl.Expr) -> pl.Expr:
    """A quarter's FTE over the months its intakes cover: fte × months ÷ 3."""
    return fte * months_with_data.cast(pl.Float64) / 3
