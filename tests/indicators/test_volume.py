from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators.volume import elapsed_fraction, volume_progress

if TYPE_CHECKING:
    # Only for the annotation: importing conftest at run time could pick up another one.
    from conftest import Frames

# 1 July 2024 is day 183 of the 366 of a leap year: exactly half the year.
MID_YEAR = date(2024, 7, 1)


@pytest.mark.parametrize(
    ("year", "reference_date", "expected"),
    [
        (2024, MID_YEAR, 0.5),
        (2021, date(2021, 12, 31), 1.0),
        (2021, date(2021, 1, 1), 1 / 365),
        (2020, MID_YEAR, 1.0),
        (2025, MID_YEAR, 0.0),
    ],
)
def test_elapsed_fraction(year: int, reference_date: date, expected: float) -> None:
    """It counts the reference day as elapsed, past years as whole and future ones as empty."""
    assert elapsed_fraction(year, reference_date) == pytest.approx(expected)


def test_volume_progress_pro_rata_at_mid_year(frames: Frames) -> None:
    """It compares realised GV/SDJ intakes with the agreed and the pro-rata number at mid-year;
    R1's 2023 SDJ has no agreement, and its realised 0 is shown all the same."""
    registrations = frames.registrations(
        *({"received_date": date(2024, 3, 1), "referrer": "GV"} for _ in range(10)),
        # After the reference date, a consult and another referrer: none of them count.
        {"received_date": date(2024, 8, 1), "referrer": "GV"},
        {"received_date": date(2024, 3, 1), "referrer": "GV", "kind": "consult"},
        {"received_date": date(2024, 3, 1), "referrer": "CLB"},
        *({"received_date": date(2023, 5, 1), "referrer": "GV"} for _ in range(2)),
    )
    agreements = frames.agreements(
        {"region_code": "R1", "year": 2023, "party": "GV", "agreed": 50},
        {"region_code": "R1", "year": 2024, "party": "GV", "agreed": 40},
        {"region_code": "R1", "year": 2024, "party": "SDJ", "agreed": 10},
        {"region_code": "R2", "year": 2024, "party": "GV", "agreed": 20},
    )
    expected = pl.DataFrame(
        {
            "region_code": ["R1", "R1", "R1", "R1", "R2"],
            "year": [2023, 2023, 2024, 2024, 2024],
            "party": ["GV", "SDJ", "GV", "SDJ", "GV"],
            "agreed": [50, None, 40, 10, 20],
            "realised": [2, 0, 10, 0, None],
            "progress": [0.04, None, 0.25, 0.0, None],
            "elapsed_fraction": [1.0, 1.0, 0.5, 0.5, 0.5],
            "pro_rata_target": [50.0, None, 20.0, 5.0, 10.0],
            "progress_vs_pro_rata": [0.04, None, 0.5, 0.0, None],
            "projected_year_end": [2.0, 0.0, 20.0, 0.0, None],
            "source": ["rijen", "rijen", "rijen", "rijen", None],
        },
        schema={
            "region_code": pl.String,
            "year": pl.Int32,
            "party": pl.String,
            "agreed": pl.Int64,
            "realised": pl.Int64,
            "progress": pl.Float64,
            "elapsed_fraction": pl.Float64,
            "pro_rata_target": pl.Float64,
            "progress_vs_pro_rata": pl.Float64,
            "projected_year_end": pl.Float64,
            "source": pl.String,
        },
    )
    result = volume_progress(registrations, frames.aggregates(), agreements, MID_YEAR)
    assert_frame_equal(result, expected)


def test_volume_progress_counts_gv_from_monthly_counts(frames: Frames) -> None:
    """It takes the GV group count of a monthly-count source as realised."""
    aggregates = frames.aggregates(
        {
            "region_code": "R2",
            "month": date(2024, 1, 1),
            "measure": "referrer_group:GV",
            "value": 4,
        },
        {
            "region_code": "R2",
            "month": date(2024, 6, 1),
            "measure": "referrer_group:GV",
            "value": 3,
        },
        # A month after the reference date does not count yet.
        {
            "region_code": "R2",
            "month": date(2024, 8, 1),
            "measure": "referrer_group:GV",
            "value": 9,
        },
    )
    agreements = frames.agreements(
        {"region_code": "R2", "year": 2024, "party": "GV", "agreed": 20},
    )
    result = volume_progress(frames.registrations(), aggregates, agreements, MID_YEAR)
    assert result.select("realised", "source").row(0) == (7, "maandtotalen")
