"""Storing check runs and reading them back: scoped record ids, passports, history."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from data_access.quality import results as quality
from data_access.quality.results import ResultRecord
from data_access.store import db
from tests import scopes


def _result(
    expectation: str,
    region: str | None,
    dimension: str,
    elements: int,
    unexpected: int,
    *,
    blocking: bool = False,
) -> ResultRecord:
    return ResultRecord(
        suite="registraties",
        expectation=expectation,
        region_code=region,
        dimension=dimension,
        blocking=blocking,
        success=unexpected == 0,
        element_count=elements,
        unexpected_count=unexpected,
        sample_ids=[f"{region}-{i}" for i in range(unexpected)],
        details={"title": expectation.title(), "what": "w", "why": "y", "fix": "f"},
    )


RESULTS = [
    _result("aanmelder", "KON", "completeness", 1000, 30),
    _result("aanmelder", "GNT", "completeness", 500, 0),
    _result("codes", "KON", "validity", 1000, 0, blocking=True),
    _result("codes", "GNT", "validity", 500, 5, blocking=True),
    _result("maanden", "KON", "timeliness", 50, 0),
    _result("maanden", "GNT", "timeliness", 40, 0),
    _result("dubbel", "KON", "consistency", 1000, 2),
    _result("dubbel", "GNT", "consistency", 500, 0),
    _result("leeg", None, "validity", 0, 0),
]


def _store(engine: Engine, results: list[ResultRecord] = RESULTS) -> int:
    return quality.store_run(
        engine, trigger="test", batch_id=None, started_at=datetime.now(UTC), results=results
    )


def test_a_run_is_stored_with_its_results_and_bumps_the_data_version(engine: Engine) -> None:
    """Every result comes back; the run fails on a blocking failure; caches must re-read."""
    with engine.connect() as conn:
        before = db.data_version(conn)
    run_id = _store(engine)
    runs = quality.check_runs(engine)
    assert runs.select("run_id", "success", "failed", "blocking_failed").row(0) == (
        run_id,
        False,
        3,
        1,
    )
    results = quality.check_results(engine, scopes.everything(), run_id)
    assert results.height == len(RESULTS)
    assert results.filter(pl.col("region_code") == "KON")["title"].to_list()[0] == "Aanmelder"
    with engine.connect() as conn:
        assert db.data_version(conn) == before + 1


def test_record_ids_only_for_regions_in_detail_scope(engine: Engine) -> None:
    """A reader with GNT in detail sees GNT's record ids, KON's counts but not its ids."""
    run_id = _store(engine)
    results = quality.check_results(engine, scopes.regions("GNT"), run_id)
    kon = results.filter((pl.col("region_code") == "KON") & (pl.col("expectation") == "aanmelder"))
    gnt = results.filter((pl.col("region_code") == "GNT") & (pl.col("expectation") == "codes"))
    assert kon["unexpected_count"].to_list() == [30] and kon["sample_ids"].to_list() == [[]]
    assert gnt["sample_ids"].to_list() == [[f"GNT-{i}" for i in range(5)]]


def test_passport_is_the_weakest_check_per_dimension(engine: Engine) -> None:
    """Scores are the share in order for the weakest check; overall is the lowest dimension."""
    _store(engine)
    passports = quality.passports(engine, threshold=0.99)
    expected = pl.DataFrame(
        {
            "region_code": ["GNT", "KON"],
            "completeness": [1.0, 0.97],
            "validity": [0.99, 1.0],
            "timeliness": [1.0, 1.0],
            "consistency": [1.0, 0.998],
            "overall": [0.99, 0.97],
            "below_threshold": [False, True],
            "threshold": [0.99, 0.99],
        },
        schema=quality.PASSPORT,
    )
    assert_frame_equal(passports, expected)


def test_no_run_no_passport(engine: Engine) -> None:
    """Before the first run there is no passport, so no caveat."""
    assert quality.passports(engine, 0.99).is_empty()
    assert quality.passport_history(engine, 0.99).is_empty()


def test_history_follows_the_runs(engine: Engine) -> None:
    """The trend has one passport per run, oldest first, and shows the improvement."""
    first = _store(engine)
    fixed = [
        _result("aanmelder", r.region_code, "completeness", r.element_count, 0)
        if r.expectation == "aanmelder"
        else r
        for r in RESULTS
    ]
    second = _store(engine, fixed)
    history = quality.passport_history(engine, 0.99).filter(pl.col("region_code") == "KON")
    assert history["run_id"].to_list() == [first, second]
    assert history["completeness"].to_list() == [0.97, 1.0]


def test_rows_per_region_counts_a_batch(engine: Engine) -> None:
    """Element counts per region, for the whole table or one batch (empty table: none)."""
    assert quality.rows_per_region(engine, "registration") == {}
    assert quality.rows_per_region(engine, "staffing", batch_id=1) == {}
