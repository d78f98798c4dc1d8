"""Bereik en trajecten kept per region and year: families reached, trajectories started and
closed, how they closed, and their durations, each count with its perturbation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import polars as pl

from data_access.access.perturbation import (
    consistent_with,
    counted,
    distinct_counts,
    noise_of,
    perturbation,
)
from data_access.reference.codes import TRAJECTORY_TYPES
from indicators._sources import MIXED, MONTHLY_COUNTS, ROWS, intakes_only
from indicators.reach import (
    FAMILIES_TARGET_PER_YEAR,
    FURTHER_CARE_NRTJ,
    FURTHER_CARE_RTJ,
    SHORT_GUIDANCE_MONTHS,
)
from reports.inputs import Inputs
from reports.series import all_aggregates, months_without, per_month, per_year

# Durations are kept per day up to three years; longer ones count as that day.
MAX_DURATION_DAYS: Final = 3 * 366

_KEYS: Final = ["region_code", "year"]


def _trajectories(inputs: Inputs) -> pl.LazyFrame:
    """The aanmeldingen that started a trajectory (indicators.reach): start at first contact,
    else at receipt; start and closing year; duration in days while closed."""
    start = pl.coalesce("first_contact_date", "received_date")
    return (
        intakes_only(inputs.registrations.lazy())
        .filter(pl.col("response_type").is_in(sorted(TRAJECTORY_TYPES)))
        .with_columns(start.alias("start_date"))
        .with_columns(
            (pl.col("closed_date") - pl.col("start_date")).dt.total_days().alias("duration_days"),
            pl.col("start_date").dt.year().cast(pl.Int32).alias("start_year"),
            pl.col("closed_date").dt.year().cast(pl.Int32).alias("closed_year"),
        )
    )


def _region_years(inputs: Inputs) -> pl.DataFrame:
    """region_code, year, source for every region-year with data: "rijen" when every month came
    as rows that can show trajectories, "maandtotalen" when none did, else "gemengd"."""
    rows = inputs.registrations.filter(pl.col("received_date").is_not_null())
    row_months = rows.select(
        "region_code", pl.col("received_date").dt.truncate("1mo").alias("month")
    ).unique()
    blind = [
        months_without(inputs, "reach"),
        all_aggregates(inputs)
        .select("region_code", "month")
        .unique()
        .join(row_months, on=["region_code", "month"], how="anti"),
    ]
    without = pl.concat(blind).unique().with_columns(_blind=pl.lit(True))
    return (
        pl.concat([row_months, without.select("region_code", "month")])
        .unique()
        .join(without, on=["region_code", "month"], how="left")
        .group_by("region_code", pl.col("month").dt.year().cast(pl.Int32).alias("year"))
        .agg(pl.col("_blind").fill_null(False).alias("_blind"))
        .with_columns(
            source=pl.when(~pl.col("_blind").list.any())
            .then(pl.lit(ROWS))
            .when(pl.col("_blind").list.all())
            .then(pl.lit(MONTHLY_COUNTS))
            .otherwise(pl.lit(MIXED))
        )
        .drop("_blind")
    )


@per_year
def yearly_families(inputs: Inputs) -> pl.DataFrame:
    """region_code, year, families (distinct families with a trajectory started in the year)
    and trajectories_without_family (started trajectories without a family number), each
    with its perturbation, target and source, for every region-year with data: 0 where rows
    show none, null where the data cannot show trajectories (monthly counts)."""
    keys = inputs.cell_keys
    # A calendar year's families are one cell: a late registration changes the count, never
    # the perturbation (data_access.access.perturbation).
    families = pl.col("family_id").drop_nulls().n_unique().cast(pl.Int64)
    reached = (
        _trajectories(inputs)
        .with_columns(year=pl.col("start_year"))
        .group_by(_KEYS)
        .agg(
            families.alias("families"),
            perturbation(families, keys.cell("families", _KEYS).first()).alias(
                noise_of("families")
            ),
            *counted(
                "trajectories_without_family",
                pl.col("family_id").is_null(),
                keys=keys,
                at=_KEYS,
            ),
        )
        .collect()
    )
    counts = ["families", "trajectories_without_family"]
    return (
        _region_years(inputs)
        .join(reached, on=_KEYS, how="full", coalesce=True)
        .with_columns(
            pl.when(pl.col("source") == MONTHLY_COUNTS)
            .then(None)
            .otherwise(pl.col(c).fill_null(0))
            .alias(c)
            for name in counts
            for c in (name, noise_of(name))
        )
        .with_columns(
            pl.col("source").fill_null(ROWS),
            pl.lit(FAMILIES_TARGET_PER_YEAR, dtype=pl.Int64).alias("target"),
            pl.col("year").cast(pl.String).alias("year_label"),
        )
        .sort(_KEYS)
    )


def _started_and_closed(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, started (by the month of start) and closed (by the month of
    closing), with perturbations: the finest cells every count of trajectories adds up from."""

    def compute() -> pl.DataFrame:
        keys = inputs.cell_keys
        trajectories = _trajectories(inputs)
        at = ["region_code", "month"]
        started = (
            trajectories.with_columns(month=pl.col("start_date").dt.truncate("1mo"))
            .group_by(at)
            .agg(*counted("started", keys=keys, at=at))
        )
        closed = (
            trajectories.filter(pl.col("closed_date").is_not_null())
            .with_columns(month=pl.col("closed_date").dt.truncate("1mo"))
            .group_by(at)
            .agg(*counted("closed", keys=keys, at=at))
        )
        return (
            started.join(closed, on=at, how="full", coalesce=True)
            .with_columns(
                pl.col(c).fill_null(0) for n in ("started", "closed") for c in (n, noise_of(n))
            )
            .sort(at)
            .collect()
        )

    return inputs.remembered("started_and_closed", compute)


