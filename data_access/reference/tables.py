"""Reads of the reference data: regions, ELZ, their areas over time, population, the 2020 table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from data_access.reference.areas import AreaTables, with_region
from data_access.store import schemas
from data_access.store.frames import read_frame as _frame
from data_access.store.models import (
    Elz,
    MunicipalityCrosswalk,
    MunicipalityElz,
    NetworkReference2020,
    Population,
    Region,
    RegionArea,
)


def regions(engine: Engine) -> pl.DataFrame:
    """Every region (network) with its active period; reference data, not scoped."""
    g = Region
    stmt = select(g.code, g.name, g.active_from, g.active_to, g.name_basis).order_by(g.code)
    return _frame(engine, stmt, schemas.REGION)


def elz(engine: Engine) -> pl.DataFrame:
    """The ELZ with name and province."""
    stmt = select(Elz.code, Elz.name, Elz.province).order_by(Elz.code)
    return _frame(
        engine,
        stmt,
        pl.Schema({"elz_code": pl.String, "elz_name": pl.String, "province": pl.String}),
    )


def region_areas(engine: Engine) -> pl.DataFrame:
    """Which municipalities or ELZ belong to which region, when, and on what basis."""
    a = RegionArea
    stmt = select(a.region_code, a.nis_code, a.elz_code, a.valid_from, a.valid_to, a.basis)
    return _frame(
        engine,
        stmt,
        pl.Schema(
            {
                "region_code": pl.String,
                "nis_code": pl.String,
                "elz_code": pl.String,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
                "basis": pl.String,
            }
        ),
    )


def area_tables(engine: Engine) -> AreaTables:
    """The reference frames that place a municipality in a region on a date."""
    m = MunicipalityElz
    layout = _frame(
        engine,
        select(m.nis_code, m.elz_code, m.valid_from, m.valid_to),
        pl.Schema(
            {
                "nis_code": pl.String,
                "elz_code": pl.String,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
            }
        ),
    )
    c = MunicipalityCrosswalk
    crosswalk = _frame(
        engine,
        select(c.nis_code_old, c.nis_code_new),
        pl.Schema({"nis_code_old": pl.String, "nis_code_new": pl.String}),
    )
    return AreaTables(region_areas(engine), layout, crosswalk)


def region_population(engine: Engine, on: date) -> pl.DataFrame:
    """Inhabitants of each region's area as it was on `on` (latest population figures).

    Brussels: the network's stated 362.700 inhabitants replace the region's 1,2 million, and
    there is no age breakdown (reference/README.md).
    """
    return region_populations(engine, [on])[0]


def region_populations(engine: Engine, days: Sequence[date]) -> list[pl.DataFrame]:
    """region_population on each of `days`, from one read of the reference tables."""
    p, newer = Population, aliased(Population)
    latest = select(func.max(newer.reference_date)).where(newer.nis_code == p.nis_code)
    pop = _frame(
        engine,
        select(p.nis_code, p.population_total, p.population_0_17).where(
            p.reference_date == latest.scalar_subquery()
        ),
        pl.Schema(
            {"nis_code": pl.String, "population_total": pl.Int64, "population_0_17": pl.Int64}
        ),
    )
    placed = (
        pop.lazy()
        .join(pl.LazyFrame({"on": list(dict.fromkeys(days))}, schema={"on": pl.Date}), how="cross")
        .pipe(with_region, area_tables(engine), on="on")
        .filter(pl.col("area_region").is_not_null())
        .group_by("on", pl.col("area_region").alias("region_code"))
        .agg(
            pl.col("population_total").sum(),
            # A sum over a partly unknown breakdown is unknown, not an undercount.
            pl.when(pl.col("population_0_17").null_count() == 0)
            .then(pl.col("population_0_17").sum())
            .otherwise(None)
            .alias("population_0_17"),
            pl.when((pl.col("area_basis") == "indicative").any())
            .then(pl.lit("indicative"))
            .otherwise(pl.lit("source"))
            .alias("area_basis"),
        )
        .collect()
    )
    stated = network_reference_2020(engine).filter(pl.col("region_code") == "BRU")
    if stated.height and stated["inhabitants"][0] is not None:
        placed = placed.with_columns(
            population_total=pl.when(pl.col("region_code") == "BRU")
            .then(pl.lit(stated["inhabitants"][0], pl.Int64))
            .otherwise(pl.col("population_total")),
            area_basis=pl.when(pl.col("region_code") == "BRU")
            .then(pl.lit("stated"))
            .otherwise(pl.col("area_basis")),
        )
    return [
        placed.filter(pl.col("on") == day)
        .select(schemas.REGION_POPULATION.names())
        .cast(schemas.REGION_POPULATION)
        .sort("region_code")
        for day in days
    ]


def network_reference_2020(engine: Engine) -> pl.DataFrame:
    """The 2020 evaluation's table of the first 15 networks (FTE, inhabitants, partners)."""
    n = NetworkReference2020
    stmt = select(
        n.region_code,
        n.network_name,
        n.fte_total,
        n.fte_coordination,
        n.fte_team,
        n.fte_elp,
        n.fte_other,
        n.inhabitants,
        n.partners,
        n.fte_note,
    ).order_by(n.region_code)
    return _frame(
        engine,
        stmt,
        pl.Schema(
            {
                "region_code": pl.String,
                "network_name": pl.String,
                "fte_total": pl.Float64,
                "fte_coordination": pl.Float64,
                "fte_team": pl.Float64,
                "fte_elp": pl.Float64,
                "fte_other": pl.Float64,
                "inhabitants": pl.Int64,
                "partners": pl.Int64,
                "fte_note": pl.String,
            }
        ),
    )
