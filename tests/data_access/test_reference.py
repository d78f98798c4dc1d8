"""Reference data loads with the expected counts and a consistent geography over time."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, func, select

from data_access.reference import tables
from data_access.reference.areas import with_region
from data_access.reference.loader import REFERENCE_DIR, ReferenceError, load_reference
from data_access.store.models import Municipality, Population, Region, RegionArea


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def test_counts(engine: Engine) -> None:
    """It loads 18 regions, 57 ELZ, 623 municipality versions and 319 population rows."""
    assert _count(engine, Region) == 18
    assert tables.elz(engine).height == 57
    assert _count(engine, Municipality) == 623
    assert _count(engine, Population) == 319
    assert _count(engine, RegionArea) == 155 + 57


def test_reload_is_idempotent(engine: Engine) -> None:
    """Loading twice leaves the same counts (regions upserted, areas replaced)."""
    load_reference(engine)
    assert _count(engine, Region) == 18
    assert _count(engine, RegionArea) == 212


@pytest.mark.parametrize("period_start", [date(2019, 1, 1), date(2025, 1, 1)])
def test_every_municipality_maps_to_exactly_one_elz(engine: Engine, period_start: date) -> None:
    """In each period every municipality of that period has exactly one ELZ."""
    areas = tables.area_tables(engine)
    layout = areas.municipality_elz.filter(pl.col("valid_from") == period_start)
    assert layout["nis_code"].is_duplicated().sum() == 0
    municipalities = {
        r.nis_code
        for r in engine.connect().execute(
            select(Municipality.nis_code).where(Municipality.valid_from == period_start)
        )
    }
    assert set(layout["nis_code"]) == municipalities


@pytest.mark.parametrize(
    "on", [date(2021, 7, 1), date(2023, 5, 10), date(2025, 1, 1), date(2026, 11, 1)]
)
def test_every_elz_belongs_to_exactly_one_region_since_july_2021(engine: Engine, on: date) -> None:
    """On any date since 2021-07-01 the 57 ELZ are split over 16 regions without overlap."""
    areas = tables.region_areas(engine).filter(
        pl.col("elz_code").is_not_null()
        & (pl.col("valid_from") <= on)
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= on))
    )
    assert areas.height == 57
    assert areas["elz_code"].n_unique() == 57
    assert areas["region_code"].n_unique() == 16


@pytest.mark.parametrize(
    "on", [date(2019, 6, 1), date(2021, 6, 30), date(2021, 7, 1), date(2025, 3, 1)]
)
def test_every_date_and_municipality_resolves_to_at_most_one_region(
    engine: Engine, on: date
) -> None:
    """Placing every municipality code on a date never yields two regions."""
    codes = tables.area_tables(engine).crosswalk
    nis = pl.concat([codes["nis_code_old"], codes["nis_code_new"]]).unique()
    points = pl.DataFrame({"nis_code": nis, "on": [on] * len(nis)})
    placed = with_region(points.lazy(), tables.area_tables(engine), on="on").collect()
    assert placed.height == points.height


@pytest.mark.parametrize("on", [date(2021, 7, 1), date(2024, 12, 31), date(2025, 1, 1)])
def test_every_municipality_has_a_network_since_july_2021(engine: Engine, on: date) -> None:
    """From the ELZ layout on, every municipality valid that day (Brussels too) has a network."""
    with engine.connect() as conn:
        valid = [
            r.nis_code
            for r in conn.execute(
                select(Municipality.nis_code).where(
                    Municipality.valid_from <= on,
                    (Municipality.valid_to.is_(None)) | (Municipality.valid_to >= on),
                )
            )
        ]
    points = pl.DataFrame({"nis_code": valid, "on": [on] * len(valid)})
    placed = with_region(points.lazy(), tables.area_tables(engine), on="on").collect()
    assert placed["area_region"].null_count() == 0


def test_merger_and_new_networks(engine: Engine) -> None:
    """Westhoek and Midden-West-Vlaanderen end in mid-2021; WHM, NWV and ZLI start then."""
    regions = tables.regions(engine)
    ended = regions.filter(pl.col("active_to") == date(2021, 6, 30))["region_code"].to_list()
    started = regions.filter(pl.col("active_from") == date(2021, 7, 1))["region_code"].to_list()
    assert sorted(ended) == ["MWV", "WHK"]
    assert sorted(started) == ["NWV", "WHM", "ZLI"]


def test_indicative_rows_stay_marked(engine: Engine) -> None:
    """Rows marked indicative in the files are indicative in the store."""
    areas = tables.region_areas(engine)
    source = pl.read_csv(REFERENCE_DIR / "region_elz.csv", infer_schema=False)
    assert (areas["basis"] == "indicative").sum() == (
        (source["basis"] == "indicative").sum()
        + (
            pl.read_csv(REFERENCE_DIR / "region_municipality_2018.csv", infer_schema=False)["basis"]
            == "indicative"
        ).sum()
    )
    assert set(areas.filter(pl.col("elz_code") == "elz18")["basis"]) == {"source"}


def test_population_of_konekti_matches_the_reference_notes(engine: Engine) -> None:
    """Konekti's 2018 area holds 322.053 inhabitants (reference README), Brussels the stated 362.700."""
    then = tables.region_population(engine, date(2020, 1, 1))
    assert then.filter(pl.col("region_code") == "KON")["population_total"][0] == 322_053
    bru = then.filter(pl.col("region_code") == "BRU")
    assert bru["population_total"][0] == 362_700
    assert bru["population_0_17"][0] is None


def test_a_broken_reference_file_is_named_with_line_and_column(
    engine: Engine, tmp_path: Path
) -> None:
    """An unknown ELZ code in region_elz.csv is refused with file, line and column."""
    broken = tmp_path / "ref"
    shutil.copytree(REFERENCE_DIR, broken)
    path = broken / "region_elz.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace("elz", "zzz", 1)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ReferenceError, match=r"region_elz\.csv, regel 4, kolom elz_code"):
        load_reference(engine, broken)
