"""The simulated registrations: the only same-day repeats of a family are the planted copies."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from demo.defects import COPY_RECORD_FROM, DUPLICATES
from demo.generator import demo_rows

TODAY = date(2026, 11, 22)
# What `vermoedelijk_dubbel` compares (checks/frames.py: registration_keys).
SAME_DAY = ["region_code", "family", "received_date", "kind"]


@pytest.mark.parametrize(("seed", "scale"), [(42, 0.02), (42, 0.3), (42, 1.0), (7, 1.0), (42, 3.0)])
def test_no_accidental_same_day_twins(seed: int, scale: float) -> None:
    """It writes no two registrations of one family, region, day and kind except the
    documented copies, at small and large scales (at scale 1 the check found 9 for 6)."""
    simulated = demo_rows(seed=seed, scale=scale, today=TODAY)
    twins = simulated.rows.filter(pl.struct(SAME_DAY).is_duplicated())
    copies = twins.filter(pl.col("record") >= COPY_RECORD_FROM)
    region, _source, year, planted = DUPLICATES
    assert simulated.documented_defects["suspected_duplicates"] == planted
    assert copies.height == planted
    assert twins.height == 2 * planted
    assert set(twins["region_code"]) == {region}
    assert set(twins["received_date"].dt.year()) == {year}


def test_returning_families_still_return() -> None:
    """Avoiding same-day twins keeps families coming back (about 9 % of requests)."""
    rows = demo_rows(seed=42, scale=0.3, today=TODAY).rows
    returning = rows.filter(pl.col("family").is_duplicated()).height / rows.height
    assert 0.1 < returning < 0.3
