"""Bereik and trajecten: families reached, trajectories started, closed and ongoing, and outflow."""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl

from data_access.reference.codes import TRAJECTORY_TYPES
from indicators._sources import FrameLike, as_lazy, count_rows, count_true, intakes_only, share
from indicators.periods import truncate_to_month

# Each network is to reach 200 extra families a year (parliamentary answer on the 1G1P
# evaluation, domain/003: "de beoogde doelstelling om 200 gezinnen extra te bereiken"). Extra
# on the reach before 1G1P, a baseline the store does not hold: the families reached are shown
# beside the target, never as a share of it (docs/design.md §5, "Bereik").
FAMILIES_TARGET_PER_YEAR: Final = 200

# Short guidance is bounded at 4 months (vision text of Collectief Noord-West-Vlaanderen, §5.1.1).
SHORT_GUIDANCE_MONTHS: Final = 4

FURTHER_CARE_RTJ: Final = "DOORVERWEZEN_RTJ"
FURTHER_CARE_NRTJ: Final = "DOORVERWEZEN_NRTJ"


def _trajectories(registrations: FrameLike) -> pl.LazyFrame:
    """The aanmeldingen that started a trajectory, with start_date and duration_days.

    A trajectory is an aanmelding whose response_type is in TRAJECTORY_TYPES. It starts at the
    first contact (when the team meets the family), or at receipt when no first contact was
    registered, so that no trajectory is dropped. duration_days is null while it is open.
    """
    start = pl.coalesce("first_contact_date", "received_date")
    return (
        intakes_only(as_lazy(registrations))
        .filter(pl.col("response_type").is_in(sorted(TRAJECTORY_TYPES)))
        .with_columns(start.alias("start_date"))
        .with_columns(
            (pl.col("closed_date") - pl.col("start_date")).dt.total_days().alias("duration_days"),
            pl.col("start_date").dt.year().cast(pl.Int32).alias("start_year"),
            pl.col("closed_date").dt.year().cast(pl.Int32).alias("closed_year"),
        )
    )


def families_reached(
    registrations: FrameLike, target: int = FAMILIES_TARGET_PER_YEAR
) -> pl.DataFrame:
    """Distinct families with a trajectory started in the year, per region, beside the target.

    Columns: region_code, year, families, trajectories_without_family (started trajectories
    whose family_id is missing: not countable as families, shown rather than dropped), target
    (extra families a year). The year is the start year (first contact, else receipt). No share
    of the target: it counts extra families over a baseline that is not known, all families
    reached cannot be set against it.
    """
    family = pl.col("family_id")
    return (
        _trajectories(registrations)
        .group_by("region_code", pl.col("start_year").alias("year"))
        .agg(
            _distinct_families(),
            count_true(family.is_null()).alias("trajectories_without_family"),
        )
        .with_columns(pl.lit(target, dtype=pl.Int64).alias("target"))
        .sort("region_code", "year")
        .collect()
    )


def family_months(registrations: FrameLike) -> pl.DataFrame:
    """The families of started trajectories by region, start year and month received: what
    `families_in` counts distinct families from over any range of months.

    Columns: region_code, year (start year), month (first day of the month received),
    family_id (null where missing). One row per trajectory: a narrow copy of the rows that
    count, which a filter on month and a distinct count per region and year read in
    milliseconds.
    """
    return (
        _trajectories(registrations)
        .select(
            "region_code",
            pl.col("start_year").alias("year"),
            truncate_to_month("received_date").alias("month"),
            "family_id",
        )
        .collect()
    )


def families_in(family_months: pl.DataFrame) -> pl.DataFrame:
    """Distinct families per region and start year among `family_months` rows (as
    families_reached counts them): region_code, year, families."""
    return family_months.group_by("region_code", "year").agg(_distinct_families())


def _distinct_families() -> pl.Expr:
    return pl.col("family_id").drop_nulls().n_unique().cast(pl.Int64).alias("families")


