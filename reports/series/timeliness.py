"""Tijdige opname kept per region and month: statuses under each rule, first contacts and the
days they took, each count with its perturbation."""

from __future__ import annotations

from typing import Final, get_args

import polars as pl

from data_access.access.perturbation import consistent_with, counted, noise_of, perturbed
from indicators._sources import MONTHLY_COUNTS, ROWS, intakes_only
from indicators.periods import truncate_to_month
from indicators.response_time import (
    STATUSES,
    Rule,
    contact_day_counts,
    provisional,
    with_timeliness,
)
from reports.inputs import Inputs
from reports.series import all_aggregates, months_with_rows, per_month, unknown_where_unsupported

# Days to first contact are kept per day up to this many; later contacts count as this day
# (a year: far beyond any deadline, and beyond the 90th percentile of every region).
MAX_DAYS: Final = 366
# The day of a first contact before receipt (a data error the quality checks report): it
# counts among the contacts, in no day of the distribution.
BEFORE_RECEIPT: Final = -1

RULES: Final[tuple[Rule, ...]] = get_args(Rule)
STATUS_COLUMNS: Final = [c for s in STATUSES for c in (s, noise_of(s))]
_KEYS: Final = ["region_code", "month"]


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


def timing_cells(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, one status column per rule (status_calendar_month, …), n with
    perturbation: the aanmeldingen of a month by their status under every rule at once.

    These are the finest cells of Tijdige opname: a status under one rule is a sum of them, so
    the two rules side by side are sums of the same perturbed cells, never two independent
    draws of one count (the aanmeldingen on time under both rules). They add up to the
    month's published intakes."""

    def compute() -> pl.DataFrame:
        keys = inputs.cell_keys
        statuses = [f"status_{rule}" for rule in RULES]
        joined: pl.DataFrame | None = None
        for rule, column in zip(RULES, statuses, strict=True):
            timed = with_timeliness(inputs.registrations, inputs.today, rule).select(
                "id", "region_code", "month", pl.col("status").alias(column)
            )
            joined = (
                timed
                if joined is None
                else joined.join(timed.select("id", column), on="id", how="inner")
            )
        assert joined is not None
        at = [*_KEYS, *statuses]
        parts = (
            joined.lazy()
            .group_by(at)
            .agg(*counted("n", keys=keys, at=at, measure="intakes"))
            .with_columns(cell_key=keys.cell("intakes", at))
            .collect()
        )
        totals = (
            joined.lazy()
            .group_by(_KEYS)
            .agg(*counted("n", keys=keys, at=_KEYS, measure="intakes"))
            .collect()
        )
        return consistent_with(parts, totals, by=_KEYS, count="n").drop("cell_key")

    return inputs.remembered("timing_cells", compute)


def _row_statuses(inputs: Inputs, rule: Rule) -> pl.DataFrame:
    """The statuses of every region-month with registration rows: 0 in a month whose rows
    hold no aanmelding (consults only), as its intakes are 0 there."""
    parts = (
        timing_cells(inputs)
        .group_by(*_KEYS, pl.col(f"status_{rule}").alias("status"))
        .agg(pl.col("n").sum(), pl.col(noise_of("n")).sum())
    )
    with_rows = months_with_rows(inputs)
    return (
        with_rows.join(_wide(parts, STATUSES, "status"), on=_KEYS, how="left")
        .with_columns(pl.col(STATUS_COLUMNS).fill_null(0))
        .with_columns(source=pl.lit(ROWS))
    )


def _counted_statuses(inputs: Inputs) -> pl.DataFrame:
    """Months with only monthly counts: tijdig is the measure "within_month", laat the rest of
    "intakes"; vervallen and lopend are unknown. The month's intakes are the same cell as on
    every page; tijdig and laat are its parts."""
    keys = inputs.cell_keys
    counts = all_aggregates(inputs)
    with_rows = inputs.registrations.select(
        "region_code", truncate_to_month("received_date").alias("month")
    ).unique()

    def measure(name: str) -> pl.DataFrame:
        return (
            counts.filter(pl.col("measure") == name)
            .group_by(_KEYS)
            .agg(pl.col("value").sum().cast(pl.Int64).alias(name))
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
    at = [*_KEYS, "counted_status"]
    parts = perturbed(
        pl.concat(
            [
                both.select(*_KEYS, counted_status=pl.lit("tijdig"), n=pl.col("within_month")),
                both.select(
                    *_KEYS,
                    counted_status=pl.lit("laat"),
                    n=(pl.col("intakes") - pl.col("within_month")).clip(lower_bound=0),
                ),
            ]
        ),
        "n",
        keys=keys,
        at=at,
        measure="intakes",
    ).with_columns(cell_key=keys.cell("intakes", at))
    totals = perturbed(
        both.select(*_KEYS, n=pl.col("intakes")), "n", keys=keys, at=_KEYS, measure="intakes"
    )
    adjusted = consistent_with(parts, totals, by=_KEYS, count="n").rename(
        {"counted_status": "status"}
    )
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


def _contact_days(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, day, n with perturbation: the aanmeldingen with a first contact by
    the days it took (BEFORE_RECEIPT for a contact dated before receipt), adjusted to add up
    to the month's published contacts (one cell, whatever page shows it)."""

    def compute() -> pl.DataFrame:
        keys = inputs.cell_keys
        days = (
            intakes_only(inputs.registrations.lazy())
            .filter(pl.col("first_contact_date").is_not_null())
            .with_columns(
                month=truncate_to_month("received_date"),
                day=(pl.col("first_contact_date") - pl.col("received_date"))
                .dt.total_days()
                .clip(lower_bound=BEFORE_RECEIPT, upper_bound=MAX_DAYS)
                .cast(pl.Int64),
            )
        )
        at = [*_KEYS, "day"]
        parts = (
            days.group_by(at)
            .agg(*counted("n", keys=keys, at=at, measure="contacts"))
            .with_columns(cell_key=keys.cell("contacts", at))
            .collect()
        )
        totals = days.group_by(_KEYS).agg(*counted("n", keys=keys, at=_KEYS, measure="contacts"))
        return consistent_with(parts, totals.collect(), by=_KEYS, count="n").drop("cell_key")

    return inputs.remembered("contact_days", compute)


def exact_contact_days(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, days_to_first_contact, n: true counts per exact day (not capped, not
    perturbed), kept once for the inputs. Below the boundary: the exact median and 90th
    percentile a reader's detail regions are shown come from these
    (indicators.response_time.quantiles_of_counts), without reading the rows for each period."""
    return inputs.remembered("exact_contact_days", lambda: contact_day_counts(inputs.registrations))


@per_month
def monthly_contact_days(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, day (days to first contact, 0 to MAX_DAYS), n with perturbation:
    the aanmeldingen with a first contact by how long it took. A first contact before receipt
    (a data error the quality checks report) is in no day."""
    return _contact_days(inputs).filter(pl.col("day") >= 0)


@per_month
def monthly_contacts(inputs: Inputs) -> pl.DataFrame:
    """region_code, month, contacts (aanmeldingen with a first contact) with perturbation: the
    sum of the month's days, so the distribution and this count never disagree."""
    return (
        _contact_days(inputs)
        .group_by(_KEYS)
        .agg(
            pl.col("n").sum().alias("contacts"),
            pl.col(noise_of("n")).sum().alias(noise_of("contacts")),
        )
        .sort(_KEYS)
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
