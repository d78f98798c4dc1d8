"""Tijdige opname kept per region and month: statuses under each rule, first contacts and the
days they took, each count with its perturbation."""

from __future__ import annotations

from typing import Final

import polars as pl

from data_access.access.perturbation import (
    KEY_SPACE,
    consistent_with,
    counted,
    noise_of,
    perturbation,
)
from indicators._sources import MONTHLY_COUNTS, ROWS, intakes_only, region_months_with_rows
from indicators.periods import truncate_to_month
from indicators.response_time import STATUSES, Rule, provisional, with_timeliness
from reports.inputs import Inputs
from reports.series import all_aggregates, per_month, unknown_where_unsupported

# Days to first contact are kept per day up to this many; later contacts count as this day
# (a year: far beyond any deadline, and beyond the 90th percentile of every region).
MAX_DAYS: Final = 366

STATUS_COLUMNS: Final = [c for s in STATUSES for c in (s, noise_of(s))]
_KEYS: Final = ["region_code", "month"]


def _cell_key() -> pl.Expr:
    return (pl.col("record_key").sum() % KEY_SPACE).alias("cell_key")


def _wide(parts: pl.DataFrame, categories: tuple[str, ...], column: str) -> pl.DataFrame:
    """Long parts (one row per category) as one column (and its perturbation) per category;
    a category without registrations is 0."""
    values = parts.pivot(on=column, index=_KEYS, values="n")
    noises = parts.pivot(on=column, index=_KEYS, values=noise_of("n"))
    frame = values.join(noises, on=_KEYS, how="left", suffix=f"{noise_of('')}")
    return frame.with_columns(
        *(
            pl.col(c).fill_null(0) if c in frame.columns else pl.lit(0, pl.Int64).alias(c)
            for c in categories
        ),
        *(
            pl.col(noise_of(c)).fill_null(0)
            if noise_of(c) in frame.columns
            else pl.lit(0, pl.Int64).alias(noise_of(c))
            for c in categories
        ),
    ).select(*_KEYS, *(x for c in categories for x in (c, noise_of(c))))


def _row_statuses(inputs: Inputs, rule: Rule) -> pl.DataFrame:
    """The statuses of every region-month with registration rows: 0 in a month whose rows
    hold no aanmelding (consults only), as its intakes are 0 there."""
    timed = with_timeliness(inputs.registrations, inputs.today, rule).lazy()
    parts = timed.group_by(*_KEYS, "status").agg(*counted("n"), _cell_key()).collect()
    totals = timed.group_by(_KEYS).agg(*counted("n")).collect()
    adjusted = consistent_with(parts, totals, by=_KEYS, count="n")
    with_rows = region_months_with_rows(inputs.registrations.lazy()).collect()
    return (
        with_rows.join(_wide(adjusted, STATUSES, "status"), on=_KEYS, how="left")
        .with_columns(pl.col(STATUS_COLUMNS).fill_null(0))
        .with_columns(source=pl.lit(ROWS))
    )


def _counted_statuses(inputs: Inputs) -> pl.DataFrame:
    """Months with only monthly counts: tijdig is the measure "within_month", laat the rest of
    "intakes"; vervallen and lopend are unknown."""
    counts = all_aggregates(inputs)
    with_rows = inputs.registrations.select(
        "region_code", truncate_to_month("received_date").alias("month")
    ).unique()

    def measure(name: str) -> pl.DataFrame:
        return (
            counts.filter(pl.col("measure") == name)
            .group_by(_KEYS)
            .agg(
                pl.col("value").sum().cast(pl.Int64).alias(name),
                (pl.col("cell_key").sum() % KEY_SPACE).alias(f"{name}_key"),
            )
            .join(with_rows, on=_KEYS, how="anti")
        )

    both = measure("within_month").join(measure("intakes"), on=_KEYS, how="inner")
    # A month whose counts say nothing of the deadline is there with unknown statuses ('–').
    unknown = (
        counts.select(_KEYS)
        .unique()
        .join(with_rows, on=_KEYS, how="anti")
        .join(both.select(_KEYS), on=_KEYS, how="anti")
        .with_columns(
            *(pl.lit(None, pl.Int64).alias(c) for c in STATUS_COLUMNS),
            source=pl.lit(MONTHLY_COUNTS),
        )
    )
    if both.is_empty():
        return unknown.select(*_KEYS, *STATUS_COLUMNS, "source")
    parts = pl.concat(
        [
            both.select(
                *_KEYS,
                status=pl.lit("tijdig"),
                n=pl.col("within_month"),
                cell_key="within_month_key",
            ),
            both.select(
                *_KEYS,
                status=pl.lit("laat"),
                n=(pl.col("intakes") - pl.col("within_month")).clip(lower_bound=0),
                cell_key=(pl.col("within_month_key") + pl.col("intakes_key")) % KEY_SPACE,
            ),
        ]
    ).with_columns(perturbation(pl.col("n"), pl.col("cell_key")).alias(noise_of("n")))
    # The total is the months' intakes as published on every page (their own cell key).
    totals = both.select(
        *_KEYS,
        n=pl.col("intakes"),
        **{noise_of("n"): perturbation(pl.col("intakes"), pl.col("intakes_key"))},
    )
    adjusted = consistent_with(parts, totals, by=_KEYS, count="n")
    return (
        _wide(adjusted, ("tijdig", "laat"), "status")
        .with_columns(
            *(
                pl.lit(None, pl.Int64).alias(c)
                for s in ("vervallen", "lopend")
                for c in (s, noise_of(s))
            ),
            source=pl.lit(MONTHLY_COUNTS),
        )
        .select(*_KEYS, *STATUS_COLUMNS, "source")
        .vstack(unknown.select(*_KEYS, *STATUS_COLUMNS, "source"))
    )


