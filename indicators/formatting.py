"""Dutch (nl-BE) display of numbers, shares, months and quarters for pages and reports."""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from indicators.periods import WHOLE_RANGE, quarter_bounds

# Shown wherever a value is missing or not computable (an en dash, as in printed reports).
MISSING: Final = "–"

MONTH_NAMES: Final = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

MONTH_ABBREVIATIONS: Final = (
    "jan.",
    "feb.",
    "mrt.",
    "apr.",
    "mei",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "okt.",
    "nov.",
    "dec.",
)


def fmt_int(value: int | float | None) -> str:
    """A whole number with a dot between thousands: 1234 → "1.234"; None → "–"."""
    return _fmt_number(value, 0)


def fmt_dec(value: int | float | None, decimals: int = 1) -> str:
    """A decimal number with a comma: fmt_dec(208.79, 2) → "208,79"; None → "–"."""
    return _fmt_number(value, decimals)


def fmt_pct(share: float | None, decimals: int = 1) -> str:
    """A share (0–1) as a percentage: fmt_pct(0.8734) → "87,3%"; None → "–"."""
    if share is None or not math.isfinite(share):
        return MISSING
    return f"{_fmt_decimal(Decimal(str(share)) * 100, decimals)}%"


def month_label(day: date, *, short: bool = True) -> str:
    """The month of `day`: "jan. 2021", or with short=False "januari 2021"."""
    names = MONTH_ABBREVIATIONS if short else MONTH_NAMES
    return f"{names[day.month - 1]} {day.year}"


def quarter_label(quarter: str) -> str:
    """A quarter code in Dutch: "2021Q3" → "2021 K3"."""
    first, _ = quarter_bounds(quarter)
    return f"{first.year} K{(first.month - 1) // 3 + 1}"


def period_label(period: str, *, short: bool = True) -> str:
    """The `period` column of a per-period indicator: "2021-03" → "mrt. 2021", "2021Q3" → "2021 K3".

    The whole selected range ("totaal") reads "Hele periode".
    """
    if period == WHOLE_RANGE:
        return "Hele periode"
    if "Q" in period:
        return quarter_label(period)
    year, month = period.split("-")
    return month_label(date(int(year), int(month), 1), short=short)


def _fmt_number(value: int | float | None, decimals: int) -> str:
    if value is None or not math.isfinite(value):
        return MISSING
    # str() first: the shortest decimal form, so 2.675 rounds half up to 2,68 as people expect.
    return _fmt_decimal(Decimal(str(value)), decimals)


def _fmt_decimal(value: Decimal, decimals: int) -> str:
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    english = f"{rounded:,.{decimals}f}"
    return english.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
