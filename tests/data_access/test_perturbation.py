"""The cell-key method: record keys, the perturbation table, and parts that add up."""

from __future__ import annotations

import random

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from data_access.access.perturbation import (
    KEY_SPACE,
    PTABLE,
    RecordKeys,
    consistent_with,
    counted,
    noise_of,
    perturbation,
)


@pytest.mark.parametrize("row", list(PTABLE.values()))
def test_every_ptable_row_is_unbiased_and_sums_to_one(row: tuple[tuple[int, float], ...]) -> None:
    """A published count equals the true one on average, so sums over many cells stay true."""
    assert sum(p for _, p in row) == pytest.approx(1.0)
    assert sum(v * p for v, p in row) == pytest.approx(0.0)


def test_the_drawn_perturbations_follow_the_table() -> None:
    """Uniform cell keys give each perturbation with its probability; zero stays zero, no
    count goes below zero."""
    rng = random.Random(7)
    n = 40_000
    frame = pl.DataFrame(
        {
            "t": [0] * n + [1] * n + [4] * n,
            "key": [rng.randrange(KEY_SPACE) for _ in range(3 * n)],
        }
    ).with_columns(e=perturbation(pl.col("t"), pl.col("key")))
    assert frame.filter(pl.col("t") == 0)["e"].unique().to_list() == [0]
    assert frame.filter(pl.col("t") + pl.col("e") < 0).is_empty()
    for t, row in ((1, PTABLE[1]), (4, PTABLE[2])):
        drawn = frame.filter(pl.col("t") == t)["e"].value_counts(normalize=True)
        shares = dict(zip(drawn["e"].to_list(), drawn["proportion"].to_list(), strict=True))
        for value, probability in row:
            assert shares[value] == pytest.approx(probability, abs=0.01)


def test_no_published_small_value_pins_its_true_count() -> None:
    """Every published value from 0 to 6 can come from at least two true counts in 1–4."""
    for published in range(7):
        sources = {
            t for t in range(1, 5) for value, _ in PTABLE[min(t, 2)] if t + value == published
        }
        assert len(sources) >= 2 or (published >= 6 and len(sources) >= 1), (published, sources)


def test_the_same_records_get_the_same_perturbation_in_any_table() -> None:
    """Two tables that count the same registrations (in any order, beside others) publish
    the same perturbation for them."""
    keys = RecordKeys.from_secret(b"test")
    rows = pl.DataFrame(
        {
            "source_system": ["a"] * 6,
            "source_record_id": [f"r{i}" for i in range(6)],
            "region_code": ["K", "K", "K", "G", "G", "G"],
            "kind": ["x", "y", "x", "x", "x", "y"],
        }
    ).with_columns(record_key=keys.of("source_system", "source_record_id"))
    by_region = rows.group_by("region_code").agg(counted("n")).sort("region_code")
    shuffled = rows.sample(fraction=1.0, shuffle=True, seed=3)
    again = (
        shuffled.group_by("region_code", "kind")
        .agg(counted("n"))
        .group_by("region_code")
        .agg(pl.col("n").sum())
        .sort("region_code")
    )
    assert by_region["n"].to_list() == again["n"].to_list()
    regrouped = shuffled.group_by("region_code").agg(counted("n")).sort("region_code")
    assert_frame_equal(by_region, regrouped)


def test_record_keys_are_pinned() -> None:
    """The record keys of a fixed secret never change: a polars upgrade that hashed
    differently would give every cell a second, independent perturbation to average."""
    keys = RecordKeys.from_secret(b"pinned secret")
    frame = pl.DataFrame({"s": ["uniform", "case_tool"], "r": ["KON-2021-000001", "17"]})
    assert frame.select(keys.of("s", "r"))["literal"].to_list() == PINNED
    other = RecordKeys.from_secret(b"another secret")
    assert frame.select(other.of("s", "r"))["literal"].to_list() != PINNED


PINNED: list[int] = [1448222807, 1787719100]


def test_parts_add_up_to_their_published_total() -> None:
    """After adjustment every breakdown of a group publishes exactly its total, no part is
    negative and an empty category stays empty."""
    rng = random.Random(11)
    rows = []
    for group in range(3000):
        for category in range(rng.randint(1, 7)):
            rows.append(
                (group, category, rng.choice([0, 1, 1, 2, 3, 6, 15]), rng.randrange(KEY_SPACE))
            )
    parts = pl.DataFrame(rows, schema=["g", "c", "n", "cell_key"], orient="row").with_columns(
        perturbation(pl.col("n"), pl.col("cell_key")).alias(noise_of("n"))
    )
    totals = (
        parts.group_by("g")
        .agg(pl.col("n").sum(), (pl.col("cell_key").sum() * 31 % KEY_SPACE).alias("k"))
        .with_columns(perturbation(pl.col("n"), pl.col("k")).alias(noise_of("n")))
    )
    adjusted = consistent_with(parts, totals, by=["g"], count="n")
    published = adjusted.with_columns(p=pl.col("n") + pl.col(noise_of("n")))
    sums = (
        published.group_by("g")
        .agg(pl.col("p").sum())
        .join(totals.select("g", (pl.col("n") + pl.col(noise_of("n"))).alias("total")), on="g")
    )
    assert sums.filter(pl.col("p") != pl.col("total")).is_empty()
    assert published.filter(pl.col("p") < 0).is_empty()
    assert published.filter((pl.col("n") == 0) & (pl.col("p") != 0)).is_empty()
    assert adjusted.select("g", "c", "n").equals(parts.select("g", "c", "n"))
