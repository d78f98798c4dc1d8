"""Read functions return frames of the declared schemas and respect a restricted scope."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from data_access.access import reads
from data_access.ingest import lineage
from data_access.ingest.pipeline import import_file
from data_access.reference import tables
from data_access.settings import Settings
from data_access.store import schemas
from tests import scopes

HEADER = (
    "registration_id,family_id,region_code,nis_code,kind,received_date,first_contact_date,"
    "closed_date,referrer,request_nature,response_type,closure_reason,child_age,partners\n"
)


def _load(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    rows = [
        "K1,F1,KON,34022,aanmelding,2022-01-31,2022-02-20,,CLB,OPVOEDING,GEZINSPLAN,,12,CLB:CLB Kortrijk",
        "K2,F2,KON,,consult,2022-02-01,,,CLIENT,SCHOOL,CONSULT,,9,",
        "G1,F3,GNT,44021,aanmelding,2022-03-01,2022-03-05,,GV,PSYCHISCH,ELP,,15,",
        "A1,F4,ANT,11002,aanmelding,2021-03-01,2021-03-05,,SDJ,PSYCHISCH,ELP,,15,",
    ]
    path = tmp_path / "u.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    import_file(engine, settings, path, "uniform", today=date(2026, 11, 1))


def test_registrations_have_the_declared_schema(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Every read returns exactly the schema the indicators are written against."""
    _load(engine, settings, tmp_path)
    frame = reads.registrations(engine, scopes.everything())
    assert frame.schema == schemas.REGISTRATION
    assert frame.height == 4
    assert (
        reads.registration_partners(engine, scopes.everything()).schema
        == schemas.REGISTRATION_PARTNER
    )
    assert reads.aggregate_reports(engine, scopes.everything()).schema == schemas.AGGREGATE_REPORT
    assert reads.staffing(engine, scopes.everything()).schema == schemas.STAFFING
    assert reads.volume_agreements(engine, scopes.everything()).schema == schemas.VOLUME_AGREEMENT
    assert tables.regions(engine).schema == schemas.REGION
    assert tables.region_population(engine, date(2022, 1, 1)).schema == schemas.REGION_POPULATION


def test_a_restricted_scope_returns_only_its_regions(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A reader scoped to Konekti gets Konekti's rows and nothing of Gent or Antwerpen."""
    _load(engine, settings, tmp_path)
    scope = scopes.regions("KON")
    for basis in ("then", "today"):
        frame = reads.registrations(engine, scope, basis=basis)
        assert set(frame["region_code"]) == {"KON"}, basis
    assert set(reads.registration_partners(engine, scope)["region_code"]) == {"KON"}
    assert lineage.import_batches(engine, scope).is_empty()  # the batch has no single region


def test_period_bounds_are_inclusive(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """start and end select received dates inclusively."""
    _load(engine, settings, tmp_path)
    frame = reads.registrations(
        engine, scopes.everything(), start=date(2022, 1, 31), end=date(2022, 2, 1)
    )
    assert sorted(frame["family_id"].str.len_chars().to_list()) == [64, 64]
    assert frame["received_date"].min() == date(2022, 1, 31)


def test_today_basis_reassigns_and_keeps_unplaceable_rows(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Under today's borders a row without municipality goes to ONBEKEND; the total is kept."""
    _load(engine, settings, tmp_path)
    then = reads.registrations(engine, scopes.everything())
    today = reads.registrations(engine, scopes.everything(), basis="today", today=date(2026, 11, 1))
    assert today.height == then.height
    assert today.filter(pl.col("nis_code").is_null())["region_code"].to_list() == ["ONBEKEND"]
    # Antwerpen (11002) belongs to ANT today as it did in 2021.
    assert today.filter(pl.col("nis_code") == "11002")["region_code"].to_list() == ["ANT"]


def test_today_basis_places_each_municipality_the_same_way_every_time(engine: Engine) -> None:
    """Every municipality lands in one region, however often the placement is computed: the row
    index that ties its two lookups together must not be taken twice from an unordered set."""
    from data_access.reference.areas import with_region

    areas = tables.area_tables(engine)
    municipalities = areas.municipality_elz.select("nis_code")
    points = (
        pl.concat([municipalities] * 3).lazy().unique().with_columns(_on=pl.lit(date(2026, 1, 1)))
    )
    placements = [
        with_region(points, areas, on="_on").collect().sort("nis_code")["area_region"].to_list()
        for _ in range(5)
    ]
    assert placements[0].count(None) < len(placements[0])
    assert all(placement == placements[0] for placement in placements)
