"""The cell-key method: secret record keys, cell keys, and the perturbation each count gets.

Every registration carries a record key, a pseudo-random number from a keyed hash of its
identity (source system and record number) with a secret derived from the pseudonym key. A
count's cell key is the sum of its records' keys modulo 2**32, and its perturbation is read
from the perturbation table at that cell key: the same records give the same perturbation,
in every table, on every request (ABS TableBuilder; Thompson, Broadfoot and Elazar 2013).
Perturbations are drawn for the finest published cells (region × month × category) and
larger figures are their sums, so no combination of published figures says more about a
cell than the cell itself (docs/disclosure.md).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

# Cell keys live in [0, KEY_SPACE): sums of record keys wrap around.
KEY_SPACE: Final = 1 << 32

# A count column `c` travels below the boundary with its perturbation `c__noise`.
NOISE: Final = "__noise"

# The perturbation table (ptable). For a true count t the published count is t + e, with e
# drawn at the cell key from these (perturbation, probability) pairs: one row for t = 1, one
# for every larger t. Each row has mean 0 (sums stay unbiased) and the published count never
# goes below 0; zero stays zero. Every published value can come from at least two true values
# in 1–4, so no value pins a small count, and a small count is published as itself with
# probability 0,45 (t = 1) or 0,40 (t ≥ 2) (docs/disclosure.md, "The perturbation table").
PTABLE: Final[dict[int, tuple[tuple[int, float], ...]]] = {
    1: ((-1, 0.30), (0, 0.45), (1, 0.20), (2, 0.05)),
    2: ((-2, 0.10), (-1, 0.20), (0, 0.40), (1, 0.20), (2, 0.10)),
}
MAX_PERTURBATION: Final = 2


def noise_of(column: str) -> str:
    """The name of a count column's perturbation column."""
    return f"{column}{NOISE}"


def _draw(u: pl.Expr, row: Sequence[tuple[int, float]]) -> pl.Expr:
    """The perturbation at uniform u ∈ [0, 1) from one ptable row (inverse cumulative)."""
    drawn = pl.lit(row[-1][0])
    cumulative = 1.0
    # Built from the last value backwards: each step puts a smaller threshold in front.
    for (value, _), (_, after) in zip(row[-2::-1], row[:0:-1], strict=True):
        cumulative -= after
        drawn = pl.when(u < cumulative).then(pl.lit(value)).otherwise(drawn)
    return drawn


def perturbation(count: pl.Expr, cell_key: pl.Expr) -> pl.Expr:
    """The perturbation of a count at its cell key (Int64; null for an unknown count)."""
    u = cell_key.cast(pl.Float64) / KEY_SPACE
    return (
        pl.when(count.is_null())
        .then(None)
        .when(count <= 0)
        .then(pl.lit(0))
        .when(count == 1)
        .then(_draw(u, PTABLE[1]))
        .otherwise(_draw(u, PTABLE[2]))
        .cast(pl.Int64)
    )


def cell_key(record_keys: pl.Expr) -> pl.Expr:
    """In an aggregation: the cell key of the records counted (the sum of their keys)."""
    return (record_keys.cast(pl.Int64).sum() % KEY_SPACE).cast(pl.Int64)


def counted(name: str, where: pl.Expr | None = None, key: str = "record_key") -> list[pl.Expr]:
    """In an aggregation: the count of rows (where `where` holds) as `name`, and its
    perturbation as `name__noise`."""
    if where is None:
        count, keys = pl.len().cast(pl.Int64), pl.col(key)
    else:
        selected = where.fill_null(False)
        count, keys = selected.sum().cast(pl.Int64), pl.col(key).filter(selected)
    return [count.alias(name), perturbation(count, cell_key(keys)).alias(noise_of(name))]


def distinct_counted(name: str, unit: str, key: str) -> list[pl.Expr]:
    """In an aggregation: the number of distinct `unit` values (nulls left out) as `name`, and
    its perturbation from the cell key of those units' keys (`key`, one per unit)."""
    present = pl.col(unit).is_not_null()
    first = present & pl.col(unit).is_first_distinct()
    count = pl.col(unit).drop_nulls().n_unique().cast(pl.Int64)
    keys = pl.col(key).filter(first)
    return [count.alias(name), perturbation(count, cell_key(keys)).alias(noise_of(name))]


def summed(*names: str) -> list[pl.Expr]:
    """In an aggregation over cells: the sums of counts and of their perturbations. A sum of
    unknowns stays unknown (null)."""
    out = []
    for name in names:
        for column in (name, noise_of(name)):
            out.append(pl.when(pl.col(column).count() > 0).then(pl.col(column).sum()).alias(column))
    return out


@dataclass(frozen=True)
class RecordKeys:
    """The secret behind the record keys (never stored, never shown): a hash seed and a salt
    put in front of every identity."""

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
