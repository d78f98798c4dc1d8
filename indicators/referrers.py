"""Aanmeldersmix: who refers families, by referrer and referrer group, per region and period."""

from __future__ import annotations

from typing import Final

import polars as pl

from data_access.reference.codes import REFERRERS, referrer_group
from indicators._sources import (
    MONTHLY_COUNTS,
    ROWS,
    FrameLike,
    as_lazy,
    count_rows,
    intakes_only,
    region_months_with_rows,
    share,
    source_over,
)
from indicators.periods import Granularity, period_columns, truncate_to_month

# Aggregate measures "referrer_group:<GROUP>" carry a referrer group's monthly count.
GROUP_MEASURE_PREFIX: Final = "referrer_group:"

# The contract's referrer_group() as a lookup, so polars applies exactly the same grouping.
_GROUP_OF_REFERRER: Final = {code: referrer_group(code) for code in REFERRERS}

_PERIOD_KEYS = ["region_code", "period", "period_start"]


def referrer_group_of(column: str = "referrer") -> pl.Expr:
    """The referrer group (codes.referrer_group) of a referrer column; unknown codes → ANDERE."""
    return pl.col(column).replace_strict(
        _GROUP_OF_REFERRER, default=referrer_group(None), return_dtype=pl.String
    )


def referrer_shares(registrations: FrameLike, granularity: Granularity = "month") -> pl.DataFrame:
    """Intakes per referrer with their share within region and period.

    Columns: region_code, period, period_start, referrer, intakes, share. A missing referrer
    counts as "ONBEKEND". Rows only: monthly counts never carry referrer detail, so their
    region-months are absent here.
    """
    return referrer_shares_of(monthly_referrer_counts(registrations), granularity)


def monthly_referrer_counts(registrations: FrameLike) -> pl.LazyFrame:
    """region_code, month, referrer ("ONBEKEND" when missing), intakes — lazily."""
    return (
        intakes_only(as_lazy(registrations))
        .group_by(
            "region_code",
            truncate_to_month("received_date").alias("month"),
            pl.col("referrer").fill_null("ONBEKEND"),
        )
        .agg(count_rows().alias("intakes"))
    )


def referrer_shares_of(
    monthly_counts: FrameLike, granularity: Granularity = "month"
) -> pl.DataFrame:
    """referrer_shares from `monthly_referrer_counts` already made."""
    return (
        as_lazy(monthly_counts)
        .group_by("region_code", *period_columns("month", granularity), "referrer")
        .agg(pl.col("intakes").sum())
        .with_columns(
            share(pl.col("intakes"), pl.col("intakes").sum().over(_PERIOD_KEYS)).alias("share")
        )
        .sort("region_code", "period", "referrer")
        .collect()
    )


def monthly_referrer_group_counts(registrations: FrameLike, aggregates: FrameLike) -> pl.LazyFrame:
    """region_code, month, referrer_group, intakes, source — lazily, for other indicators.

    Rows where a region-month has them, else the measures "referrer_group:<GROUP>".
    """
    rows = as_lazy(registrations)
    from_rows = (
        intakes_only(rows)
        .group_by(
            "region_code",
            truncate_to_month("received_date").alias("month"),
            referrer_group_of().alias("referrer_group"),
        )
        .agg(count_rows().alias("intakes"))
        .with_columns(pl.lit(ROWS).alias("source"))
    )
    measure = pl.col("measure")
    from_counts = (
        as_lazy(aggregates)
        .filter(measure.str.starts_with(GROUP_MEASURE_PREFIX))
        .group_by(
            "region_code",
            "month",
            measure.str.strip_prefix(GROUP_MEASURE_PREFIX).alias("referrer_group"),
        )
        .agg(pl.col("value").sum().cast(pl.Int64).alias("intakes"))
        .join(region_months_with_rows(rows), on=["region_code", "month"], how="anti")
        .with_columns(pl.lit(MONTHLY_COUNTS).alias("source"))
    )
    return pl.concat([from_rows, from_counts.select(from_rows.collect_schema().names())])


def _group_counts(monthly_counts: FrameLike, granularity: Granularity) -> pl.LazyFrame:
    return (
        as_lazy(monthly_counts)
        .with_columns(*period_columns("month", granularity))
        .with_columns(source_over("region_code", "period"))
        .group_by(*_PERIOD_KEYS, "referrer_group", "source")
        .agg(pl.col("intakes").sum())
    )


def referrer_group_shares(
    registrations: FrameLike, aggregates: FrameLike, granularity: Granularity = "month"
) -> pl.DataFrame:
    """Intakes per referrer group with their share within region and period.

    Columns: region_code, period, period_start, referrer_group, intakes, share, source.
    Region-months without rows use the measures "referrer_group:<GROUP>"; the share's
    denominator is then the sum of those groups. Where neither exists the period is absent.
    """
    return group_shares_of(monthly_referrer_group_counts(registrations, aggregates), granularity)


def group_shares_of(monthly_counts: FrameLike, granularity: Granularity = "month") -> pl.DataFrame:
    """referrer_group_shares from `monthly_referrer_group_counts` already made (e.g. kept for
    every month and filtered to the period)."""
    return (
        _group_counts(monthly_counts, granularity)
        .with_columns(
            share(pl.col("intakes"), pl.col("intakes").sum().over(_PERIOD_KEYS)).alias("share")
        )
        .select(*_PERIOD_KEYS, "referrer_group", "intakes", "share", "source")
        .sort("region_code", "period", "referrer_group")
        .collect()
    )


def brede_instap_share(
    registrations: FrameLike, aggregates: FrameLike, granularity: Granularity = "month"
) -> pl.DataFrame:
    """The share of intakes referred through the brede instap, per region and period.

    Columns: region_code, period, period_start, brede_instap, intakes, share, source.
    """
    return brede_instap_of(monthly_referrer_group_counts(registrations, aggregates), granularity)


def brede_instap_of(monthly_counts: FrameLike, granularity: Granularity = "month") -> pl.DataFrame:
    """brede_instap_share from `monthly_referrer_group_counts` already made."""
    is_brede_instap = pl.col("referrer_group") == "BREDE_INSTAP"
    return (
        _group_counts(monthly_counts, granularity)
        .group_by(*_PERIOD_KEYS, "source")
        .agg(
            pl.col("intakes").filter(is_brede_instap).sum().alias("brede_instap"),
            pl.col("intakes").sum(),
        )
        .with_columns(share(pl.col("brede_instap"), pl.col("intakes")).alias("share"))
        .select(*_PERIOD_KEYS, "brede_instap", "intakes", "share", "source")
        .sort("region_code", "period")
        .collect()
    )
