"""What each column of a table is, declared once with the table: the boundary acts on it.

Counts of registrations, families or organisations are perturbed outside the reader's
detail and shown as '<5' from 1 to 4; everything computed from counts (rates, shares,
differences, per-capita and per-FTE figures, ranks, quantiles) is computed again at the
boundary from the published counts, so it can never say more than they do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

# How a value is shown (nl-BE): see reports.publish.text.
Format = Literal[
    "text",
    "int",
    "dec1",
    "dec2",
    "pct",
    "points",
    "date",
    "month",
    "quarter",
    "period",
    "region",
    "datetime",
    "bool",
    "year",
]


@dataclass(frozen=True)
class Cell:
    """A column of a table: the frame column, its Dutch header and how its values show."""

    key: str
    label: str
    format: Format = "text"

    @property
    def inputs(self) -> tuple[str, ...]:
        """The columns this one is computed from at the boundary (none for plain columns)."""
        return ()


@dataclass(frozen=True)
class Text(Cell):
    """A label, code or other text; `codes` maps codes to their Dutch labels."""

    codes: dict[str, str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Measure(Cell):
    """A public number that needs no disclosure control: FTE, an agreed volume, a population,
    a target, a day count of reference data. `additive`: a total row adds it up."""

    additive: bool = False


@dataclass(frozen=True)
class Count(Cell):
    """A count of registrations, families or organisations. Below the boundary the frame
    carries its perturbation as `<key>__noise`; outside the reader's detail it is published
    perturbed, and from 1 to 4 not shown ('<5')."""

    format: Format = "int"


@dataclass(frozen=True)
class Rate(Cell):
    """sum(numerator) / sum(denominator) of published columns (a share when both are counts of
    the same kind). Not shown outside detail when the denominator's counts add up to fewer
    than the minimum ('n<10'), nor when a count in it is hidden ('x')."""

    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    format: Format = "pct"
    scale: float = 1.0  # e.g. 1.000 for a figure per 1.000

    @property
    def inputs(self) -> tuple[str, ...]:
        return (*self.numerator, *self.denominator)


@dataclass(frozen=True)
class Share(Cell):
    """A count's share of the sum of that count over the rows with the same `within` values
    (e.g. a referrer group's share of its region and period)."""

    count: str = ""
    within: tuple[str, ...] = ()
    format: Format = "pct"

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.count,)


@dataclass(frozen=True)
class Difference(Cell):
    """`of` − `against` (points, scaled), or relative to `against` when `relative`: a change
    against another period. Not shown when either side is unknown or hidden, and a relative
    change not on a base below the minimum outside detail."""

    of: str = ""
    against: str = ""
    relative: bool = False
    scale: float = 1.0

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.of, self.against)


@dataclass(frozen=True)
class PerUnit(Cell):
    """A count per unit of a public measure: per 1.000 inhabitants under 18, per 100.000
    inhabitants, per FTE. Hidden with its count."""

    count: str = ""
    unit: str = ""
    per: float = 1.0
    format: Format = "dec2"

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.count, self.unit)


@dataclass(frozen=True)
class Rank(Cell):
    """The rank of a published figure among the rows with the same `within` values (1 = the
    highest when `descending`); only shown figures are ranked, ties share the best rank."""

    of: str = ""
    within: tuple[str, ...] = ()
    descending: bool = True
    format: Format = "int"

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.of,)


@dataclass(frozen=True)
class Quantile(Cell):
    """A quantile (0.5 = median) of a histogram column: a list of counts per unit step (days),
    each a count perturbed like any other. Interpolated within the step; not shown outside
    detail on fewer than the minimum."""

    histogram: str = ""
    q: float = 0.5
    format: Format = "dec1"

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.histogram,)


@dataclass(frozen=True)
class Computed(Cell):
    """Any other figure computed from published columns (funnel limits, intervals, a
    projection): `compute(frame)` gets the published frame and returns the column. Hidden
    where one of its counted inputs is hidden."""

    from_columns: tuple[str, ...] = ()
    compute: Callable[[pl.DataFrame], pl.Series] | None = field(default=None, compare=False)

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.from_columns


DERIVED = (Rate, Share, Difference, PerUnit, Rank, Quantile, Computed)


@dataclass(frozen=True)
class Histogram(Cell):
    """A list of counts per unit step (e.g. registrations by days to first contact: 0, 1, …),
    perturbed element by element like any count; an input of a Quantile, not shown."""
