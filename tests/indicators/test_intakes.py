from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators.intakes import flanders_monthly_intakes, intakes_by_nature, monthly_intakes

if TYPE_CHECKING:
    # Only for the annotation: importing conftest at run time could pick up another one.
    from conftest import Frames

JAN = date(2021, 1, 1)
FEB = date(2021, 2, 1)

MONTHLY_SCHEMA = {
    "region_code": pl.String,
    "month": pl.Date,
    "intakes": pl.Int64,
    "consults": pl.Int64,
    "population_0_17": pl.Int64,
    "rate_per_1000": pl.Float64,
    "source": pl.String,
}


@pytest.fixture
def monthly(frames: Frames) -> pl.DataFrame:
    """R1 delivers rows in January and February; R2 only a monthly count for January."""
    registrations = frames.registrations(
        {"received_date": date(2021, 1, 4)},
        {"received_date": date(2021, 1, 31)},
        {"received_date": date(2021, 1, 12), "kind": "consult"},
        {"received_date": date(2021, 2, 1)},
    )
    aggregates = frames.aggregates(
        {"region_code": "R2", "month": JAN, "measure": "intakes", "value": 5},
        # R1 has rows for January: its monthly count must not be added on top.
        {"region_code": "R1", "month": JAN, "measure": "intakes", "value": 99},
    )
    populations = frames.populations(
        {"region_code": "R1", "population_total": 10_000, "population_0_17": 2_000},
        {"region_code": "R2", "population_total": 8_000, "population_0_17": None},
    )
    return monthly_intakes(registrations, aggregates, populations)


def test_monthly_intakes_combines_rows_and_monthly_counts(monthly: pl.DataFrame) -> None:
    """It counts rows where they exist and takes the monthly count elsewhere, marked as such."""
    expected = pl.DataFrame(
        {
            "region_code": ["R1", "R1", "R2"],
            "month": [JAN, FEB, JAN],
            "intakes": [2, 1, 5],
            "consults": [1, 0, None],
            "population_0_17": [2_000, 2_000, None],
            "rate_per_1000": [1.0, 0.5, None],
            "source": ["rijen", "rijen", "maandtotalen"],
        },
        schema=MONTHLY_SCHEMA,
    )
    assert_frame_equal(monthly, expected)


def test_it_counts_a_consult_separately_from_intakes(frames: Frames) -> None:
    """It counts a consult separately from intakes."""
    registrations = frames.registrations(
        {"received_date": date(2021, 1, 4), "kind": "consult"},
        {"received_date": date(2021, 1, 5), "kind": "consult"},
        {"received_date": date(2021, 1, 6)},
    )
    result = monthly_intakes(registrations, frames.aggregates(), frames.populations())
    assert result.select("intakes", "consults").row(0) == (1, 2)


def test_region_without_data_gets_no_zero_row(monthly: pl.DataFrame) -> None:
    """It leaves a region-month without rows or counts out instead of reporting 0."""
    assert monthly.filter(pl.col("region_code") == "R2", pl.col("month") == FEB).is_empty()


def test_aggregate_only_region_month_is_marked_maandtotalen(monthly: pl.DataFrame) -> None:
    """It marks a figure that comes from a monthly count as "maandtotalen"."""
    assert monthly.filter(pl.col("region_code") == "R2")["source"].to_list() == ["maandtotalen"]


def test_flanders_total_rates_only_regions_with_a_population(monthly: pl.DataFrame) -> None:
    """It sums all regions but rates only those with a known population 0–17."""
    expected = pl.DataFrame(
        {
            "month": [JAN, FEB],
            "regions": [2, 1],
            "intakes": [7, 1],
            "consults": [1, 0],
            "population_0_17": [2_000, 2_000],
            "rate_per_1000": [1.0, 0.5],
            "source": ["gemengd", "rijen"],
        },
        schema={
            "month": pl.Date,
            "regions": pl.Int64,
            "intakes": pl.Int64,
            "consults": pl.Int64,
            "population_0_17": pl.Int64,
            "rate_per_1000": pl.Float64,
            "source": pl.String,
        },
    )
    assert_frame_equal(flanders_monthly_intakes(monthly), expected)


def test_flanders_total_of_monthly_counts_only_has_unknown_consults(frames: Frames) -> None:
    """It keeps consults unknown (null, not 0) when no region delivered rows that month."""
    aggregates = frames.aggregates(
        {"region_code": "R2", "month": JAN, "measure": "intakes", "value": 5}
    )
    monthly = monthly_intakes(frames.registrations(), aggregates, frames.populations())
    assert flanders_monthly_intakes(monthly)["consults"].to_list() == [None]


def test_intakes_by_nature_shares_within_region(frames: Frames) -> None:
    """It counts intakes per request nature, a missing one as ONBEKEND, consults left out."""
    registrations = frames.registrations(
        {"received_date": date(2021, 1, 4), "request_nature": "OPVOEDING"},
        {"received_date": date(2021, 2, 4), "request_nature": "OPVOEDING"},
        {"received_date": date(2021, 3, 4), "request_nature": None},
        {"received_date": date(2021, 3, 5), "request_nature": "SCHOOL", "kind": "consult"},
    )
    expected = pl.DataFrame(
        {
            "region_code": ["R1", "R1"],
            "period": ["totaal", "totaal"],
            "period_start": [None, None],
            "request_nature": ["ONBEKEND", "OPVOEDING"],
            "intakes": [1, 2],
            "share": [1 / 3, 2 / 3],
        },
        schema={
            "region_code": pl.String,
            "period": pl.String,
            "period_start": pl.Date,
            "request_nature": pl.String,
            "intakes": pl.Int64,
            "share": pl.Float64,
        },
    )
    assert_frame_equal(intakes_by_nature(registrations), expected)