@per_month
def monthly_timeliness(inputs: Inputs, rule: Rule) -> pl.DataFrame:
    """region_code, month, tijdig, laat, vervallen, lopend (each with its perturbation),
    source, provisional under `rule`. The statuses of a month add up to its published intakes.
    Monthly counts only count under the calendar-month rule (they report by it); months whose
    source does not record first contacts have unknown (null) counts. `provisional`: the
    month's one-month window is still open on the inputs' today (its rate is biased upwards;
    indicators.response_time.provisional)."""
    rows = _row_statuses(inputs, rule).select(*_KEYS, *STATUS_COLUMNS, "source")
    frames = [rows]
    if rule == "calendar_month":
        frames.append(_counted_statuses(inputs))
    monthly = pl.concat(frames).sort(_KEYS)
    return unknown_where_unsupported(monthly, inputs, "response_time", list(STATUSES)).with_columns(
        provisional(pl.col("month"), inputs.today, rule).alias("provisional")
    )


@per_month
def monthly_contact_days(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, day (days to first contact, 0 to MAX_DAYS), n with perturbation:
    the aanmeldingen with a first contact by how long it took, each month's days adjusted to
    add up to their own published total. A first contact before receipt (a data error the
    quality checks report) is in no day."""
    days = (
        intakes_only(inputs.registrations.lazy())
        .with_columns(
            month=truncate_to_month("received_date"),
            day=(pl.col("first_contact_date") - pl.col("received_date"))
            .dt.total_days()
            .clip(upper_bound=MAX_DAYS)
            .cast(pl.Int64),
        )
        .filter(pl.col("day") >= 0)
    )
    parts = days.group_by(*_KEYS, "day").agg(*counted("n"), _cell_key()).collect()
    totals = days.group_by(_KEYS).agg(*counted("n")).collect()
    return consistent_with(parts, totals, by=_KEYS, count="n").drop("cell_key")


@per_month
def monthly_contacts(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, contacts (aanmeldingen with a first contact) with perturbation."""
    days = intakes_only(inputs.registrations.lazy()).filter(
        pl.col("first_contact_date").is_not_null()
    )
    return (
        days.group_by("region_code", truncate_to_month("received_date").alias("month"))
        .agg(*counted("contacts"))
        .collect()
    )


def summed_final(*names: str, final: pl.Expr | None = None) -> list[pl.Expr]:
    """In an aggregation over months of monthly_timeliness: the sums of counts and of their
    perturbations over the final months only (`final`, default: not provisional), as
    `<name>_final`; null when no final month knows them. The headline rate and every
    comparison use these: a provisional month's rate is biased upwards."""
    where = final if final is not None else ~pl.col("provisional").fill_null(True)
    out = []
    for name in names:
        for column, alias in ((name, f"{name}_final"), (noise_of(name), noise_of(f"{name}_final"))):
            kept = pl.col(column).filter(where)
            out.append(pl.when(kept.count() > 0).then(kept.sum()).alias(alias))
    return out
