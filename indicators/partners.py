"""Betrokken organisaties: distinct partners and sectors involved per region and period."""

from __future__ import annotations

import polars as pl

from indicators._sources import FrameLike, as_lazy, count_rows
from indicators.periods import Granularity, period_columns

_PERIOD_KEYS = ["region_code", "period", "period_start"]


def _distinct(column: str) -> pl.Expr:
    return pl.col(column).drop_nulls().n_unique().cast(pl.Int64)


def partners_involved(
    registration_partners: FrameLike, granularity: Granularity = "quarter"
) -> pl.DataFrame:
    """Distinct partners and sectors involved, per region and period of receipt.

    Columns: region_code, period, period_start, partners, sectors, registrations (distinct
    registrations with at least one partner). Periods without any partner row are absent.
    """
    return (
        as_lazy(registration_partners)
        .group_by("region_code", *period_columns("received_date", granularity))
        .agg(
            _distinct("partner_name").alias("partners"),
            _distinct("sector").alias("sectors"),
            _distinct("registration_id").alias("registrations"),
        )
        .sort("region_code", "period")
        .collect()
    )


def partners_by_sector(
    registration_partners: FrameLike, granularity: Granularity = "quarter"
) -> pl.DataFrame:
    """Per region, period and sector: distinct partners and involvements (partner rows).

    Columns: region_code, period, period_start, sector ("ONBEKEND" when missing), partners,
    involvements.
    """
    return (
        as_lazy(registration_partners)
        .group_by(
            "region_code",
            *period_columns("received_date", granularity),
            pl.col("sector").fill_null("ONBEKEND"),
        )
        .agg(_distinct("partner_name").alias("partners"), count_rows().alias("involvements"))
        .sort("region_code", "period", "sector")
        .collect()
    )
