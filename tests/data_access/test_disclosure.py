"""Disclosure control: small counts, thin denominators, and no recovery by subtraction."""

from __future__ import annotations

import polars as pl

from data_access.access.disclosure import COMPLEMENT, SMALL, SMALL_BASE, Disclosure, marker

RULES = Disclosure(min_count=5, min_denominator=10)


def _table(rows: list[tuple[str, str, int, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["region_code", "period", "n", "base", "rate"], orient="row")


def test_small_counts_outside_the_scope_become_less_than_five() -> None:
    """Counts 1–4 of protected regions are hidden as '<5'; 0, 5 and own regions stay."""
    frame = _table(
        [
            ("A", "p", 0, 20, 0.1),
            ("B", "p", 3, 20, 0.1),
            ("C", "p", 5, 20, 0.1),
            ("OWN", "p", 2, 20, 0.1),
        ]
    )
    out = RULES.apply(frame, pl.col("region_code") != "OWN", counts=["n"])
    assert out["n"].to_list() == [0, None, 5, 2]
    assert out[marker("n")].to_list() == [None, SMALL, None, None]


def test_rates_on_a_denominator_under_ten_are_not_shown() -> None:
    """A rate whose denominator is below 10 is hidden for protected regions."""
    frame = _table([("A", "p", 8, 9, 0.89), ("B", "p", 8, 10, 0.8)])
    out = RULES.apply(frame, pl.lit(True), counts=[], rates={"rate": "base"})
    assert out["rate"].to_list() == [None, 0.8]
    assert out[marker("rate")].to_list() == [SMALL_BASE, None]


def test_a_lone_suppressed_cell_gets_a_complement_so_the_total_does_not_reveal_it() -> None:
    """With a published total per period, one hidden cell could be recovered by subtraction;
    the next-smallest protected cell of that period is hidden too."""
    frame = _table(
        [
            ("A", "2024", 3, 0, 0.0),
            ("B", "2024", 12, 0, 0.0),
            ("C", "2024", 40, 0, 0.0),
            ("OWN", "2024", 7, 0, 0.0),
        ]
    )
    total = frame["n"].sum()
    out = RULES.apply(
        frame, pl.col("region_code") != "OWN", counts=["n"], complement_by=[["period"]]
    )
    assert out[marker("n")].to_list() == [SMALL, COMPLEMENT, None, None]
    visible = out["n"].drop_nulls().sum()
    # Two unknowns, one equation: A and B cannot be separated from the total any more.
    assert total - visible == 3 + 12


def test_complements_are_chosen_again_across_the_other_dimension() -> None:
    """Suppression by period then by region keeps both row and column totals safe."""
    frame = _table(
        [
            ("A", "q1", 2, 0, 0.0),
            ("A", "q2", 30, 0, 0.0),
            ("B", "q1", 25, 0, 0.0),
            ("B", "q2", 28, 0, 0.0),
        ]
    )
    out = RULES.apply(
        frame, pl.lit(True), counts=["n"], complement_by=[["period"], ["region_code"]]
    )
    hidden = out.filter(pl.col(marker("n")).is_not_null()).select("region_code", "period").rows()
    # Every row and every column with a hidden cell has at least two hidden cells.
    for key in ("region_code", "period"):
        counts = out.filter(pl.col(marker("n")).is_not_null()).group_by(key).len()["len"].to_list()
        assert all(c >= 2 for c in counts), (key, hidden)
