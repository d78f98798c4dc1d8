from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators.partners import partners_by_sector, partners_involved

if TYPE_CHECKING:
    # Only for the annotation: importing conftest at run time could pick up another one.
    from conftest import Frames

Q1 = date(2021, 1, 1)
Q2 = date(2021, 4, 1)


@pytest.fixture
def partners(frames: Frames) -> pl.DataFrame:
    """Registration 1 involves CAW Oost and CLB Gent, 2 CAW Oost again, 3 a partner of no sector."""
    rows = [
        (1, date(2021, 1, 10), "CAW Oost", "CAW"),
        (1, date(2021, 1, 10), "CLB Gent", "CLB"),
        (2, date(2021, 2, 11), "CAW Oost", "CAW"),
        (3, date(2021, 4, 1), "Buurtwerk", None),
    ]
    return frames.partners(
        *(
            {
                "registration_id": registration_id,
                "region_code": "R1",
                "received_date": received,
                "partner_name": name,
                "sector": sector,
            }
            for registration_id, received, name, sector in rows
        )
    )


def test_partners_involved_counts_distinct(partners: pl.DataFrame) -> None:
    """It counts a partner once per period however often it is involved."""
    expected = pl.DataFrame(
        {
            "region_code": ["R1", "R1"],
            "period": ["2021Q1", "2021Q2"],
            "period_start": [Q1, Q2],
            "partners": [2, 1],
            "sectors": [2, 0],
            "registrations": [2, 1],
        },
        schema={
            "region_code": pl.String,
            "period": pl.String,
            "period_start": pl.Date,
            "partners": pl.Int64,
            "sectors": pl.Int64,
            "registrations": pl.Int64,
        },
    )
    assert_frame_equal(partners_involved(partners), expected)


def test_partners_by_sector(partners: pl.DataFrame) -> None:
    """It counts distinct partners and involvements per sector, a missing sector as ONBEKEND."""
    result = partners_by_sector(partners)
    assert result.select("period", "sector", "partners", "involvements").rows() == [
        ("2021Q1", "CAW", 1, 2),
        ("2021Q1", "CLB", 1, 1),
        ("2021Q2", "ONBEKEND", 1, 1),
    ]


def test_whole_range(partners: pl.DataFrame) -> None:
    """It counts distinct partners over the whole range at granularity "all"."""
    assert partners_involved(partners, "all").select("partners", "sectors").row(0) == (3, 2)