def _yearly_closed(inputs: Inputs) -> pl.DataFrame:
    """region_code, year, closed with perturbation: the sum of the year's monthly cells."""
    return (
        _started_and_closed(inputs)
        .group_by("region_code", pl.col("month").dt.year().cast(pl.Int32).alias("year"))
        .agg(pl.col("closed").sum(), pl.col(noise_of("closed")).sum())
        .filter(pl.col("closed") > 0)
    )


@per_year
def yearly_trajectories(inputs: Inputs) -> pl.DataFrame:
    """Per region and year: started (by start year) and closed (by closing year) as sums of
    the monthly cells, the closed ones' exact median duration and their durations as a
    histogram per day, short guidance closed and closed within SHORT_GUIDANCE_MONTHS; counts
    with perturbations."""
    keys = inputs.cell_keys
    monthly = _started_and_closed(inputs).with_columns(
        year=pl.col("month").dt.year().cast(pl.Int32)
    )
    counts = monthly.group_by(_KEYS).agg(
        *(pl.col(c).sum() for n in ("started", "closed") for c in (n, noise_of(n)))
    )
    closed_rows = _trajectories(inputs).filter(pl.col("closed_date").is_not_null())
    limit = pl.col("start_date").dt.offset_by(f"{SHORT_GUIDANCE_MONTHS}mo")
    short = pl.col("response_type") == "KORTDURENDE_BEGELEIDING"
    closed = (
        closed_rows.with_columns(year=pl.col("closed_year"))
        .group_by(_KEYS)
        .agg(
            pl.col("duration_days").median().alias("median_days"),
            *counted("short_closed", short, keys=keys, at=_KEYS),
            *counted("short_within", short & (pl.col("closed_date") <= limit), keys=keys, at=_KEYS),
        )
        .collect()
    )
    durations = _duration_histograms(inputs, closed_rows)
    return (
        counts.join(closed, on=_KEYS, how="left")
        .join(durations, on=_KEYS, how="left")
        # A year without closed short guidance has no short-guidance figures (not 0 of 0).
        .with_columns(
            pl.when(pl.col("short_closed") > 0).then(pl.col(c)).alias(c)
            for name in ("short_closed", "short_within")
            for c in (name, noise_of(name))
        )
        .with_columns(pl.col("year").cast(pl.String).alias("year_label"))
        .sort(_KEYS)
    )


