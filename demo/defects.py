"""The demo's deliberate data-quality defects: few, realistic, documented, found by the checks.

Real deliveries are never perfect, and the quality page has nothing to show on perfect data.
The demo therefore plants exactly these defects in the simulated rows before the source files
are written (all are accepted by the import: the checks, not the import, find them):

- first contacts a few days before the registration, in HAG's hand-kept Excel register
  (legacy): found by `datum_volgorde_first_contact_date`;
- referrers left empty in GNT's case-tool export (legacy): `aanmelder_ingevuld`;
- a month the network forgot to deliver, March 2023 in OLI's uniform file: `maand_aangeleverd`;
- a set of rows entered twice under new record numbers, in KEM's uniform file of 2024:
  `vermoedelijk_dubbel` (it counts the copies).

`DemoManifest.documented_defects` holds the exact counts (fewer only when a tiny scale has too
few rows to plant them in).
"""

from __future__ import annotations

from datetime import date
from typing import Final

import numpy as np
import polars as pl

DATE_ORDER: Final = ("HAG", "spreadsheet", 4)
MISSING_REFERRER: Final = ("GNT", "case_tool", 12)
MISSING_MONTH: Final = ("OLI", "uniform", date(2023, 3, 1))
DUPLICATES: Final = ("KEM", "uniform", 2024, 6)
# Record numbers of the copies: far above any real record number of a year.
COPY_RECORD_FROM: Final = 900_001


def _pick(rng: np.random.Generator, candidates: pl.Series, n: int) -> list[int]:
    """n row positions from `candidates`, sorted (all of them when there are fewer)."""
    values = candidates.to_numpy()
    if len(values) <= n:
        return sorted(values.tolist())
    return sorted(rng.choice(values, size=n, replace=False).tolist())


def plant_defects(
    rows: pl.DataFrame, rng: np.random.Generator
) -> tuple[pl.DataFrame, dict[str, int]]:
    """The rows with the documented defects planted, and the number of each."""
    rows = rows.with_row_index("_pos")
    counts: dict[str, int] = {}

    region, source, n = DATE_ORDER
    candidates = rows.filter(
        (pl.col("region_code") == region)
        & (pl.col("source") == source)
        & (pl.col("kind") == "aanmelding")
        & pl.col("first_contact_date").is_not_null()
    )["_pos"]
    picked = _pick(rng, candidates, n)
    days_before = pl.Series(rng.integers(1, 15, len(rows)), dtype=pl.Int64)
    rows = rows.with_columns(
        first_contact_date=pl.when(pl.col("_pos").is_in(picked))
        .then(pl.col("received_date") - pl.duration(days=pl.lit(days_before)))
        .otherwise(pl.col("first_contact_date"))
    )
    counts["first_contact_before_registration"] = len(picked)

    region, source, n = MISSING_REFERRER
    candidates = rows.filter((pl.col("region_code") == region) & (pl.col("source") == source))[
        "_pos"
    ]
    picked = _pick(rng, candidates, n)
    rows = rows.with_columns(
        referrer=pl.when(pl.col("_pos").is_in(picked)).then(None).otherwise(pl.col("referrer"))
    )
    counts["missing_referrer"] = len(picked)

    region, source, month = MISSING_MONTH
    forgotten = (
        (pl.col("region_code") == region)
        & (pl.col("source") == source)
        & (pl.col("received_date").dt.truncate("1mo") == month)
    )
    counts["missing_month"] = 1 if rows.filter(forgotten).height else 0
    rows = rows.filter(~forgotten)

    region, source, year, n = DUPLICATES
    candidates = rows.filter(
        (pl.col("region_code") == region)
        & (pl.col("source") == source)
        & (pl.col("received_date").dt.year() == year)
    )["_pos"]
    picked = _pick(rng, candidates, n)
    copies = rows.filter(pl.col("_pos").is_in(picked)).with_columns(
        record=pl.int_range(COPY_RECORD_FROM, COPY_RECORD_FROM + pl.len()).cast(
            rows.schema["record"]
        )
    )
    counts["suspected_duplicates"] = copies.height
    return pl.concat([rows, copies]).drop("_pos"), counts
