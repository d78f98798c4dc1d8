"""Aanmeldingen (intakes) per region and month, consults apart, and rates per 1,000 minors."""

from __future__ import annotations

import polars as pl

from indicators._sources import (
    CONSULT,
    INTAKE,
    MONTHLY_COUNTS,
    ROWS,
    FrameLike,
    as_lazy,
    combined_source,
    count_rows,
    count_true,
    intakes_only,
    measure_without_rows,
    share,
    sum_or_null,
)
from indicators.periods import Granularity, period_columns, truncate_to_month

_MONTHLY_COLUMNS = ["region_code", "month", "intakes", "consults", "source"]


def intake_counts(registrations: FrameLike, aggregates: FrameLike) -> pl.LazyFrame:
    """region_code, month, intakes, consults, source — lazily, for other indicators to build on.

    Region-months with registration rows count them ("rijen"); region-months with only the
    aggregate measure "intakes" take it ("maandtotalen", consults unknown: null). Region-months
    with neither are absent: no zero is invented for a network that did not report.
    """
    rows = as_lazy(registrations).filter(pl.col("received_date").is_not_null())
    from_rows = (
        rows.group_by("region_code", truncate_to_month("received_date").alias("month"))
        .agg(
            count_true(pl.col("kind") == INTAKE).alias("intakes"),
            count_true(pl.col("kind") == CONSULT).alias("consults"),
        )
        .with_columns(pl.lit(ROWS).alias("source"))
        .select(_MONTHLY_COLUMNS)
    )
    from_counts = (
        measure_without_rows(as_lazy(aggregates), "intakes", rows, "intakes")
        .with_columns(
            pl.lit(None, dtype=pl.Int64).alias("consults"), pl.lit(MONTHLY_COUNTS).alias("source")
        )
        .select(_MONTHLY_COLUMNS)
    )
    return pl.concat([from_rows, from_counts])


def monthly_intakes(
    registrations: FrameLike, aggregates: FrameLike, populations: FrameLike
) -> pl.DataFrame:
    """Intakes per region and month with consults apart and the rate per 1,000 inhabitants 0–17.

    Columns: region_code, month (first day), intakes, consults (null for monthly counts),
    population_0_17, rate_per_1000 (null without an age breakdown, e.g. Brussels), source.
    `populations` holds one row per region (REGION_POPULATION on the chosen basis).
    """
    population = as_lazy(populations).select("region_code", "population_0_17")
    return (
        intake_counts(registrations, aggregates)
        .join(population, on="region_code", how="left", validate="m:1")
        .with_columns(
            (share(pl.col("intakes"), pl.col("population_0_17")) * 1000).alias("rate_per_1000")
        )
        .select(
            "region_code",
            "month",
            "intakes",
            "consults",
            "population_0_17",
            "rate_per_1000",
            "source",
        )
        .sort("region_code", "month")
        .collect()
    )


def flanders_monthly_intakes(monthly: pl.DataFrame) -> pl.DataFrame:
    """The Flanders (all regions) total per month of a `monthly_intakes` result.

    Columns: month, regions (regions with data), intakes, consults (of the regions with rows),
    population_0_17, rate_per_1000, source. The rate only uses regions with a known population
    0–17, for numerator and denominator alike, so Brussels' intakes do not inflate it.
    """
    with_population = pl.col("population_0_17").is_not_null()
    return (
        monthly.lazy()
        .group_by("month")
        .agg(
            pl.col("region_code").n_unique().cast(pl.Int64).alias("regions"),
            pl.col("intakes").sum().alias("intakes"),
            sum_or_null("consults"),
            sum_or_null("population_0_17"),
            pl.col("intakes").filter(with_population).sum().alias("_rated_intakes"),
            combined_source(),
        )
        .with_columns(
            (share(pl.col("_rated_intakes"), pl.col("population_0_17")) * 1000).alias(
                "rate_per_1000"
            )
        )
        .select(
            "month",
            "regions",
            "intakes",
            "consults",
            "population_0_17",
            "rate_per_1000",
            "source",
        )
        .sort("month")
        .collect()
    )


def intakes_by_nature(registrations: FrameLike, granularity: Granularity = "all") -> pl.DataFrame:
    """Intakes per region, period and request nature, with the share within region and period.

    Columns: region_code, period, period_start, request_nature, intakes, share. A missing
    request nature counts as "ONBEKEND". Rows only: monthly counts carry no request nature.
    """
    return (
        intakes_only(as_lazy(registrations))
        .group_by(
            "region_code",
            *period_columns("received_date", granularity),
            pl.col("request_nature").fill_null("ONBEKEND"),
        )
        .agg(count_rows().alias("intakes"))
        .with_columns(
            share(pl.col("intakes"), pl.col("intakes").sum().over("region_code", "period")).alias(
                "share"
            )
        )
        .sort("region_code", "period", "request_nature")
        .collect()
    )
