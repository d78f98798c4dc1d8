"""Which region a municipality belonged to on a date: as organised then, or under today's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from data_access.reference.codes import UNASSIGNED_REGION

# The 2025 municipal mergers: from this day on, municipality → ELZ uses the new NIS codes.
MERGERS_2025 = date(2025, 1, 1)


@dataclass(frozen=True)
class AreaTables:
    """The reference frames needed to place a municipality in a region on a date."""

    region_area: pl.DataFrame  # region_code, nis_code, elz_code, valid_from, valid_to, basis
    municipality_elz: pl.DataFrame  # nis_code, elz_code, valid_from, valid_to
    crosswalk: pl.DataFrame  # nis_code_old, nis_code_new


def _valid(on: str) -> pl.Expr:
    return (pl.col("valid_from") <= pl.col(on)) & (
        pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col(on))
    )


def with_region(points: pl.LazyFrame, tables: AreaTables, *, on: str = "on") -> pl.LazyFrame:
    """Add `area_region` (and `area_basis`) to rows with `nis_code` and a date column `on`.

    Until mid-2021 regions are sets of (pre-2025) municipalities; from 2021-07-01 sets of ELZ,
    reached through the municipality → ELZ layout valid on the date. Null where no region
    covered the municipality then (before 2021 not all of Flanders had a network).
    """
    # Materialised once: the row index must name the same row in both branches below, and a
    # lazy plan may evaluate an unordered `unique()` upstream once per branch.
    keyed = points.with_row_index("_row").collect().lazy()
    areas = tables.region_area.lazy()
    by_municipality = (
        keyed.select("_row", "nis_code", on)
        .join(areas.filter(pl.col("nis_code").is_not_null()), on="nis_code")
        .filter(_valid(on))
        .select("_row", pl.col("region_code").alias("_r1"), pl.col("basis").alias("_b1"))
    )
    crosswalk = tables.crosswalk.lazy()
    normalised = (
        keyed.select("_row", "nis_code", on)
        .join(crosswalk, left_on="nis_code", right_on="nis_code_old", how="left")
        .with_columns(
            _nis=pl.when(pl.col(on) >= MERGERS_2025)
            .then(pl.coalesce("nis_code_new", "nis_code"))
            .otherwise(pl.col("nis_code"))
        )
    )
    by_elz = (
        normalised.join(tables.municipality_elz.lazy(), left_on="_nis", right_on="nis_code")
        .filter(_valid(on))
        .select("_row", on, "elz_code")
        .join(areas.filter(pl.col("elz_code").is_not_null()), on="elz_code")
        .filter(_valid(on))
        .select("_row", pl.col("region_code").alias("_r2"), pl.col("basis").alias("_b2"))
    )
    return (
        keyed.join(by_municipality, on="_row", how="left")
        .join(by_elz, on="_row", how="left")
        .with_columns(area_region=pl.coalesce("_r1", "_r2"), area_basis=pl.coalesce("_b1", "_b2"))
        .drop("_row", "_r1", "_r2", "_b1", "_b2")
    )


def reassign_to_today(registrations: pl.LazyFrame, tables: AreaTables, today: date) -> pl.LazyFrame:
    """Put every registration under today's region of its municipality.

    Rows without a municipality (or one no region covers today) go to UNASSIGNED_REGION, so the
    total is conserved: nothing is dropped silently.
    """
    # One date for every row: place each distinct municipality once, then replace only the
    # region column (a join would copy every column of every registration).
    placed = (
        registrations.select("nis_code")
        .unique()
        .drop_nulls()
        .with_columns(pl.lit(today).alias("_today"))
        .pipe(with_region, tables, on="_today")
        .drop_nulls("area_region")
        .select("nis_code", "area_region")
        .collect()
    )
    if placed["nis_code"].is_duplicated().any():
        raise ValueError("a municipality lies in two regions on one day: check region_area")
    regions = dict(placed.iter_rows())
    return registrations.with_columns(
        region_code=pl.col("nis_code").replace_strict(
            regions, default=pl.lit(UNASSIGNED_REGION), return_dtype=pl.String
        )
    )
