"""Derived frames for checks GX cannot express on the rows: months, monthly counts, totals.

Pure polars over frames read through data_access; each returns `region_code`, `record` (how a
finding is named on the quality page, e.g. "2024-03") and the column its expectation tests.
"""

from __future__ import annotations

import math
import statistics
from datetime import date
from typing import Final

import polars as pl

# Months on either side of a month that form its own history for the robust z-score, and how
# many of them must have data for a verdict.
WINDOW_MONTHS: Final = 6
MIN_NEIGHBOURS: Final = 6
# Modified z-score constant (Iglewicz and Hoaglin 1993): 0,6745 makes the MAD comparable to a
# standard deviation for normal data.
MAD_FACTOR: Final = 0.6745
# Smallest spread (log scale) a series is given: z > 3,5 then needs about ×2,2 or ÷2,2.
MIN_LOG_SCALE: Final = 0.15
# A network's first months are a start-up, not a registration problem.
STARTUP_MONTHS: Final = 6
# The month before today's month may still be in transit: only earlier months are expected.
GRACE_MONTHS: Final = 1


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_record(column: str = "month") -> pl.Expr:
    return pl.col(column).dt.strftime("%Y-%m").alias("record")


def _months_with_data(registrations: pl.DataFrame, aggregates: pl.DataFrame) -> pl.DataFrame:
    rows = registrations.select(
        "region_code", pl.col("received_date").dt.truncate("1mo").alias("month")
    )
    counts = aggregates.select("region_code", pl.col("month").dt.truncate("1mo"))
    return pl.concat([rows, counts]).unique()


def region_months(
    registrations: pl.DataFrame, aggregates: pl.DataFrame, regions: pl.DataFrame, today: date
) -> pl.DataFrame:
    """Every month a region was active until the last expected month, and whether data arrived.

    The last expected month is the one before the last full month (that one may be in transit).
    Columns: region_code, month, record, has_data.
    """
    last_expected = _add_months(date(today.year, today.month, 1), -1 - GRACE_MONTHS)
    grid: list[tuple[str, date]] = []
    for code, active_from, active_to in regions.select(
        "region_code", "active_from", "active_to"
    ).iter_rows():
        month = date(active_from.year, active_from.month, 1)
        stop = min(last_expected, active_to or last_expected)
        while month <= stop:
            grid.append((code, month))
            month = _add_months(month, 1)
    frame = pl.DataFrame(grid, schema={"region_code": pl.String, "month": pl.Date}, orient="row")
    arrived = _months_with_data(registrations, aggregates).with_columns(has_data=pl.lit(True))
    return (
        frame.join(arrived, on=["region_code", "month"], how="left")
        .with_columns(pl.col("has_data").fill_null(False), _month_record())
        .select("region_code", "month", "record", "has_data")
        .sort("region_code", "month")
    )


def monthly_intakes(registrations: pl.DataFrame, aggregates: pl.DataFrame) -> pl.DataFrame:
    """Intakes (aanmeldingen) per region and month with data: rows, else the monthly totals."""
    rows = (
        registrations.filter(pl.col("kind") == "aanmelding")
        .group_by("region_code", pl.col("received_date").dt.truncate("1mo").alias("month"))
        .agg(pl.len().cast(pl.Int64).alias("intakes"))
    )
    reported = (
        aggregates.filter(pl.col("measure") == "intakes")
        .group_by("region_code", "month")
        .agg(pl.col("value").sum().cast(pl.Int64).alias("intakes"))
        .join(rows, on=["region_code", "month"], how="anti")
    )
    return pl.concat([rows, reported]).sort("region_code", "month")


def _robust_z(value: float, neighbours: list[float], typical_count: float) -> float | None:
    """Modified z-score of a log share against its neighbours' median and MAD.

    Floors keep ordinary variation from looking extreme: a steady series has MAD 0 (floor
    MIN_LOG_SCALE), and small counts vary by chance (Poisson: about 1/√n on the log scale).
    """
    if len(neighbours) < MIN_NEIGHBOURS:
        return None
    median = statistics.median(neighbours)
    mad = statistics.median(abs(v - median) for v in neighbours)
    scale = max(mad, MIN_LOG_SCALE, 1 / math.sqrt(typical_count + 1))
    return MAD_FACTOR * (value - median) / scale


