from __future__ import annotations

from datetime import date

import pytest

from indicators.formatting import (
    fmt_dec,
    fmt_int,
    fmt_pct,
    month_label,
    period_label,
    quarter_label,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234, "1.234"), (1234567, "1.234.567"), (-1234, "-1.234"), (0, "0"), (999.5, "1.000")],
)
def test_fmt_int_uses_a_dot_between_thousands(value: float, expected: str) -> None:
    """It writes whole numbers with a dot as thousands separator: 1234 → "1.234"."""
    assert fmt_int(value) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (208.79, 2, "208,79"),
        (1234.5, 1, "1.234,5"),
        (2.675, 2, "2,68"),
        (0.04, 1, "0,0"),
        (-0.04, 1, "0,0"),
        (7, 2, "7,00"),
    ],
)
def test_fmt_dec_uses_a_decimal_comma(value: float, decimals: int, expected: str) -> None:
    """It writes decimals with a comma and rounds half up: 208.79 → "208,79"."""
    assert fmt_dec(value, decimals) == expected


@pytest.mark.parametrize(
    ("share", "decimals", "expected"),
    [(0.8734, 1, "87,3%"), (1.0, 0, "100%"), (0.00049, 1, "0,0%"), (0.12345, 2, "12,35%")],
)
def test_fmt_pct_writes_a_share_as_percentage(share: float, decimals: int, expected: str) -> None:
    """It writes a 0–1 share as a Dutch percentage: 0.8734 → "87,3%"."""
    assert fmt_pct(share, decimals) == expected


def test_missing_values_show_a_dash() -> None:
    """It shows a dash for a missing or non-finite value instead of "None" or "nan"."""
    assert fmt_int(None) == "–"
    assert fmt_dec(None, 2) == "–"
    assert fmt_dec(float("nan"), 2) == "–"
    assert fmt_pct(None) == "–"
    assert fmt_pct(float("inf")) == "–"


def test_month_label_in_dutch() -> None:
    """It names months in Dutch, abbreviated by default and in full on request."""
    assert month_label(date(2021, 1, 5)) == "jan. 2021"
    assert month_label(date(2021, 3, 1)) == "mrt. 2021"
    assert month_label(date(2021, 5, 1)) == "mei 2021"
    assert month_label(date(2021, 1, 5), short=False) == "januari 2021"
    assert month_label(date(2021, 12, 1), short=False) == "december 2021"


def test_quarter_label_in_dutch() -> None:
    """It writes a quarter code as "2021 K3"."""
    assert quarter_label("2021Q3") == "2021 K3"


@pytest.mark.parametrize(
    ("period", "expected"),
    [("2021-03", "mrt. 2021"), ("2021Q3", "2021 K3"), ("totaal", "Hele periode")],
)
def test_period_label_reads_every_period_form(period: str, expected: str) -> None:
    """It labels the period column of any granularity."""
    assert period_label(period) == expected
