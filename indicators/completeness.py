"""Rapporteringsvolledigheid: per region and active month, whether data arrived and how complete."""

from __future__ import annotations

from datetime import date

import polars as pl

from data_access.reference.codes import DROPPED_REASONS
from indicators._sources import (
    INTAKE,
    MONTHLY_COUNTS,
    ROWS,
    FrameLike,
    as_lazy,
    count_rows,
    count_true,
    region_months_with_rows,
    share,
)
from indicators.periods import months_between, truncate_to_month
from indicators.response_time import deadline


def _known(column: str) -> pl.Expr:
    # A code "ONBEKEND" is as uninformative as an empty cell.
    return pl.col(column).is_not_null() & (pl.col(column) != "ONBEKEND")


def reporting_completeness(
    registrations: FrameLike,
    aggregates: FrameLike,
    regions: FrameLike,
    start: date,
    end: date,
    today: date,
) -> pl.DataFrame:
    """Per region and month from `start` to `end` in which the region was active: data arrived?

    Columns: region_code, month, has_data, source ("rijen", "maandtotalen", null when nothing
    arrived), rows (registration rows of both kinds), share_municipality (nis_code known),
    share_referrer, share_request_nature (known and not "ONBEKEND"), share_first_contact.
    The shares are over the month's rows and null for monthly counts. A first contact is
    expected from an aanmelding that has one, or that is not dropped and whose calendar-month
    deadline passed before `today`; share_first_contact is null when none is expected.
    Active months come from REGION active_from / active_to (open ends: always active).
    """
    month_grid = pl.LazyFrame({"month": months_between(start, end)}, schema={"month": pl.Date})
    month = pl.col("month")
    active = (
        as_lazy(regions)
        .select("region_code", "active_from", "active_to")
        .join(month_grid, how="cross")
        .filter(
            (pl.col("active_from").is_null() | (pl.col("active_from") <= month.dt.month_end()))
            & (pl.col("active_to").is_null() | (pl.col("active_to") >= month))
        )
        .select("region_code", "month")
    )
    rows = as_lazy(registrations).filter(pl.col("received_date").is_not_null())
    contact = pl.col("first_contact_date")
    contact_expected = (pl.col("kind") == INTAKE) & (
        contact.is_not_null()
        | (
            ~pl.col("closure_reason").is_in(sorted(DROPPED_REASONS)).fill_null(False)
            & (pl.lit(today) > deadline())
        )
    )
    row_stats = (
        rows.with_columns(contact_expected.alias("_expected"))
        .group_by("region_code", truncate_to_month("received_date").alias("month"))
        .agg(
            pl.lit(ROWS).alias("source"),
            count_rows().alias("rows"),
            share(count_true(pl.col("nis_code").is_not_null()), count_rows()).alias(
                "share_municipality"
            ),
            share(count_true(_known("referrer")), count_rows()).alias("share_referrer"),
            share(count_true(_known("request_nature")), count_rows()).alias("share_request_nature"),
            share(
                count_true(pl.col("_expected") & contact.is_not_null()),
                count_true(pl.col("_expected")),
            ).alias("share_first_contact"),
        )
    )
    aggregate_months = (
        as_lazy(aggregates)
        .select("region_code", "month")
        .unique()
        .join(region_months_with_rows(rows), on=["region_code", "month"], how="anti")
        .with_columns(pl.lit(MONTHLY_COUNTS).alias("source"))
    )
    arrived = pl.concat([row_stats, aggregate_months], how="diagonal")
    return (
        active.join(arrived, on=["region_code", "month"], how="left")
        .with_columns(pl.col("source").is_not_null().alias("has_data"))
        .select(
            "region_code",
            "month",
            "has_data",
            "source",
            "rows",
            "share_municipality",
            "share_referrer",
            "share_request_nature",
            "share_first_contact",
        )
        .sort("region_code", "month")
        .collect()
    )
