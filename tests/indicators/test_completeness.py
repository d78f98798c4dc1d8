from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
from polars.testing import assert_frame_equal

from indicators.completeness import reporting_completeness

if TYPE_CHECKING:
    # Only for the annotation: importing conftest at run time could pick up another one.
    from conftest import Frames

JAN = date(2021, 1, 1)
FEB = date(2021, 2, 1)
MAR = date(2021, 3, 1)


def test_reporting_completeness_per_active_month(frames: Frames) -> None:
    """It flags a region-month without data, takes monthly counts as arrived without field
    shares, measures key fields over rows, and skips months the region was not active."""
    regions = frames.regions(
        {"region_code": "R1", "active_from": date(2021, 1, 1)},
        # Merged away on 10 February: February still counts, March not.
        {"region_code": "R2", "active_from": date(2020, 1, 1), "active_to": date(2021, 2, 10)},
        # Started mid-February: February counts as active.
        {"region_code": "R3", "active_from": date(2021, 2, 15)},
    )
    registrations = frames.registrations(
        {
            "received_date": date(2021, 1, 4),
            "nis_code": "44021",
            "referrer": "CLB",
            "request_nature": "OPVOEDING",
            "first_contact_date": date(2021, 1, 10),
        },
        # Nothing known, deadline passed: a missing first contact.
        {"received_date": date(2021, 1, 10), "referrer": "ONBEKEND"},
        # March: a consult and a dropped aanmelding, neither needs a first contact.
        {
            "kind": "consult",
            "received_date": date(2021, 3, 2),
            "nis_code": "44021",
            "referrer": "CLB",
            "request_nature": "SCHOOL",
        },
        {
            "received_date": date(2021, 3, 3),
            "nis_code": "44021",
            "referrer": "CAW",
            "request_nature": "OPVOEDING",
            "closed_date": date(2021, 3, 10),
            "closure_reason": "VRAAG_WEGGEVALLEN",
        },
    )
    aggregates = frames.aggregates(
        {"region_code": "R2", "month": JAN, "measure": "intakes", "value": 7},
    )
    expected = pl.DataFrame(
        {
            "region_code": ["R1", "R1", "R1", "R2", "R2", "R3", "R3"],
            "month": [JAN, FEB, MAR, JAN, FEB, FEB, MAR],
            "has_data": [True, False, True, True, False, False, False],
            "source": ["rijen", None, "rijen", "maandtotalen", None, None, None],
            "rows": [2, None, 2, None, None, None, None],
            "share_municipality": [0.5, None, 1.0, None, None, None, None],
            "share_referrer": [0.5, None, 1.0, None, None, None, None],
            "share_request_nature": [0.5, None, 1.0, None, None, None, None],
            "share_first_contact": [0.5, None, None, None, None, None, None],
        },
        schema={
            "region_code": pl.String,
            "month": pl.Date,
            "has_data": pl.Boolean,
            "source": pl.String,
            "rows": pl.Int64,
            "share_municipality": pl.Float64,
            "share_referrer": pl.Float64,
            "share_request_nature": pl.Float64,
            "share_first_contact": pl.Float64,
        },
    )
    result = reporting_completeness(
        registrations, aggregates, regions, JAN, date(2021, 3, 31), date(2021, 4, 15)
    )
    assert_frame_equal(result, expected)


def test_first_contact_not_expected_before_the_deadline(frames: Frames) -> None:
    """It does not count a recent aanmelding without contact as incomplete."""
    regions = frames.regions({"region_code": "R1"})
    registrations = frames.registrations({"received_date": date(2021, 3, 20)})
    result = reporting_completeness(
        registrations, frames.aggregates(), regions, MAR, MAR, date(2021, 4, 1)
    )
    assert result["share_first_contact"].to_list() == [None]
    later = reporting_completeness(
        registrations, frames.aggregates(), regions, MAR, MAR, date(2021, 4, 21)
    )
    assert later["share_first_contact"].to_list() == [0.0]