def trajectories_by_year(registrations: FrameLike) -> pl.DataFrame:
    """Trajectories started (by start year) and closed (by closing year) per region and year.

    Columns: region_code, year, started, closed. A year with starts but no closures (or the
    reverse) shows 0 for the other.
    """
    lazy = _trajectories(registrations)
    started = lazy.group_by("region_code", pl.col("start_year").alias("year")).agg(
        count_rows().alias("started")
    )
    closed = (
        lazy.filter(pl.col("closed_date").is_not_null())
        .group_by("region_code", pl.col("closed_year").alias("year"))
        .agg(count_rows().alias("closed"))
    )
    return (
        started.join(closed, on=["region_code", "year"], how="full", coalesce=True)
        .with_columns(pl.col("started", "closed").fill_null(0))
        .sort("region_code", "year")
        .collect()
    )


def ongoing_trajectories(registrations: FrameLike, on_date: date) -> pl.DataFrame:
    """Trajectories ongoing at `on_date` per region: started by then and not closed by then.

    Columns: region_code, ongoing. Regions without any ongoing trajectory are absent.
    """
    closed = pl.col("closed_date")
    return (
        _trajectories(registrations)
        .filter((pl.col("start_date") <= on_date) & (closed.is_null() | (closed > on_date)))
        .group_by("region_code")
        .agg(count_rows().alias("ongoing"))
        .sort("region_code")
        .collect()
    )


def _closed_trajectories(registrations: FrameLike) -> pl.LazyFrame:
    return _trajectories(registrations).filter(pl.col("closed_date").is_not_null())


def trajectory_durations(registrations: FrameLike) -> pl.DataFrame:
    """Median duration in days of the trajectories closed per region and closing year.

    Columns: region_code, year, closed, median_days.
    """
    return (
        _closed_trajectories(registrations)
        .group_by("region_code", pl.col("closed_year").alias("year"))
        .agg(count_rows().alias("closed"), pl.col("duration_days").median().alias("median_days"))
        .sort("region_code", "year")
        .collect()
    )


def short_guidance_within_limit(
    registrations: FrameLike, months: int = SHORT_GUIDANCE_MONTHS
) -> pl.DataFrame:
    """Share of closed KORTDURENDE_BEGELEIDING trajectories closed within `months` months.

    Columns: region_code, year (closing year), closed, within_limit, share. "Within 4 months"
    is a calendar rule like the pick-up deadline: closed on or before start + 4 months.
    """
    limit = pl.col("start_date").dt.offset_by(f"{months}mo")
    return (
        _closed_trajectories(registrations)
        .filter(pl.col("response_type") == "KORTDURENDE_BEGELEIDING")
        .group_by("region_code", pl.col("closed_year").alias("year"))
        .agg(
            count_rows().alias("closed"),
            count_true(pl.col("closed_date") <= limit).alias("within_limit"),
        )
        .with_columns(share(pl.col("within_limit"), pl.col("closed")).alias("share"))
        .sort("region_code", "year")
        .collect()
    )


def closure_reasons(registrations: FrameLike) -> pl.DataFrame:
    """Closed trajectories per region, closing year and closure reason, with shares.

    Columns: region_code, year, closure_reason ("ONBEKEND" when missing), closed, share.
    """
    return (
        _closed_trajectories(registrations)
        .group_by(
            "region_code",
            pl.col("closed_year").alias("year"),
            pl.col("closure_reason").fill_null("ONBEKEND"),
        )
        .agg(count_rows().alias("closed"))
        .with_columns(
            share(pl.col("closed"), pl.col("closed").sum().over("region_code", "year")).alias(
                "share"
            )
        )
        .sort("region_code", "year", "closure_reason")
        .collect()
    )


def further_care_flow(registrations: FrameLike) -> pl.DataFrame:
    """Closed trajectories referred on to further care (RTJ / non-RTJ), per region and year.

    Columns: region_code, year (closing year), closed, to_rtj, to_nrtj, share_rtj, share_nrtj.
    """
    reason = pl.col("closure_reason")
    return (
        _closed_trajectories(registrations)
        .group_by("region_code", pl.col("closed_year").alias("year"))
        .agg(
            count_rows().alias("closed"),
            count_true(reason == FURTHER_CARE_RTJ).alias("to_rtj"),
            count_true(reason == FURTHER_CARE_NRTJ).alias("to_nrtj"),
        )
        .with_columns(
            share(pl.col("to_rtj"), pl.col("closed")).alias("share_rtj"),
            share(pl.col("to_nrtj"), pl.col("closed")).alias("share_nrtj"),
        )
        .sort("region_code", "year")
        .collect()
    )
