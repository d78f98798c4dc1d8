"""Shared building blocks: lazy inputs, registration kinds, and rows versus monthly counts."""

from __future__ import annotations

from typing import Final, TypeAlias

import polars as pl

from indicators.periods import truncate_to_month

# Every indicator accepts the read API's eager frames as well as lazy ones built on top of them.
FrameLike: TypeAlias = pl.DataFrame | pl.LazyFrame

INTAKE: Final = "aanmelding"
CONSULT: Final = "consult"

# The `source` column: where a region-month's figure comes from (docs/design.md §4, "monthly
# counts").
ROWS: Final = "rijen"
MONTHLY_COUNTS: Final = "maandtotalen"
# A period (quarter, year, range) built from months of both kinds.
MIXED: Final = "gemengd"


def as_lazy(frame: FrameLike) -> pl.LazyFrame:
    """The frame as a LazyFrame."""
    return frame.lazy()


def count_rows() -> pl.Expr:
    """The number of rows as Int64, the dtype of every count the indicators return."""
    return pl.len().cast(pl.Int64)


def count_true(predicate: pl.Expr) -> pl.Expr:
    """The number of rows where `predicate` holds (nulls count as false), as Int64."""
    return predicate.fill_null(False).sum().cast(pl.Int64)


def share(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator as Float64, null where the denominator is 0 or null."""
    return (
        pl.when(denominator > 0)
        .then(numerator.cast(pl.Float64) / denominator.cast(pl.Float64))
        .otherwise(None)
    )


def intakes_only(registrations: pl.LazyFrame) -> pl.LazyFrame:
    """Registrations of kind aanmelding with a received date: the base of every intake figure."""
    return registrations.filter((pl.col("kind") == INTAKE) & pl.col("received_date").is_not_null())


def region_months_with_rows(registrations: pl.LazyFrame) -> pl.LazyFrame:
    """region_code, month: every region-month with at least one registration row of any kind."""
    return (
        registrations.filter(pl.col("received_date").is_not_null())
        .select("region_code", truncate_to_month("received_date").alias("month"))
        .unique()
    )


def measure_without_rows(
    aggregates: pl.LazyFrame, measure: str, registrations: pl.LazyFrame, name: str
) -> pl.LazyFrame:
    """region_code, month, <name>: an aggregate measure for the region-months without rows.

    Rows win where both exist, so a network that switched from monthly counts to the uniform
    format is never counted twice.
    """
    return (
        aggregates.filter(pl.col("measure") == measure)
        .group_by("region_code", "month")
        .agg(pl.col("value").sum().cast(pl.Int64).alias(name))
        .join(region_months_with_rows(registrations), on=["region_code", "month"], how="anti")
    )


def combined_source() -> pl.Expr:
    """In an aggregation over months: their common `source`, or "gemengd" when they differ."""
    return (
        pl.when(pl.col("source").n_unique() == 1)
        .then(pl.col("source").first())
        .otherwise(pl.lit(MIXED))
        .alias("source")
    )


def sum_or_null(column: str) -> pl.Expr:
    """In an aggregation: the sum of `column`, null when every value is null."""
    # polars sums an all-null group to 0; a total of unknowns must stay unknown.
    return pl.when(pl.col(column).count() > 0).then(pl.col(column).sum()).alias(column)


def source_over(*keys: str) -> pl.Expr:
    """Per row: the common `source` of all rows with the same `keys`, or "gemengd"."""
    return (
        pl.when(pl.col("source").n_unique().over(*keys) == 1)
        .then(pl.col("source"))
        .otherwise(pl.lit(MIXED))
        .alias("source")
    )