def _duration_histograms(inputs: Inputs, closed: pl.LazyFrame) -> pl.DataFrame:
    """region_code, year, durations: the closed trajectories per day of duration (a list from
    day 0, with perturbations, adding up to the year's published closed trajectories)."""
    keys = inputs.cell_keys
    days = closed.with_columns(
        day=pl.col("duration_days").clip(0, MAX_DURATION_DAYS).cast(pl.Int64),
        year=pl.col("closed_year"),
    )
    at = [*_KEYS, "day"]
    parts = (
        days.group_by(at)
        .agg(*counted("n", keys=keys, at=at, measure="closed_duration"))
        .with_columns(cell_key=keys.cell("closed_duration", at))
        .collect()
    )
    totals = _yearly_closed(inputs).rename({"closed": "n", noise_of("closed"): noise_of("n")})
    adjusted = consistent_with(parts, totals, by=_KEYS, count="n")
    grid = pl.DataFrame({"day": list(range(MAX_DURATION_DAYS + 1))}, schema={"day": pl.Int64})
    return (
        adjusted.select(_KEYS)
        .unique()
        .join(grid, how="cross")
        .join(adjusted, on=[*_KEYS, "day"], how="left")
        .with_columns(pl.col("n", noise_of("n")).fill_null(0))
        .sort(*_KEYS, "day")
        .group_by(_KEYS, maintain_order=True)
        .agg(pl.col("n").alias("durations"), pl.col(noise_of("n")).alias(noise_of("durations")))
    )


def closures(inputs: Inputs) -> pl.DataFrame:
    """region_code, year (of closing), closure_reason ("ONBEKEND" when missing), closed with
    perturbation: the reasons add up to the year's published closed trajectories."""
    closed = _trajectories(inputs).filter(pl.col("closed_date").is_not_null())
    keyed = closed.with_columns(
        year=pl.col("closed_year"), closure_reason=pl.col("closure_reason").fill_null("ONBEKEND")
    )
    keys = inputs.cell_keys
    at = [*_KEYS, "closure_reason"]
    parts = (
        keyed.group_by(at)
        .agg(*counted("closed", keys=keys, at=at))
        .with_columns(cell_key=keys.cell("closed", at))
        .collect()
    )
    return consistent_with(parts, _yearly_closed(inputs), by=_KEYS, count="closed").drop("cell_key")


yearly_closures = per_year(closures)


@per_year
def yearly_further_care(inputs: Inputs) -> pl.DataFrame:
    """region_code, year (of closing), closed, to_rtj, to_nrtj with perturbations: the closed
    trajectories referred on to further care (RTJ / NRTJ), as parts of the closed ones."""
    reason = pl.col("closure_reason")
    flows = {"to_rtj": reason == FURTHER_CARE_RTJ, "to_nrtj": reason == FURTHER_CARE_NRTJ}
    return (
        closures(inputs)
        .group_by(_KEYS)
        .agg(
            pl.col("closed").sum(),
            pl.col(noise_of("closed")).sum(),
            *(
                expr
                for name, where in flows.items()
                for expr in (
                    pl.col("closed").filter(where).sum().alias(name),
                    pl.col(noise_of("closed")).filter(where).sum().alias(noise_of(name)),
                )
            ),
        )
        .with_columns(pl.col("year").cast(pl.String).alias("year_label"))
        .sort(_KEYS)
    )


def ongoing_on(inputs: Inputs) -> pl.DataFrame:
    """region_code, ongoing with perturbation: trajectories started by the end of the last
    whole month and not closed by then (any region; kept with the inputs). A stock: its key
    is the set of trajectories counted (the sum of their keys), so the same trajectories give
    the same perturbation; one date a month, so a reader cannot collect a fresh draw of
    nearly the same count every day."""

    def compute() -> pl.DataFrame:
        closed = pl.col("closed_date")
        on = ongoing_date(inputs)
        started = _trajectories(inputs).filter(
            (pl.col("start_date") <= on) & (closed.is_null() | (closed > on))
        )
        return (
            distinct_counts(started, ["region_code"], "ongoing", "id", "record_key")
            .sort("region_code")
            .collect()
        )

    return inputs.remembered(("ongoing_trajectories", ongoing_date(inputs)), compute)


def ongoing_date(inputs: Inputs) -> date:
    """The day the ongoing trajectories are counted on: the last day of the last whole month."""
    return inputs.today.replace(day=1) - timedelta(days=1)


@per_month
def monthly_trajectories(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, started (by the month of start) and closed (by the month of
    closing), with perturbations."""
    return _started_and_closed(inputs)
