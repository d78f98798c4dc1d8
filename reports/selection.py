"""What the reader selected: period, granularity, regions and region basis (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal

import polars as pl

from data_access.access.reads import Basis as Basis
from indicators.formatting import quarter_label
from indicators.periods import (
    Granularity,
    add_months,
    month_end,
    month_start,
    quarter_bounds,
    quarter_of,
)

# The first networks started in September 2018: no quarter before this one has figures.
FIRST_QUARTER: Final = "2018Q3"

BASIS_LABELS: dict[str, str] = {
    "then": "zoals toen georganiseerd",
    "today": "huidige regio's",
}


@dataclass(frozen=True)
class Selection:
    """A period of whole months, the regions to show (empty = all) and the region basis."""

    start: date
    end: date
    granularity: Literal["month", "quarter"] = "month"
    regions: tuple[str, ...] = field(default_factory=tuple)
    basis: Basis = "then"

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", month_start(self.start))
        object.__setattr__(self, "end", month_end(self.end))
        if self.granularity == "quarter" and (self.start.month % 3 != 1 or self.end.month % 3 != 0):
            # A part of a quarter is never labelled as the quarter (docs/disclosure.md).
            raise ValueError(
                "Per kwartaal kies je hele kwartalen: van de eerste maand van een kwartaal tot "
                "de laatste maand van een kwartaal."
            )

    @property
    def period_granularity(self) -> Granularity:
        return self.granularity

    @property
    def years(self) -> list[int]:
        """The calendar years the period overlaps (targets and agreements are set per year)."""
        return list(range(self.start.year, self.end.year + 1))

    @property
    def basis_label(self) -> str:
        """The basis in words, stated on every chart and export."""
        return f"Regio's {BASIS_LABELS[self.basis]}"

    def in_period(self, column: str = "received_date") -> pl.Expr:
        """Rows whose date lies in the selected period."""
        return pl.col(column).is_between(self.start, self.end)

    def in_regions(self, column: str = "region_code") -> pl.Expr:
        """Rows of the selected regions (every region when none is selected)."""
        if not self.regions:
            return pl.lit(True)
        return pl.col(column).is_in(list(self.regions))

    @property
    def last_quarter(self) -> str:
        """The quarter code of the selection's last month."""
        return quarter_of(self.end)

    def period_label(self) -> str:
        """The period in Dutch, e.g. 'jan. 2024 – dec. 2024'."""
        from indicators.formatting import month_label

        return f"{month_label(self.start)} – {month_label(self.end)}"


def last_closed_quarter(today: date | None = None) -> str:
    """The quarter code of the last quarter that has ended (a report's default)."""
    return quarter_of(add_months(month_start(today or date.today()), -3))


def first_quarters(today: date | None = None) -> tuple[str, str]:
    """The quarters the sidebar shows first per quarter: the last four that have ended (fewer
    at the start of the history)."""
    last = last_closed_quarter(today)
    first = quarter_of(add_months(quarter_bounds(last)[0], -9))
    return max(first, FIRST_QUARTER), last


def current_quarter(today: date | None = None) -> str:
    """The quarter code of the quarter running now."""
    return quarter_of(today or date.today())


def quarter_choices(last: str) -> dict[str, str]:
    """Every quarter from the first networks' start up to `last`, newest first: code → the
    label people read and choose ("2025Q3" → "2025 K3")."""
    first = quarter_bounds(FIRST_QUARTER)[0]
    current = quarter_bounds(last)[0]
    choices = {}
    while current >= first:
        choices[quarter_of(current)] = quarter_label(quarter_of(current))
        current = add_months(current, -3)
    return choices