def monthly_counts(
    registrations: pl.DataFrame, aggregates: pl.DataFrame, today: date
) -> pl.DataFrame:
    """Each complete month's intakes against the same region's six months before and after.

    The comparison is on the region's share of all intakes that month (log scale), so the
    season, holidays and growth that every network shares do not count as deviations. A
    network's first STARTUP_MONTHS are not judged: a new team takes months to become known.
    Months without data are the reporting check's finding, not compared here.
    Columns: region_code, month, record, intakes, robust_z (null when not judged).
    """
    counts = monthly_intakes(registrations, aggregates).filter(
        pl.col("month") < date(today.year, today.month, 1)
    )
    counts = counts.with_columns(
        log_share=((pl.col("intakes") + 1) / pl.col("intakes").sum().over("month")).log(),
        index=pl.col("month").dt.year().cast(pl.Int64) * 12 + pl.col("month").dt.month(),
    )
    parts = []
    for part in counts.partition_by("region_code"):
        index, logs, values = part["index"].to_list(), part["log_share"], part["intakes"]
        first = min(index)
        z_values = []
        for i, month in enumerate(index):
            near = [
                j
                for j, other in enumerate(index)
                if other != month and abs(other - month) <= WINDOW_MONTHS
            ]
            z_values.append(
                None
                if month - first < STARTUP_MONTHS
                else _robust_z(
                    logs[i],
                    [logs[j] for j in near],
                    statistics.median([values[j] for j in near]) if near else 0,
                )
            )
        parts.append(part.with_columns(robust_z=pl.Series(z_values, dtype=pl.Float64)))
    scored = pl.concat(parts) if parts else counts.with_columns(robust_z=pl.lit(None, pl.Float64))
    return scored.with_columns(_month_record()).select(
        "region_code", "month", "record", "intakes", "robust_z"
    )


def reconciliation(registrations: pl.DataFrame, aggregates: pl.DataFrame) -> pl.DataFrame:
    """Months with both monthly totals and rows: reported intakes against counted rows.

    Columns: region_code, month, record, reported, rows, relative_difference.
    """
    rows = (
        registrations.filter(pl.col("kind") == "aanmelding")
        .group_by("region_code", pl.col("received_date").dt.truncate("1mo").alias("month"))
        .agg(pl.len().cast(pl.Int64).alias("rows"))
    )
    reported = (
        aggregates.filter(pl.col("measure") == "intakes")
        .group_by("region_code", "month")
        .agg(pl.col("value").sum().cast(pl.Int64).alias("reported"))
    )
    return (
        reported.join(rows, on=["region_code", "month"], how="inner")
        .with_columns(
            _month_record(),
            relative_difference=(pl.col("rows") - pl.col("reported"))
            / pl.max_horizontal(pl.col("reported"), pl.lit(1)).cast(pl.Float64),
        )
        .select("region_code", "month", "record", "reported", "rows", "relative_difference")
        .sort("region_code", "month")
    )


def team_totals(staffing: pl.DataFrame) -> pl.DataFrame:
    """FTE of each region's whole team per quarter. Columns: region_code, record, fte."""
    return (
        staffing.group_by("region_code", pl.col("quarter").alias("record"))
        .agg(pl.col("fte").sum())
        .sort("region_code", "record")
    )


def reference_fte(network_reference: pl.DataFrame) -> pl.DataFrame:
    """Networks of the 2020 table with a total and its main components: components − total.

    Columns: region_code, record, difference (FTE).
    """
    return (
        network_reference.filter(
            pl.all_horizontal(
                pl.col("fte_total", "fte_coordination", "fte_team", "fte_elp").is_not_null()
            )
        )
        .with_columns(
            record=pl.col("region_code"),
            difference=pl.sum_horizontal(
                "fte_coordination", "fte_team", "fte_elp", pl.col("fte_other").fill_null(0.0)
            )
            - pl.col("fte_total"),
        )
        .select("region_code", "record", "difference")
    )


# Fields where a value of only spaces counts as missing, as TRIM does in SQL (spaces only).
_REQUIRED_TEXT: Final = ("family_id", "region_code", "kind", "source_system", "source_record_id")


def checked_registrations(registrations: pl.DataFrame) -> pl.DataFrame:
    """The registrations as the row checks see them: blank required text fields are missing."""
    return registrations.with_columns(
        pl.when(pl.col(c).str.strip_chars(" ") != "").then(pl.col(c).str.strip_chars(" ")).alias(c)
        for c in _REQUIRED_TEXT
    )


def registration_keys(registrations: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """Facts that need a look at other rows, on the stored (untrimmed) values.

    key_occurrences: rows with the same source system and record number (0 when either is
    missing: missing equals nothing). same_day_copy: 1 for the first (lowest id) registration of
    a family's kind in a region on a day, 2 for its first copy, …; 1 when any of these is missing.
    Columns: id, batch_id, region_code, source_record_id, received_date, active_from,
    key_occurrences, same_day_copy.
    """
    source_key = ["source_system", "source_record_id"]
    same_day = ["family_id", "region_code", "received_date", "kind"]
    complete = pl.all_horizontal(pl.col(same_day).is_not_null())
    # Ranking within a million mostly one-row groups is slow: rank only rows that have a twin.
    copies = registrations.filter(complete & pl.struct(same_day).is_duplicated()).select(
        "id", copy=pl.col("id").rank("ordinal").over(same_day).cast(pl.Int64)
    )
    starts = regions.select("region_code", "active_from")
    return (
        registrations.join(starts, on="region_code", how="left")
        .join(copies, on="id", how="left")
        .select(
            "id",
            "batch_id",
            "region_code",
            "source_record_id",
            "received_date",
            "active_from",
            key_occurrences=pl.when(pl.all_horizontal(pl.col(source_key).is_not_null()))
            .then(pl.len().over(source_key))
            .otherwise(0)
            .cast(pl.Int64),
            same_day_copy=pl.col("copy").fill_null(1),
        )
    )
