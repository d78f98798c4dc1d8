"""The cell-key method: secret keys, cell keys, and the perturbation each count gets.

A count's perturbation is read from the perturbation table at the count's cell key, a
pseudo-random number from a keyed hash with a secret derived from the pseudonym key, so
the same cell is perturbed the same way in every table and on every request (ABS
TableBuilder; Thompson, Broadfoot and Elazar 2013). Two kinds of cell key:

- A count that adds up (registrations per region × month × category) takes its key from
  the cell's coordinates and measure. Its perturbation then stays the same when late or
  corrected registrations change the count: a revision shows its true change and nothing
  about the level, where a key drawn from the records would hand out a fresh, independent
  perturbation of nearly the same count with every import (averaging them pins it).
  Larger figures (quarters, years, region sets, Flanders) are sums of these cells.
- A distinct count (organisations, sectors, registrations with partners, per period) does
  not add up over months; it takes its key from the set of units it counts (the sum of
  their keys), so the same set gives the same perturbation in a month, a quarter or a year.

One row of the table holds for every count, so a count that changes keeps its perturbation
(docs/disclosure.md).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

# Cell keys live in [0, KEY_SPACE): sums of unit keys wrap around.
KEY_SPACE: Final = 1 << 32

# A count column `c` travels below the boundary with its perturbation `c__noise`: the
# published count minus the true one.
NOISE: Final = "__noise"

# The perturbation table (ptable): for a true count t ≥ 1 the published count is
# max(t + e, 0), e drawn at the cell key from these (perturbation, probability) pairs; zero
# stays zero. One row for every t: a revision that changes t keeps e. Mean 0 (sums stay
# unbiased; for t = 1 the floor at zero adds 0,1 on average); every published value from 0
# to 4 can come from at least two true counts in 1–4 (0 from 1 and 2, 1 from 1, 2 and 3),
# and a small count is published as itself with probability 0,40 (docs/disclosure.md).
PTABLE: Final[tuple[tuple[int, float], ...]] = ((-2, 0.1), (-1, 0.2), (0, 0.4), (1, 0.2), (2, 0.1))
MAX_PERTURBATION: Final = 2


def noise_of(column: str) -> str:
    """The name of a count column's perturbation column."""
    return f"{column}{NOISE}"


def _draw(u: pl.Expr) -> pl.Expr:
    """The perturbation at uniform u ∈ [0, 1) (inverse cumulative of PTABLE)."""
    drawn = pl.lit(PTABLE[-1][0])
    cumulative = 1.0
    # Built from the last value backwards: each step puts a smaller threshold in front.
    for (value, _), (_, after) in zip(PTABLE[-2::-1], PTABLE[:0:-1], strict=True):
        cumulative -= after
        drawn = pl.when(u < cumulative).then(pl.lit(value)).otherwise(drawn)
    return drawn


def perturbation(count: pl.Expr, cell_key: pl.Expr) -> pl.Expr:
    """The published count minus the true one at this cell key (Int64; null for an unknown
    count): max(t + e, 0) − t."""
    u = cell_key.cast(pl.Float64) / KEY_SPACE
    return (
        pl.when(count.is_null())
        .then(None)
        .when(count <= 0)
        .then(pl.lit(0))
        .otherwise(pl.max_horizontal(count + _draw(u), pl.lit(0)) - count)
        .cast(pl.Int64)
    )


@dataclass(frozen=True)
class RecordKeys:
    """The secret behind every key (never stored, never shown): a hash seed and a salt put in
    front of every identity."""

    seed: int
    salt: str

    @classmethod
    def from_secret(cls, secret: bytes) -> RecordKeys:
        """Seed and salt derived from the pseudonym key, for this one purpose."""
        digest = hmac.digest(secret, b"1g1p disclosure record keys", hashlib.sha256)
        return cls(int.from_bytes(digest[:8], "big"), digest[8:].hex())

    def of(self, *parts: pl.Expr | str) -> pl.Expr:
        """A key in [0, KEY_SPACE) for each row, from its identity columns.

        The keyed hash is polars' own (fast on a million rows); a test pins its outputs, so an
        upgrade that changed it (and with it every perturbation, handing out a second draw of
        each cell) fails first.
        """
        identity = pl.concat_str(
            [pl.lit(self.salt), *(pl.col(p) if isinstance(p, str) else p for p in parts)],
            separator="\x1f",
        ).fill_null(self.salt)
        return (identity.hash(seed=self.seed) % KEY_SPACE).cast(pl.Int64)

    def cell(self, measure: str, at: Sequence[str]) -> pl.Expr:
        """For each row, the key of the cell it lies in: `measure` at the values of the
        coordinate columns `at` (named, so a category never meets another's value)."""
        return self.of(
            pl.lit(f"cell:{measure}"),
            *(pl.concat_str([pl.lit(f"{c}="), pl.col(c).cast(pl.String)]) for c in at),
        )


def counted(
    name: str,
    where: pl.Expr | None = None,
    *,
    keys: RecordKeys,
    at: Sequence[str],
    measure: str | None = None,
) -> list[pl.Expr]:
    """In an aggregation grouped by the columns `at`: the count of rows (where `where` holds)
    as `name`, and its perturbation at the cell of `measure` (default `name`) as
    `name__noise`. The same true quantity must carry the same measure wherever it is counted
    (a month's intakes in every breakdown), so it is perturbed once."""
    count = pl.len() if where is None else where.fill_null(False).sum()
    count = count.cast(pl.Int64)
    key = keys.cell(measure or name, at).first()
    return [count.alias(name), perturbation(count, key).alias(noise_of(name))]


