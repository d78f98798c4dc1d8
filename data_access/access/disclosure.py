"""Disclosure control (DESIGN §6): small counts as '<5', rates on tiny denominators not shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

SMALL = "<5"
SMALL_BASE = "n<10"
COMPLEMENT = "x"  # secondary suppression: hidden so a suppressed cell cannot be recovered


def marker(column: str) -> str:
    """The companion column that says why a cell is hidden (null when shown)."""
    return f"__hidden_{column}"


@dataclass(frozen=True)
class Disclosure:
    """Thresholds from the settings; `protected` rows are those outside the reader's detail."""

    min_count: int = 5
    min_denominator: int = 10

    def apply(
        self,
        frame: pl.DataFrame,
        protected: pl.Expr,
        *,
        counts: Sequence[str] = (),
        rates: dict[str, str] | None = None,
        derived: dict[str, str] | None = None,
        complement_by: Sequence[Sequence[str]] = (),
    ) -> pl.DataFrame:
        """Hide small counts and rates on small denominators in protected rows.

        Counts from 1 to min_count − 1 become null with marker '<5'; a rate whose denominator
        is below min_denominator becomes null with marker 'n<10'. Then, within each group of
        `complement_by` (e.g. all regions of one period, whose total may be published), a group
        with exactly one hidden count also hides its next-smallest protected count ('x'), so
        the hidden value cannot be recovered by subtraction from a total; an empty group means
        the whole table (its total is published). Finally every `derived` column (a share, a
        rate per inhabitant) is hidden wherever the count it was computed from is hidden.
        """
        rates = rates or {}
        derived = derived or {}
        if frame.is_empty():
            return frame.with_columns(
                [pl.lit(None, pl.String).alias(marker(c)) for c in [*counts, *rates, *derived]]
            )
        out = frame.with_columns(_protected=protected.fill_null(False), _all=pl.lit(0))
        small = [
            pl.when(pl.col("_protected") & pl.col(c).is_between(1, self.min_count - 1))
            .then(pl.lit(SMALL))
            .otherwise(None)
            .alias(marker(c))
            for c in counts
        ]
        thin = [
            pl.when(pl.col("_protected") & (pl.col(d).fill_null(0) < self.min_denominator))
            .then(pl.lit(SMALL_BASE))
            .otherwise(None)
            .alias(marker(r))
            for r, d in rates.items()
        ]
        out = out.with_columns(small + thin)
        for _ in range(3):  # suppressing a complement can create a new lone cell elsewhere
            before = _hidden_count(out, counts)
            for group in complement_by:
                out = _complement(out, counts, list(group) or ["_all"])
            if _hidden_count(out, counts) == before:
                break
        out = out.with_columns(
            pl.coalesce(
                [pl.col(marker(c)) for c in (source,) if c in counts]
                + ([pl.col(marker(column))] if column in rates else [])
            ).alias(marker(column))
            for column, source in derived.items()
        )
        hide = [
            pl.when(pl.col(marker(c)).is_not_null()).then(None).otherwise(pl.col(c)).alias(c)
            for c in [*counts, *rates, *derived]
        ]
        return out.with_columns(hide).drop("_protected", "_all")


def _hidden_count(frame: pl.DataFrame, counts: Sequence[str]) -> int:
    return int(sum(frame[marker(c)].is_not_null().sum() for c in counts))


def _complement(frame: pl.DataFrame, counts: Sequence[str], group: list[str]) -> pl.DataFrame:
    """In a group with one hidden cell, hide the smallest other protected, visible, nonzero cell."""
    if not all(g in frame.columns for g in group):
        return frame
    indexed = frame.with_row_index("_row")
    for c in counts:
        m = marker(c)
        hidden = pl.col(m).is_not_null()
        candidate = pl.col("_protected") & ~hidden & (pl.col(c).fill_null(0) > 0)
        lone = indexed.group_by(group).agg(hidden.sum().alias("_n")).filter(pl.col("_n") == 1)
        if lone.is_empty():
            continue
        picks = (
            indexed.join(lone.drop("_n"), on=group, how="semi", nulls_equal=True)
            .filter(candidate)
            .sort(c)
            .group_by(group, maintain_order=True)
            .first()
            .select("_row")
        )
        rows = picks["_row"].to_list()
        indexed = indexed.with_columns(
            pl.when(pl.col("_row").is_in(rows))
            .then(pl.lit(COMPLEMENT))
            .otherwise(pl.col(m))
            .alias(m)
        )
    return indexed.drop("_row")
