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
    distinct_counts,
    noise_of,
    perturbation,
)


def test_the_ptable_is_unbiased_and_sums_to_one() -> None:
    """A published count equals the true one on average, so sums over many cells stay true."""
    assert sum(p for _, p in PTABLE) == pytest.approx(1.0)
    assert sum(v * p for v, p in PTABLE) == pytest.approx(0.0)


def test_the_drawn_perturbations_follow_the_table() -> None:
    """Uniform cell keys give each perturbation with its probability; zero stays zero, no
    count goes below zero (a count of 1 floored at 0 where the draw is −2)."""
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
    drawn = frame.filter(pl.col("t") == 4)["e"].value_counts(normalize=True)
    shares = dict(zip(drawn["e"].to_list(), drawn["proportion"].to_list(), strict=True))
    for value, probability in PTABLE:
        assert shares[value] == pytest.approx(probability, abs=0.01)
    ones = frame.filter(pl.col("t") == 1)["e"].value_counts(normalize=True)
    floored = dict(zip(ones["e"].to_list(), ones["proportion"].to_list(), strict=True))
    assert floored[-1] == pytest.approx(0.3, abs=0.01)


def test_a_changed_count_keeps_its_perturbation() -> None:
    """One row for every count: a revision that changes a cell's count (its key stays, it is
    the cell's coordinates) changes the published count by exactly the true change, away
    from the floor at zero, so two releases say nothing more about the level than one."""
    rng = random.Random(5)
    keys = [rng.randrange(KEY_SPACE) for _ in range(5_000)]
    frame = pl.DataFrame({"key": keys}).with_columns(
        *(perturbation(pl.lit(t), pl.col("key")).alias(f"e{t}") for t in range(3, 9))
    )
    for t in range(4, 9):
        assert (frame[f"e{t}"] == frame["e3"]).all()


def test_no_published_small_value_pins_its_true_count() -> None:
    """Every published value from 0 to 6 can come from at least two true counts in 1–4 (or,
    from 5 up, from one in 1–4 and larger ones)."""
    for published in range(7):
        sources = {t for t in range(1, 9) for value, _ in PTABLE if max(t + value, 0) == published}
        assert len(sources) >= 2, (published, sources)
        assert published > 4 or len(sources & set(range(1, 5))) >= 2, (published, sources)


def test_a_distinct_count_counts_each_unit_once_and_keys_on_the_set() -> None:
    """Per group, each unit counts once however many rows it has, nulls not at all (a group of
    nulls only counts 0), and the perturbation comes from the sum of the set's unit keys: the
    same set in another group, with other rows, gets the same perturbation."""
    rng = random.Random(11)
    unit_keys = {f"u{i}": rng.randrange(KEY_SPACE) for i in range(40)}
    rows = [
        (group, unit, None if unit is None else unit_keys[unit])
        for group in ("a", "b", "c")
        for unit in rng.choices([*unit_keys, None], k=300)
    ] + [("only-nulls", None, None)] * 3
    rows += [("same-as-a", unit, key) for group, unit, key in rows if group == "a"][::-1]
    frame = pl.LazyFrame(rows, schema=["group", "unit", "key"], orient="row")
    got = {
        group: (count, noise)
        for group, count, noise in distinct_counts(frame, ["group"], "n", "unit", "key")
        .collect()
        .iter_rows()
    }
    expected = {}
    for group in ("a", "b", "c", "only-nulls", "same-as-a"):
        units = {unit for g, unit, _ in rows if g == group and unit is not None}
        key = sum(unit_keys[u] for u in units) % KEY_SPACE
        noise = pl.select(perturbation(pl.lit(len(units)), pl.lit(key))).item()
        expected[group] = (len(units), noise)
    assert got == expected
    assert got["only-nulls"][0] == 0 and got["same-as-a"] == got["a"]
    # A unit that is also a grouping column counts itself once per group.
    by_unit = distinct_counts(frame, ["group", "unit"], "n", "unit", "key").collect()
    assert set(by_unit.drop_nulls("unit")["n"].to_list()) == {1}


def test_a_cell_is_perturbed_the_same_way_in_any_table() -> None:
    """Two tables that count the same cell (grouped in another order, beside other cells)
    publish the same perturbation for it; a different measure at the same place does not
    share it."""
    keys = RecordKeys.from_secret(b"test")
    rows = pl.DataFrame(
        {
            "region_code": ["K", "K", "K", "G", "G", "G", "G"],
            "kind": ["x", "y", "x", "x", "x", "y", "x"],
        }
    )
    at = ["region_code", "kind"]
    one = rows.group_by(at).agg(counted("n", keys=keys, at=at)).sort(at)
    shuffled = rows.sample(fraction=1.0, shuffle=True, seed=3)
    other = shuffled.group_by(at).agg(counted("n", keys=keys, at=at)).sort(at)
    assert_frame_equal(one, other)
    many = pl.DataFrame({"region_code": [f"R{i}" for i in range(200)] * 3, "kind": ["x"] * 600})
    intakes = many.group_by(at).agg(counted("n", keys=keys, at=at)).sort(at)
    consults = many.group_by(at).agg(counted("n", keys=keys, at=at, measure="m")).sort(at)
    assert (intakes[noise_of("n")] != consults[noise_of("n")]).sum() > 50
    added = pl.concat([rows, pl.DataFrame({"region_code": ["K"], "kind": ["x"]})])
    revised = added.group_by(at).agg(counted("n", keys=keys, at=at)).sort(at)
    published = (pl.col("n") + pl.col(noise_of("n"))).alias("p")
    change = revised.select(*at, published).join(one.select(*at, published), on=at)
    assert change.filter(pl.col("region_code") == "K", pl.col("kind") == "x").select(
        pl.col("p") - pl.col("p_right")
    ).item() in (0, 1)  # 1, or 0 where the count sits on the floor at zero


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
