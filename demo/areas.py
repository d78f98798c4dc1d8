"""Network areas, populations and municipality draws for the demo, from the reference CSVs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from data_access.reference.loader import ELZ_LAYOUT_FROM, REFERENCE_DIR

# The 2025 municipal mergers: from this day on, NIS codes are the merged ones.
MERGERS_2025 = date(2025, 1, 1)
# The Brussels network states the people it serves, not the 1,2 million of the region
# (domain/000; reference/README.md says to use the stated figure).
BRUSSELS_STATED = 362_700
# Share of registrations from a municipality outside the network's own area (families who moved,
# or a school across the border).
NEIGHBOUR_SHARE = 0.03

# Layout periods: 2018 municipality lists, then ELZ on pre-2025 codes, then ELZ on 2025 codes.
PERIOD_2018, PERIOD_ELZ, PERIOD_2025 = 0, 1, 2


def period_of(day: date) -> int:
    """The layout period a date falls in."""
    if day < ELZ_LAYOUT_FROM:
        return PERIOD_2018
    return PERIOD_2025 if day >= MERGERS_2025 else PERIOD_ELZ


@dataclass(frozen=True)
class Area:
    """Municipalities a network draws residents from in one layout period, with weights."""

    nis_codes: np.ndarray  # str, own area first, then neighbours
    cumulative: np.ndarray  # float, cumulative probability over nis_codes
    population: int  # inhabitants of the own area (Brussels: the stated figure)
    own: int  # how many of nis_codes are the own area

    def draw(self, rng: np.random.Generator, size: int, *, own_only: bool = False) -> np.ndarray:
        """NIS codes of `size` residents, population-weighted, a few from a neighbouring area."""
        cumulative = self.cumulative
        if own_only:
            cumulative = cumulative[: self.own] / cumulative[self.own - 1]
        picks = np.searchsorted(cumulative, rng.random(size), side="right")
        return self.nis_codes[np.minimum(picks, len(cumulative) - 1)]


@dataclass(frozen=True)
class Geography:
    """Everything the generator needs from the reference folder."""

    regions: pl.DataFrame  # region_code, region_name, active_from, active_to (dates)
    areas: dict[tuple[str, int], Area]
    names: dict[str, str]  # pre-2025 NIS → name_nl
    networks_2020: pl.DataFrame
    province_of: dict[str, str]  # region_code → main province (partner names)
    towns: dict[str, list[str]]  # region_code → its largest municipalities, largest first

    def area(self, region_code: str, period: int) -> Area | None:
        return self.areas.get((region_code, period))


def _csv(directory: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(directory / name, infer_schema=False)


def _area(
    own: pl.DataFrame, candidates: pl.DataFrame, region_code: str, *, neighbours: bool
) -> Area:
    """own: nis_code, population, province of the area; candidates: the same for all."""
    own = own.sort("nis_code")
    population = int(own["population"].sum())
    weights = own["population"].cast(pl.Float64).to_numpy() * (1 - NEIGHBOUR_SHARE)
    codes = own["nis_code"].to_numpy()
    own_count = len(codes)
    if neighbours:
        provinces = set(own["province"].to_list())
        if region_code == "BRU":
            provinces = {"Vlaams-Brabant"}  # Brussels' neighbours are Flemish-Brabant towns
        around = candidates.filter(
            pl.col("province").is_in(sorted(provinces))
            & ~pl.col("nis_code").is_in(own["nis_code"].to_list())
        ).sort("nis_code")
        if around.height:
            share = around["population"].cast(pl.Float64).to_numpy()
            # Scaled so that the neighbours get NEIGHBOUR_SHARE of all draws.
            extra = share / share.sum() * weights.sum() / (1 - NEIGHBOUR_SHARE) * NEIGHBOUR_SHARE
            weights = np.concatenate([weights, extra])
            codes = np.concatenate([codes, around["nis_code"].to_numpy()])
    cumulative = np.cumsum(weights) / weights.sum()
    if region_code == "BRU":
        population = BRUSSELS_STATED
    return Area(codes.astype(str), cumulative, population, own_count)


def load_geography(directory: Path = REFERENCE_DIR) -> Geography:
    """Read the reference CSVs into areas per network and layout period."""
    regions = _csv(directory, "regions.csv").with_columns(
        pl.col("active_from").str.to_date(), pl.col("active_to").str.to_date()
    )
    municipality = _csv(directory, "municipality.csv")
    population = _csv(directory, "population.csv").select(
        "nis_code", pl.col("population_total").cast(pl.Int64).alias("population")
    )
    crosswalk = _csv(directory, "municipality_nis_crosswalk_2025.csv")
    municipality_elz = _csv(directory, "municipality_elz.csv")
    old = municipality.filter(pl.col("valid_to") == "2024-12-31").select("nis_code", "province")
    new = municipality.filter(pl.col("valid_from") == "2025-01-01").select("nis_code", "province")
    old_pop = old.join(population, on="nis_code")
    new_pop = new.join(
        population.join(crosswalk, left_on="nis_code", right_on="nis_code_2019_2024")
        .group_by(pl.col("nis_code_2025").alias("nis_code"))
        .agg(pl.col("population").sum()),
        on="nis_code",
    )
    layouts = {
        PERIOD_ELZ: (municipality_elz.filter(pl.col("valid_to") == "2024-12-31"), old_pop),
        PERIOD_2025: (municipality_elz.filter(pl.col("valid_from") == "2025-01-01"), new_pop),
    }
    areas: dict[tuple[str, int], Area] = {}
    by_2018 = _csv(directory, "region_municipality_2018.csv").join(old_pop, on="nis_code")
    for (code,), own in by_2018.partition_by("region_code", as_dict=True).items():
        areas[(str(code), PERIOD_2018)] = _area(own, old_pop, str(code), neighbours=True)
    region_elz = _csv(directory, "region_elz.csv")
    for period, (elz_layout, pop) in layouts.items():
        joined = region_elz.join(elz_layout.select("nis_code", "elz_code"), on="elz_code").join(
            pop, on="nis_code"
        )
        for (code,), own in joined.partition_by("region_code", as_dict=True).items():
            areas[(str(code), period)] = _area(own, pop, str(code), neighbours=True)
    members = pl.concat(
        [
            by_2018.select("region_code", "nis_code", "province", "population"),
            region_elz.join(layouts[PERIOD_ELZ][0].select("nis_code", "elz_code"), on="elz_code")
            .join(old_pop, on="nis_code")
            .select("region_code", "nis_code", "province", "population"),
        ]
    ).unique(["region_code", "nis_code"])
    names = dict(
        municipality.filter(pl.col("valid_to") == "2024-12-31")
        .select("nis_code", "name_nl")
        .iter_rows()
    )
    province_of = {
        str(code): str(
            frame.group_by("province")
            .agg(pl.col("population").sum())
            .sort("population", descending=True)["province"][0]
        )
        for (code,), frame in members.partition_by("region_code", as_dict=True).items()
    }
    towns = {
        str(code): [names[n] for n in frame.sort("population", descending=True)["nis_code"][:6]]
        for (code,), frame in members.partition_by("region_code", as_dict=True).items()
    }
    return Geography(
        regions=regions.select("region_code", "region_name", "active_from", "active_to"),
        areas=areas,
        names=names,
        networks_2020=_csv(directory, "networks_2020.csv"),
        province_of=province_of,
        towns=towns,
    )
