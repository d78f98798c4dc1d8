"""Calendar helpers for months and quarters, in Python and as polars expressions."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Final, Literal

import polars as pl

# How an indicator groups time: per month, per quarter, or the whole selected range at once.
Granularity = Literal["month", "quarter", "all"]

# The `period` value of the whole selected range (granularity "all").
WHOLE_RANGE: Final = "totaal"

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def month_start(day: date) -> date:
    """The first day of the month of `day`."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of the month of `day`."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def months_between(start: date, end: date) -> list[date]:
    """The first days of every month from the month of `start` to the month of `end`, inclusive."""
    months: list[date] = []
    current = month_start(start)
    while current <= end:
        months.append(current)
        current = add_months(current, 1)
    return months


def quarter_of(day: date) -> str:
    """The quarter code of `day`, e.g. "2021Q3"."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """The first and the last day of a quarter code such as "2021Q3"."""
    match = _QUARTER.match(quarter)
    if match is None:
        raise ValueError(f"Not a quarter code (expected e.g. '2021Q3'): {quarter!r}")
    year, number = int(match.group(1)), int(match.group(2))
    first = date(year, 3 * number - 2, 1)
    return first, month_end(add_months(first, 2))


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The range of as many whole months right before the months of `start`…`end`."""
    length = _month_count(start, end)
    first = add_months(month_start(start), -length)
    return first, month_end(add_months(first, length - 1))


def same_period_last_year(start: date, end: date) -> tuple[date, date]:
    """The whole months of `start`…`end`, one year earlier."""
    return month_start(add_months(start, -12)), month_end(add_months(end, -12))


def _month_count(start: date, end: date) -> int:
    if end < start:
        raise ValueError(f"Period ends before it starts: {start} … {end}")
    return (end.year - start.year) * 12 + end.month - start.month + 1


def truncate_to_month(column: str | pl.Expr) -> pl.Expr:
    """A Date expression truncated to the first day of its month."""
    return _as_expr(column).dt.truncate("1mo")


def truncate_to_quarter(column: str | pl.Expr) -> pl.Expr:
    """A Date expression truncated to the first day of its quarter."""
    return _as_expr(column).dt.truncate("1q")


def quarter_code(column: str | pl.Expr) -> pl.Expr:
    """The quarter code ("2021Q3") of a Date expression."""
    expr = _as_expr(column)
    return pl.format("{}Q{}", expr.dt.year(), expr.dt.quarter())


def period_columns(column: str | pl.Expr, granularity: Granularity) -> list[pl.Expr]:
    """`period` (String: "2021-03", "2021Q3" or "totaal") and `period_start` (Date, null for all).

    The pair is what every per-period indicator groups by, so that pages label and sort alike.
    """
    expr = _as_expr(column)
    if granularity == "month":
        return [
            expr.dt.strftime("%Y-%m").alias("period"),
            truncate_to_month(expr).alias("period_start"),
        ]
    if granularity == "quarter":
        return [quarter_code(expr).alias("period"), truncate_to_quarter(expr).alias("period_start")]
    return [pl.lit(WHOLE_RANGE).alias("period"), pl.lit(None, dtype=pl.Date).alias("period_start")]


def _as_expr(column: str | pl.Expr) -> pl.Expr:
    return pl.col(column) if isinstance(column, str) else column
