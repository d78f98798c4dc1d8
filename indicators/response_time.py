"""Tijdige opname: whether each aanmelding was picked up within one month, and summaries of it."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from typing import Final, Literal

import polars as pl

from data_access.reference.codes import DROPPED_REASONS
from indicators._sources import (
    MONTHLY_COUNTS,
    ROWS,
    FrameLike,
    as_lazy,
    combined_source,
    count_rows,
    count_true,
    intakes_only,
    measure_without_rows,
    share,
    sum_or_null,
)
from indicators.periods import add_months, month_end, truncate_to_month

# "calendar_month": received + 1 calendar month, clamped (31 Jan → 28/29 Feb): the norm "within
# the month" (docs/design.md §5). "30_days": received + 30 days, the reading some networks used.
Rule = Literal["calendar_month", "30_days"]

TIJDIG: Final = "tijdig"
LAAT: Final = "laat"
VERVALLEN: Final = "vervallen"
LOPEND: Final = "lopend"
STATUSES: Final = (TIJDIG, LAAT, VERVALLEN, LOPEND)

# Lower bounds (days to first contact) of the bins of `days_distribution`; 31 is the longest
# calendar month, so the bin 22–31 ends at the latest possible deadline.
DAY_BIN_EDGES: Final = (0, 8, 15, 22, 32, 61, 91)

_COUNT_COLUMNS = ["tijdig", "laat", "vervallen", "lopend"]


def deadline(rule: Rule = "calendar_month") -> pl.Expr:
    """The pick-up deadline of a registration under `rule`, from its received_date."""
    return deadline_of(pl.col("received_date"), rule)


def deadline_of(received: pl.Expr, rule: Rule = "calendar_month") -> pl.Expr:
    """The pick-up deadline of a registration received on `received` under `rule`."""
    if rule == "30_days":
        return received + pl.duration(days=30)
    return received.dt.offset_by("1mo")


def final_on(month: date, rule: Rule = "calendar_month") -> date:
    """The first day on which the figures of `month` are final: the day after the deadline of
    its last day (31 Oct → 30 Nov: final on 1 Dec)."""
    last = month_end(month)
    due = last + timedelta(days=30) if rule == "30_days" else add_months(last, 1)
    return due + timedelta(days=1)


def provisional(month: pl.Expr, today: date, rule: Rule = "calendar_month") -> pl.Expr:
    """Whether a month's figures are provisional on `today`: the deadline of its last day has
    not passed, so an aanmelding of it without contact is still lopend, not laat. Only the
    quick answers are known yet and the rate is biased upwards (right-censoring); a month is
    final from the day after its last deadline (docs/design.md §5, "Tijdige opname")."""
    return pl.lit(today) <= deadline_of(month.dt.month_end(), rule)


def _days_to_first_contact(registrations: FrameLike) -> pl.LazyFrame:
    days = (pl.col("first_contact_date") - pl.col("received_date")).dt.total_days()
    return intakes_only(as_lazy(registrations)).with_columns(days.alias("days_to_first_contact"))


def _timeliness(registrations: FrameLike, today: date, rule: Rule) -> pl.LazyFrame:
    contact = pl.col("first_contact_date")
    due = pl.col("deadline")
    # Status in the order of the definition (docs/design.md §5). A registration closed without
    # contact for a reason outside DROPPED_REASONS (e.g. AFGEROND, DOORVERWEZEN_*) is not
    # "vervallen": read literally it is "lopend" until its deadline and "laat" after it, like an
    # open one.
    # A dropped one is "vervallen" even when it was closed after its deadline.
    status = (
        pl.when(contact.is_not_null() & (contact <= due))
        .then(pl.lit(TIJDIG))
        .when(contact.is_not_null())
        .then(pl.lit(LAAT))
        .when(pl.col("closure_reason").is_in(sorted(DROPPED_REASONS)))
        .then(pl.lit(VERVALLEN))
        .when(pl.lit(today) > due)
        .then(pl.lit(LAAT))
        .otherwise(pl.lit(LOPEND))
    )
    return (
        _days_to_first_contact(registrations)
        .with_columns(
            truncate_to_month("received_date").alias("month"), deadline(rule).alias("deadline")
        )
        .with_columns(status.alias("status"))
    )


def with_timeliness(
    registrations: FrameLike, today: date, rule: Rule = "calendar_month"
) -> pl.DataFrame:
    """The aanmeldingen with their month, deadline, status and days to first contact.

    Columns: the REGISTRATION columns, days_to_first_contact (null without contact), month,
    deadline, status ("tijdig", "laat", "vervallen", "lopend"). Consults are left out.
    """
    return _timeliness(registrations, today, rule).collect()


def _status_counts() -> list[pl.Expr]:
    return [count_true(pl.col("status") == status).alias(status) for status in STATUSES]


def _rate() -> pl.Expr:
    return share(pl.col(TIJDIG), pl.col(TIJDIG) + pl.col(LAAT)).alias("rate")


def _by_region_month(
    registrations: FrameLike, aggregates: FrameLike, today: date, rule: Rule
) -> pl.LazyFrame:
    from_rows = (
        _timeliness(registrations, today, rule)
        .group_by("region_code", "month")
        .agg(_status_counts())
        .with_columns(pl.lit(ROWS).alias("source"))
    )
    if rule != "calendar_month":
        # Monthly counts report "within the month" by their own rule; never relabel it.
        return from_rows
    rows = as_lazy(registrations)
    counts = as_lazy(aggregates)
    from_counts = (
        measure_without_rows(counts, "within_month", rows, TIJDIG)
        .join(
            measure_without_rows(counts, "intakes", rows, "intakes"),
            on=["region_code", "month"],
            how="left",
        )
        .with_columns(
            (pl.col("intakes") - pl.col(TIJDIG)).alias(LAAT),
            pl.lit(None, dtype=pl.Int64).alias(VERVALLEN),
            pl.lit(None, dtype=pl.Int64).alias(LOPEND),
            pl.lit(MONTHLY_COUNTS).alias("source"),
        )
        .select(from_rows.collect_schema().names())
    )
    return pl.concat([from_rows, from_counts])


def timeliness_by_region_month(
    registrations: FrameLike,
    aggregates: FrameLike,
    today: date,
    rule: Rule = "calendar_month",
) -> pl.DataFrame:
    """Counts per status and the rate tijdig / (tijdig + laat) per region and received month.

    Columns: region_code, month, tijdig, laat, vervallen, lopend, rate (null when nothing was
    assessable), source. For region-months with only monthly counts ("maandtotalen") tijdig is
    the measure "within_month", laat is "intakes" − "within_month", vervallen and lopend are
    unknown (null). Monthly counts are only used under the calendar-month rule.
    """
    return (
        _by_region_month(registrations, aggregates, today, rule)
        .with_columns(_rate())
        .select("region_code", "month", *_COUNT_COLUMNS, "rate", "source")
        .sort("region_code", "month")
        .collect()
    )


def timeliness_by_region(
    registrations: FrameLike,
    aggregates: FrameLike,
    today: date,
    rule: Rule = "calendar_month",
) -> pl.DataFrame:
    """The same counts and rate per region over the whole input range.

    Columns: region_code, months (with data), tijdig, laat, vervallen, lopend, rate, source
    ("gemengd" when rows and monthly counts are combined; vervallen and lopend then cover
    only the months with rows).
    """
    return (
        _by_region_month(registrations, aggregates, today, rule)
        .group_by("region_code")
        .agg(
            count_rows().alias("months"),
            *(sum_or_null(column) for column in _COUNT_COLUMNS),
            combined_source(),
        )
        .with_columns(_rate())
        .select("region_code", "months", *_COUNT_COLUMNS, "rate", "source")
        .sort("region_code")
        .collect()
    )


def days_to_first_contact(registrations: FrameLike) -> pl.DataFrame:
    """Median and 90th percentile of the days from receipt to first contact, per region.

    Columns: region_code, contacts, median_days, p90_days. Only aanmeldingen with a first
    contact count; the percentile is interpolated linearly (like a spreadsheet's PERCENTILE).
    """
    days = pl.col("days_to_first_contact")
    return (
        _days_to_first_contact(registrations)
        .filter(days.is_not_null())
        .group_by("region_code")
        .agg(
            count_rows().alias("contacts"),
            days.median().alias("median_days"),
            days.quantile(0.9, "linear").alias("p90_days"),
        )
        .sort("region_code")
        .collect()
    )


def contact_day_counts(registrations: FrameLike) -> pl.DataFrame:
    """region_code, month (of receipt), days_to_first_contact, n: the aanmeldingen with a first
    contact, counted per day it took (exact: no day is capped). Summed over any months, these
    give the same median and 90th percentile as the rows (quantiles_of_counts)."""
    days = pl.col("days_to_first_contact")
    return (
        _days_to_first_contact(registrations)
        .filter(days.is_not_null())
        .group_by("region_code", truncate_to_month("received_date").alias("month"), days)
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .collect()
    )


def quantiles_of_counts(counts: pl.DataFrame) -> pl.DataFrame:
    """region_code, contacts, median_days, p90_days from per-day counts (region_code,
    days_to_first_contact, n; a day may repeat): what days_to_first_contact computes from the
    rows those counts were made of, linear interpolation included."""
    days = pl.col("days_to_first_contact")
    summed = (
        counts.group_by("region_code", "days_to_first_contact")
        .agg(pl.col("n").sum())
        .sort("region_code", "days_to_first_contact")
        .with_columns(before=pl.col("n").cum_sum().over("region_code") - pl.col("n"))
    )

    def quantile(q: float) -> pl.Expr:
        # The value at 0-based position q·(contacts−1) of the sorted days, interpolated between
        # the values at the positions either side of it.
        position = q * (pl.col("n").sum() - 1)
        lower = days.filter(pl.col("before") <= position.floor()).last()
        upper = days.filter(pl.col("before") <= position.ceil()).last()
        return lower + (upper - lower) * (position - position.floor())

    return (
        summed.group_by("region_code")
        .agg(
            pl.col("n").sum().cast(pl.UInt32).alias("contacts"),
            quantile(0.5).alias("median_days"),
            quantile(0.9).alias("p90_days"),
        )
        .sort("region_code")
    )


def days_distribution(
    registrations: FrameLike, edges: tuple[int, ...] = DAY_BIN_EDGES
) -> pl.DataFrame:
    """A histogram of the days to first contact per region, every bin present (0 if empty).

    Columns: region_code, bin (0, 1, …), days_from, days_to (null for the open last bin),
    label ("0–7", …, "91+"), registrations. Regions without any first contact are absent;
    a first contact before receipt (a data error) falls outside every bin.
    """
    bins = pl.LazyFrame(
        {
            "bin": list(range(len(edges))),
            "days_from": list(edges),
            "days_to": [upper - 1 for upper in edges[1:]] + [None],
            "label": [f"{low}–{high - 1}" for low, high in pairwise(edges)] + [f"{edges[-1]}+"],
        },
        schema={"bin": pl.Int64, "days_from": pl.Int64, "days_to": pl.Int64, "label": pl.String},
    )
    days = pl.col("days_to_first_contact")
    contacts = _days_to_first_contact(registrations).filter(days.is_not_null() & (days >= edges[0]))
    counts = (
        contacts.with_columns(
            (pl.sum_horizontal(*((days >= edge).cast(pl.Int64) for edge in edges)) - 1).alias("bin")
        )
        .group_by("region_code", "bin")
        .agg(count_rows().alias("registrations"))
    )
    return (
        contacts.select("region_code")
        .unique()
        .join(bins, how="cross")
        .join(counts, on=["region_code", "bin"], how="left")
        .with_columns(pl.col("registrations").fill_null(0))
        .sort("region_code", "bin")
        .collect()
    )


def open_past_deadline(
    registrations: FrameLike, today: date, rule: Rule = "calendar_month"
) -> pl.DataFrame:
    """Open aanmeldingen (no contact, not closed) whose deadline passed before `today`.

    Columns: id, region_code, received_date, deadline, days_overdue; longest overdue first.
    """
    return (
        _timeliness(registrations, today, rule)
        .filter(
            (pl.col("status") == LAAT)
            & pl.col("first_contact_date").is_null()
            & pl.col("closed_date").is_null()
            & pl.col("closure_reason").is_null()
        )
        .with_columns((pl.lit(today) - pl.col("deadline")).dt.total_days().alias("days_overdue"))
        .select("id", "region_code", "received_date", "deadline", "days_overdue")
        .sort(["days_overdue", "id"], descending=[True, False])
        .collect()
    )


def rule_comparison(registrations: FrameLike, today: date) -> pl.DataFrame:
    """The rate per region under the calendar-month and the 30-day rule, side by side.

    Columns: region_code, n_calendar_month, rate_calendar_month, rank_calendar_month,
    n_30_days, rate_30_days, rank_30_days, difference (30-day rate − calendar-month rate).
    n is tijdig + laat (the rate's denominator); rank 1 is the highest rate, ties share the
    best rank, no rate → no rank. Rows only: monthly counts know one rule.
    """
    per_rule: list[pl.LazyFrame] = []
    for rule in ("calendar_month", "30_days"):
        per_rule.append(
            _timeliness(registrations, today, rule)
            .group_by("region_code")
            .agg(_status_counts())
            .select(
                "region_code",
                (pl.col(TIJDIG) + pl.col(LAAT)).alias(f"n_{rule}"),
                _rate().alias(f"rate_{rule}"),
            )
            .with_columns(
                pl.col(f"rate_{rule}")
                .rank("min", descending=True)
                .cast(pl.Int64)
                .alias(f"rank_{rule}")
            )
        )
    calendar_month, thirty_days = per_rule
    return (
        calendar_month.join(thirty_days, on="region_code", how="full", coalesce=True)
        .with_columns((pl.col("rate_30_days") - pl.col("rate_calendar_month")).alias("difference"))
        .sort("region_code")
        .collect()
    )
