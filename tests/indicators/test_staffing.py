from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators.staffing import fte_by_function, fte_per_inhabitants, registrations_per_fte

if TYPE_CHECKING:
    # Only for the annotation: importing conftest at run time could pick up another one.
    from conftest import Frames

Q1 = date(2021, 1, 1)
Q2 = date(2021, 4, 1)


@pytest.fixture
def staffing(frames: Frames) -> pl.DataFrame:
    """R1: 10 FTE in 2021Q1 (team members with two employers) and 10 FTE in 2021Q2."""
    rows = [
        ("2021Q1", Q1, "COORDINATIE", "CAW", 1.0),
        ("2021Q1", Q1, "TEAMMEDEWERKER", "CAW", 5.0),
        ("2021Q1", Q1, "TEAMMEDEWERKER", "JEUGDHULP", 3.0),
        ("2021Q1", Q1, "ELP", "CGG", 1.0),
        ("2021Q2", Q2, "TEAMMEDEWERKER", "CAW", 10.0),
    ]
    return frames.staffing(
        *(
            {
                "region_code": "R1",
                "quarter": quarter,
                "quarter_start": start,
                "function": function,
                "sector": sector,
                "fte": fte,
            }
            for quarter, start, function, sector, fte in rows
        )
    )


def test_fte_by_function_sums_employers(staffing: pl.DataFrame) -> None:
    """It adds up the FTE of one function across employers."""
    expected = pl.DataFrame(
        {
            "region_code": ["R1"] * 4,
            "quarter": ["2021Q1", "2021Q1", "2021Q1", "2021Q2"],
            "quarter_start": [Q1, Q1, Q1, Q2],
            "function": ["COORDINATIE", "ELP", "TEAMMEDEWERKER", "TEAMMEDEWERKER"],
            "fte": [1.0, 1.0, 8.0, 10.0],
        },
        schema={
            "region_code": pl.String,
            "quarter": pl.String,
            "quarter_start": pl.Date,
            "function": pl.String,
            "fte": pl.Float64,
        },
    )
    assert_frame_equal(fte_by_function(staffing), expected)


def test_fte_per_100k_inhabitants(staffing: pl.DataFrame, frames: Frames) -> None:
    """It relates the total FTE to the region's population per 100,000."""
    populations = frames.populations(
        {"region_code": "R1", "population_total": 200_000, "population_0_17": 40_000}
    )
    result = fte_per_inhabitants(staffing, populations)
    assert result.select("quarter", "fte", "fte_per_100k").rows() == [
        ("2021Q1", 10.0, 5.0),
        ("2021Q2", 10.0, 5.0),
    ]


def test_registrations_per_fte(staffing: pl.DataFrame, frames: Frames) -> None:
    """It divides the quarter's intakes (rows and monthly counts) by the FTE of the months
    they cover (two of three: 15 ÷ (10 × 2/3)), and shows no intakes for a quarter without
    data rather than zero."""
    registrations = frames.registrations(
        *({"received_date": date(2021, 1, 10)} for _ in range(3)),
        {"received_date": date(2021, 1, 11), "kind": "consult"},
    )
    aggregates = frames.aggregates(
        {"region_code": "R1", "month": date(2021, 2, 1), "measure": "intakes", "value": 12}
    )
    expected = pl.DataFrame(
        {
            "region_code": ["R1", "R1"],
            "quarter": ["2021Q1", "2021Q2"],
            "quarter_start": [Q1, Q2],
            "fte": [10.0, 10.0],
            "intakes": [15, None],
            "months_with_data": [2, 0],
            "fte_covered": [10.0 * 2 / 3, 0.0],
            "registrations_per_fte": [2.25, None],
            "source": ["gemengd", None],
        },
        schema={
            "region_code": pl.String,
            "quarter": pl.String,
            "quarter_start": pl.Date,
            "fte": pl.Float64,
            "intakes": pl.Int64,
            "months_with_data": pl.Int64,
            "fte_covered": pl.Float64,
            "registrations_per_fte": pl.Float64,
            "source": pl.String,
        },
    )
    assert_frame_equal(registrations_per_fte(registrations, aggregates, staffing), expected)


def test_the_running_month_does_not_count_towards_a_quarter(
    staffing: pl.DataFrame, frames: Frames
) -> None:
    """On 15 February the quarter covers January only: its intakes over a third of its FTE."""
    registrations = frames.registrations(
        *({"received_date": date(2021, 1, 10)} for _ in range(3)),
        {"received_date": date(2021, 2, 3)},
    )
    aggregates = frames.aggregates()
    first = registrations_per_fte(registrations, aggregates, staffing, date(2021, 2, 15)).row(
        0, named=True
    )
    assert (first["intakes"], first["months_with_data"]) == (3, 1)
    assert first["registrations_per_fte"] == pytest.approx(3 / (10 / 3))