def perturbed(
    frame: pl.DataFrame,
    name: str,
    *,
    keys: RecordKeys,
    at: Sequence[str],
    measure: str | None = None,
) -> pl.DataFrame:
    """`frame` with the perturbation of its count column `name` at the cells of `measure`
    (default `name`) given by the columns `at` (counts made outside an aggregation)."""
    key = keys.cell(measure or name, at)
    return frame.with_columns(perturbation(pl.col(name), key).alias(noise_of(name)))


def cell_key(unit_keys: pl.Expr) -> pl.Expr:
    """In an aggregation: the cell key of a set of units (the sum of their keys)."""
    return (unit_keys.cast(pl.Int64).sum() % KEY_SPACE).cast(pl.Int64)


def distinct_counts(
    frame: pl.LazyFrame, by: Sequence[str], name: str, unit: str, key: str
) -> pl.LazyFrame:
    """Per `by` group of `frame`: the number of distinct `unit` values (nulls left out) as
    `name`, and its perturbation from the cell key of the set of those units (`key`, one per
    unit): the same set gives the same perturbation whatever period holds it. A group whose
    units are all null counts 0.

    Each unit is made unique within its group first and then counted: polars does that
    several times faster than finding each group's first rows inside the aggregation."""
    present = pl.col(unit).is_not_null()
    count = present.sum().cast(pl.Int64)
    return (
        frame.select(*dict.fromkeys([*by, unit, key]))  # `unit` may be one of `by`
        .unique(subset=list(dict.fromkeys([*by, unit])), keep="any")
        .group_by(by)
        .agg(
            count.alias(name),
            perturbation(count, cell_key(pl.col(key).filter(present))).alias(noise_of(name)),
        )
    )


def summed(*names: str) -> list[pl.Expr]:
    """In an aggregation over cells: the sums of counts and of their perturbations. A sum of
    unknowns stays unknown (null)."""
    out = []
    for name in names:
        for column in (name, noise_of(name)):
            out.append(pl.when(pl.col(column).count() > 0).then(pl.col(column).sum()).alias(column))
    return out


def consistent_with(
    parts: pl.DataFrame,
    totals: pl.DataFrame,
    *,
    by: Sequence[str],
    count: str,
    key: str = "cell_key",
    total: str | None = None,
) -> pl.DataFrame:
    """`parts` (a breakdown of each `by` group into categories, with `count`, its perturbation
    and the category cell's `key`) with perturbations adjusted so that every group's published
    parts add up to its published total in `totals` (`total`, default `count`, and its
    perturbation).

    Without this, each breakdown of the same registrations (by status, by referrer, by nature)
    would be another noisy measurement of the same total, and together they could narrow it
    down. The difference is handed out one unit at a time over the group's non-empty
    categories in the order of their cell keys (secret, so the order reveals nothing); a part
    never goes below zero, and an empty category stays empty.
    """
    total = total or count
    noise = noise_of(count)
    target = totals.select(*by, (pl.col(total) + pl.col(noise_of(total))).alias("_target"))
    frame = (
        parts.with_row_index("_row")
        .with_columns((pl.col(count) + pl.col(noise)).clip(lower_bound=0).alias("_published"))
        .join(target, on=list(by), how="left", nulls_equal=True)
        .with_columns(pl.col("_target").fill_null(pl.col("_published").sum().over(by)))
    )
    # Each round hands a unit to (or takes one from) every part that can take it, in cell-key
    # order, until the gap is closed: a part only grows if registrations are behind it, and
    # only shrinks while it is above zero.
    for _ in range(8 * MAX_PERTURBATION + 8):
        frame = frame.with_columns(
            (pl.col("_target") - pl.col("_published").sum().over(by)).alias("_gap")
        )
        if frame.filter(pl.col("_gap") != 0).is_empty():
            break
        can = (
            pl.when(pl.col("_gap") > 0)
            .then(pl.col(count) > 0)
            .otherwise(pl.col("_published") > 0)
            .alias("_can")
        )
        frame = frame.with_columns(can).with_columns(
            pl.col("_can").sum().over(by).alias("_n"),
            (pl.col(key).rank("ordinal").over(*by, "_can") - 1).alias("_slot"),
        )
        gap = pl.col("_gap").abs()
        step = (
            pl.when(pl.col("_can"))
            .then(gap // pl.col("_n") + (pl.col("_slot") < gap % pl.col("_n")).cast(pl.Int64))
            .otherwise(0)
        )
        frame = frame.with_columns(
            pl.when(pl.col("_gap") > 0)
            .then(pl.col("_published") + step)
            .otherwise((pl.col("_published") - step).clip(lower_bound=0))
            .alias("_published")
        )
    frame = frame.with_columns(
        (pl.col("_target") - pl.col("_published").sum().over(by)).alias("_gap")
    )
    if not frame.filter(pl.col("_gap") != 0).is_empty():
        raise ValueError("perturbed parts could not be made to add up to their totals")
    return (
        frame.with_columns((pl.col("_published") - pl.col(count)).alias(noise))
        .sort("_row")
        .drop("_row", "_published", "_target", "_gap", "_can", "_n", "_slot", strict=False)
    )
