"""Aanmelders kept per region and month: intakes per referrer (rows) and per referrer group
(rows or monthly counts), each with its perturbation."""

from __future__ import annotations

import polars as pl

from data_access.access.perturbation import consistent_with, counted, noise_of, perturbed
from indicators._sources import MONTHLY_COUNTS, ROWS, intakes_only
from indicators.periods import truncate_to_month
from indicators.referrers import GROUP_MEASURE_PREFIX, referrer_group_of
from reports.inputs import Inputs
from reports.series import all_aggregates, months_without, per_month

_KEYS = ["region_code", "month"]
_GROUP_COLUMNS = [
    "region_code",
    "month",
    "referrer_group",
    "intakes",
    noise_of("intakes"),
    "source",
]


def referrer_cells(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, referrer ("ONBEKEND" when missing), intakes with perturbation, from
    rows: a month's referrers add up to its published intakes."""
    rows = intakes_only(inputs.registrations.lazy()).with_columns(
        month=truncate_to_month("received_date"),
        referrer=pl.col("referrer").fill_null("ONBEKEND"),
    )
    keys = inputs.cell_keys
    at = [*_KEYS, "referrer"]
    parts = (
        rows.group_by(at)
        .agg(*counted("intakes", keys=keys, at=at))
        .with_columns(cell_key=keys.cell("intakes", at))
        .collect()
    )
    totals = rows.group_by(_KEYS).agg(*counted("intakes", keys=keys, at=_KEYS)).collect()
    return consistent_with(parts, totals, by=_KEYS, count="intakes").drop("cell_key")


@per_month
def monthly_referrer_groups(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, referrer_group, intakes with perturbation, source: the referrers of
    months with rows added up per group, else a source's monthly counts per group."""
    from_rows = (
        referrer_cells(inputs)
        .group_by(*_KEYS, referrer_group_of().alias("referrer_group"))
        .agg(pl.col("intakes").sum(), pl.col(noise_of("intakes")).sum())
        .with_columns(source=pl.lit(ROWS))
    )
    measure = pl.col("measure")
    at = [*_KEYS, "referrer_group"]
    from_counts = perturbed(
        all_aggregates(inputs)
        .filter(measure.str.starts_with(GROUP_MEASURE_PREFIX))
        .group_by(*_KEYS, measure.str.strip_prefix(GROUP_MEASURE_PREFIX).alias("referrer_group"))
        .agg(pl.col("value").sum().cast(pl.Int64).alias("intakes"))
        .join(from_rows.select(_KEYS).unique(), on=_KEYS, how="anti"),
        "intakes",
        keys=inputs.cell_keys,
        at=at,
    ).with_columns(source=pl.lit(MONTHLY_COUNTS))
    return pl.concat([from_rows.select(_GROUP_COLUMNS), from_counts.select(_GROUP_COLUMNS)])


@per_month
def monthly_referrers(inputs: Inputs) -> pl.DataFrame:
    """referrer_cells of the months whose source records the referrer."""
    unsupported = months_without(inputs, "referrers")
    return referrer_cells(inputs).join(unsupported, on=_KEYS, how="anti")
