from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators.periods import (
    Granularity,
    add_months,
    month_end,
    month_start,
    months_between,
    period_columns,
    previous_period,
    quarter_bounds,
    quarter_code,
    quarter_of,
    same_period_last_year,
    truncate_to_month,
    truncate_to_quarter,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2021, 1, 31), 1, date(2021, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2021, 3, 31), -1, date(2021, 2, 28)),
        (date(2021, 12, 15), 1, date(2022, 1, 15)),
        (date(2021, 1, 15), -13, date(2019, 12, 15)),
        (date(2021, 5, 31), 4, date(2021, 9, 30)),
    ],
)
def test_add_months_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    """It moves by calendar months and clamps to the last day of a shorter month."""
    assert add_months(day, months) == expected


def test_month_start_and_end() -> None:
    """It gives the first and the last day of the month, leap February included."""
    assert month_start(date(2024, 2, 10)) == date(2024, 2, 1)
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)
    assert month_end(date(2023, 2, 10)) == date(2023, 2, 28)


def test_months_between_lists_month_starts_inclusive() -> None:
    """It lists the first day of every month touched by the range."""
    assert months_between(date(2020, 11, 20), date(2021, 2, 1)) == [
        date(2020, 11, 1),
        date(2020, 12, 1),
        date(2021, 1, 1),
        date(2021, 2, 1),
    ]


def test_quarter_of_and_bounds() -> None:
    """It names a date's quarter and gives a quarter's first and last day."""
    assert quarter_of(date(2021, 8, 5)) == "2021Q3"
    assert quarter_of(date(2021, 12, 31)) == "2021Q4"
    assert quarter_bounds("2021Q3") == (date(2021, 7, 1), date(2021, 9, 30))
    assert quarter_bounds("2024Q1") == (date(2024, 1, 1), date(2024, 3, 31))


@pytest.mark.parametrize("code", ["2021Q5", "2021-Q3", "21Q1", ""])
def test_quarter_bounds_rejects_malformed_codes(code: str) -> None:
    """It refuses a string that is not a quarter code."""
    with pytest.raises(ValueError, match="quarter code"):
        quarter_bounds(code)


def test_previous_period_has_the_same_number_of_months() -> None:
    """It gives the months right before the range, as many as the range has."""
    assert previous_period(date(2021, 1, 1), date(2021, 3, 31)) == (
        date(2020, 10, 1),
        date(2020, 12, 31),
    )
    assert previous_period(date(2021, 3, 1), date(2021, 3, 31)) == (
        date(2021, 2, 1),
        date(2021, 2, 28),
    )


def test_previous_period_rejects_a_reversed_range() -> None:
    """It refuses a range that ends before it starts."""
    with pytest.raises(ValueError, match="ends before"):
        previous_period(date(2021, 3, 1), date(2021, 1, 31))


def test_same_period_last_year_handles_leap_february() -> None:
    """It moves the whole months back a year; February 2024 becomes 1–28 February 2023."""
    assert same_period_last_year(date(2024, 2, 1), date(2024, 2, 29)) == (
        date(2023, 2, 1),
        date(2023, 2, 28),
    )


def test_date_expressions_truncate_and_name_periods() -> None:
    """It truncates a Date column to month and quarter and names the quarter."""
    frame = pl.DataFrame({"day": [date(2021, 8, 17), None]})
    result = frame.select(
        truncate_to_month("day").alias("month"),
        truncate_to_quarter(pl.col("day")).alias("quarter_start"),
        quarter_code("day").alias("quarter"),
    )
    expected = pl.DataFrame(
        {
            "month": [date(2021, 8, 1), None],
            "quarter_start": [date(2021, 7, 1), None],
            "quarter": ["2021Q3", None],
        }
    )
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("granularity", "period", "period_start"),
    [
        ("month", "2021-08", date(2021, 8, 1)),
        ("quarter", "2021Q3", date(2021, 7, 1)),
        ("all", "totaal", None),
    ],
)
def test_period_columns_per_granularity(
    granularity: Granularity, period: str, period_start: date | None
) -> None:
    """It labels and dates a period the same way for every per-period indicator."""
    frame = pl.DataFrame({"day": [date(2021, 8, 17)]})
    result = frame.select(period_columns("day", granularity))
    expected = pl.DataFrame(
        {"period": [period], "period_start": [period_start]},
        schema={"period": pl.String, "period_start": pl.Date},
    )
    assert_frame_equal(result, expected)
