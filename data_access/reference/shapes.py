"""Map geography: the ELZ shapes and which region each ELZ belonged to on a date."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from data_access.reference import tables
from data_access.reference.areas import MERGERS_2025, with_region
from data_access.reference.loader import REFERENCE_DIR
from data_access.reference.simplify import polygons, simplified_features
from data_access.store.models import Population

ELZ_GEOJSON = REFERENCE_DIR / "elz.geojson"

# The key plotly joins a location to its shape with (go.Choropleth featureidkey).
FEATURE_ID_KEY = "properties.elz_code"
# Borders are drawn to within 0,002° (about 140 m by 220 m here): under one pixel at the map's
# zoom of 7,4 (about 0,004° a pixel), and a quarter of the reference file's points (20.733 →
# about 5.250), so a change on *Regio's vergelijken* sends about 250 kB less (simplify.py).
MAP_TOLERANCE = 0.002

ELZ_REGION = pl.Schema(
    {"elz_code": pl.String, "elz_name": pl.String, "region_code": pl.String, "share": pl.Float64}
)


def elz_shapes(path: Path = ELZ_GEOJSON, only: Iterable[str] | None = None) -> dict[str, Any]:
    """The 57 ELZ polygons (GeoJSON FeatureCollection, properties elz_code and elz_name),
    simplified to MAP_TOLERANCE with their shared borders kept shared, or those of the `only`
    codes (a map trace carries just its own zones to the browser).

    Rings run clockwise, as plotly's go.Choropleth needs (reference/README.md). The features
    are shared between calls: read them, never change them.
    """
    shapes = _parsed(path)
    wanted = None if only is None else set(only)
    return {
        **{k: v for k, v in shapes.items() if k != "features"},
        "features": [
            f for f in shapes["features"] if wanted is None or f["properties"]["elz_code"] in wanted
        ],
    }


@lru_cache(maxsize=4)
def elz_extent(path: Path = ELZ_GEOJSON) -> tuple[float, float, float, float]:
    """West, east, south and north of the ELZ shapes, with a margin of MAP_TOLERANCE: the
    extent a map of them shows."""
    points = np.concatenate(
        [
            ring
            for feature in _parsed(path)["features"]
            for polygon in polygons(feature["geometry"])
            for ring in polygon
        ]
    )
    (west, south), (east, north) = points.min(axis=0), points.max(axis=0)
    pad = MAP_TOLERANCE
    return float(west - pad), float(east + pad), float(south - pad), float(north + pad)


@lru_cache(maxsize=4)
def _parsed(path: Path) -> dict[str, Any]:
    shapes: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    shapes["features"] = simplified_features(shapes["features"], MAP_TOLERANCE)
    # Each ring as one array: plotly's JSON encoding walks nested lists value by value in
    # Python (≈ 55 ms for these shapes on every rerun of the map), arrays go to orjson whole.
    for feature in shapes["features"]:
        for polygon in polygons(feature["geometry"]):
            polygon[:] = [np.asarray(ring, dtype=np.float64) for ring in polygon]
    return shapes


def _municipal_population(engine: Engine) -> pl.DataFrame:
    """nis_code (pre-2025), population_total: the latest figure per municipality."""
    p, newer = Population, aliased(Population)
    latest = select(func.max(newer.reference_date)).where(newer.nis_code == p.nis_code)
    stmt = select(p.nis_code, p.population_total).where(
        p.reference_date == latest.scalar_subquery()
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pl.DataFrame(
        [tuple(row) for row in rows],
        schema={"nis_code": pl.String, "population_total": pl.Int64},
        orient="row",
    )


def layout_changes(engine: Engine) -> tuple[date, ...]:
    """The days on which an ELZ may get another region (sorted): the first day of every
    region's and every municipality's ELZ validity, the day after its last, and the 2025
    mergers. Between two of them `elz_regions` gives the same answer on every day."""
    areas = tables.area_tables(engine)
    days = {MERGERS_2025}
    for frame in (areas.region_area, areas.municipality_elz):
        days.update(frame["valid_from"].drop_nulls())
        days.update(d + timedelta(days=1) for d in frame["valid_to"].drop_nulls())
    return tuple(sorted(days))


def layout_since(changes: tuple[date, ...], on: date) -> date:
    """The last of `changes` on or before `on` (date.min before the first): the days that share
    it share their ELZ layout."""
    return changes[bisect_right(changes, on) - 1] if changes and changes[0] <= on else date.min


def elz_regions(engine: Engine, on: date) -> pl.DataFrame:
    """Every ELZ with the region that served it on `on`: elz_code, elz_name, region_code, share.

    From 2021-07-01 regions are sets of whole ELZ, so share is 1. Before, regions were sets of
    municipalities: an ELZ gets the region serving most of its inhabitants, share is that part
    of its inhabitants; an ELZ no network covered then has no region (null, share 0).
    """
    areas = tables.area_tables(engine)
    zones = tables.elz(engine).select("elz_code", "elz_name")
    population = _municipal_population(engine).lazy()
    crosswalk = areas.crosswalk.lazy()
    # Municipalities on pre-2025 codes, placed in their ELZ and region as on `on`.
    placed = (
        population.with_columns(on=pl.lit(on))
        .pipe(with_region, areas, on="on")
        .join(crosswalk, left_on="nis_code", right_on="nis_code_old", how="left")
        .with_columns(
            _nis=pl.coalesce("nis_code_new", "nis_code")
            if on >= MERGERS_2025
            else pl.col("nis_code")
        )
        .join(areas.municipality_elz.lazy(), left_on="_nis", right_on="nis_code")
        .filter(
            (pl.col("valid_from") <= on)
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= on))
        )
        .group_by("elz_code", pl.col("area_region").alias("region_code"))
        .agg(pl.col("population_total").sum())
        .with_columns(
            share=pl.col("population_total") / pl.col("population_total").sum().over("elz_code")
        )
        .filter(pl.col("region_code").is_not_null())
        .sort(["elz_code", "population_total", "region_code"], descending=[False, True, False])
        .group_by("elz_code", maintain_order=True)
        .first()
        .select("elz_code", "region_code", "share")
        .collect()
    )
    return (
        zones.join(placed, on="elz_code", how="left")
        .with_columns(pl.col("share").fill_null(0.0))
        .select(ELZ_REGION.names())
        .cast(ELZ_REGION)
        .sort(pl.col("elz_code").str.strip_prefix("elz").cast(pl.Int64))
    )
