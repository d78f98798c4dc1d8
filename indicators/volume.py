"""Volumeafspraken GV/SDJ: intakes referred by GV and SDJ against the agreed yearly numbers."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

import polars as pl

from data_access.reference.codes import VOLUME_PARTIES
from indicators._sources import FrameLike, as_lazy, share, source_over
from indicators.referrers import monthly_referrer_group_counts


def elapsed_fraction(year: int, reference_date: date) -> float:
    """The part of `year` elapsed at `reference_date`, the reference day included (0–1)."""
    if year < reference_date.year:
        return 1.0
    if year > reference_date.year:
        return 0.0
    days_in_year = 366 if calendar.isleap(year) else 365
    return ((reference_date - date(year, 1, 1)).days + 1) / days_in_year


def with_every_party(agreements: FrameLike, region_years: FrameLike) -> pl.LazyFrame:
    """region_code, year, party, agreed: every agreement, and every party (VOLUME_PARTIES)
    of a region-year in `region_years` without one (agreed null). A region's realised
    numbers are shown whether or not an agreement exists for that year."""
    agreed = as_lazy(agreements).select("region_code", "year", "party", "agreed")
    parties = pl.LazyFrame({"party": sorted(VOLUME_PARTIES)})
    unagreed = (
        as_lazy(region_years)
        .select("region_code", "year")
        .unique()
        .join(parties, how="cross")
        .join(agreed, on=["region_code", "year", "party"], how="anti")
        .with_columns(pl.lit(None, pl.Int64).alias("agreed"))
    )
    return pl.concat([agreed, unagreed], how="vertical_relaxed")


def volume_progress(
    registrations: FrameLike,
    aggregates: FrameLike,
    agreements: FrameLike,
    reference_date: date,
    years: Iterable[int] | None = None,
) -> pl.DataFrame:
    """Realised GV and SDJ intakes per agreement, against the agreed and the pro-rata number.

    Columns: region_code, year, party, agreed, realised, progress (realised / agreed),
    elapsed_fraction, pro_rata_target (agreed × elapsed fraction: the full number for past
    years), progress_vs_pro_rata (realised / pro_rata_target), projected_year_end (realised /
    elapsed fraction; realised itself for past years, null for future ones), source.
    Only intakes received up to `reference_date` count (monthly counts: months starting by
    then). realised is null when the region reported nothing for the year at all. A
    region-year of `years` (default: the years of `agreements`) with data but no agreement
    has a row per party, agreed null (with_every_party).
    """
    ref_year = reference_date.year
    reported = (
        monthly_referrer_group_counts(
            as_lazy(registrations).filter(pl.col("received_date") <= reference_date),
            as_lazy(aggregates).filter(pl.col("month") <= reference_date),
        )
        .with_columns(pl.col("month").dt.year().cast(pl.Int32).alias("year"))
        .with_columns(source_over("region_code", "year"))
    )
    region_years = reported.select("region_code", "year", "source").unique()
    realised = (
        reported.filter(pl.col("referrer_group").is_in(sorted(VOLUME_PARTIES)))
        .group_by("region_code", "year", pl.col("referrer_group").alias("party"))
        .agg(pl.col("intakes").sum().alias("realised"))
    )
    year = pl.col("year")
    fraction = (
        pl.when(year < ref_year)
        .then(pl.lit(1.0))
        .when(year > ref_year)
        .then(pl.lit(0.0))
        .otherwise(pl.lit(elapsed_fraction(ref_year, reference_date)))
    )
    shown = (
        as_lazy(agreements).select("year").unique().collect()["year"].to_list()
        if years is None
        else list(years)
    )
    return (
        with_every_party(agreements, region_years.filter(pl.col("year").is_in(shown)))
        .join(region_years, on=["region_code", "year"], how="left")
        .join(realised, on=["region_code", "year", "party"], how="left")
        # A region that reported in the year but had no referral by this party realised 0.
        .with_columns(
            pl.when(pl.col("source").is_not_null())
            .then(pl.col("realised").fill_null(0))
            .alias("realised"),
            fraction.alias("elapsed_fraction"),
        )
        .with_columns(
            share(pl.col("realised"), pl.col("agreed")).alias("progress"),
            (pl.col("agreed") * pl.col("elapsed_fraction")).alias("pro_rata_target"),
            share(pl.col("realised"), pl.col("elapsed_fraction")).alias("projected_year_end"),
        )
        .with_columns(
            share(pl.col("realised"), pl.col("pro_rata_target")).alias("progress_vs_pro_rata")
        )
        .select(
            "region_code",
            "year",
            "party",
            "agreed",
            "realised",
            "progress",
            "elapsed_fraction",
            "pro_rata_target",
            "progress_vs_pro_rata",
            "projected_year_end",
            "source",
        )
        .sort("region_code", "year", "party")
        .collect()
    )
