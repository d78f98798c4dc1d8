"""The sidebar's first window of quarters, which the service also prepares."""

from __future__ import annotations

from datetime import date

import pytest

from reports.selection import first_quarters


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 7), ("2025Q4", "2026Q3")),  # the running quarter is left out
        (date(2026, 4, 1), ("2025Q2", "2026Q1")),  # a quarter counts from the day after it ends
        (date(2026, 3, 31), ("2025Q1", "2025Q4")),
        (date(2019, 2, 1), ("2018Q3", "2018Q4")),  # nothing before the first networks
    ],
)
def test_the_last_four_quarters_that_have_ended(today: date, expected: tuple[str, str]) -> None:
    assert first_quarters(today) == expected
