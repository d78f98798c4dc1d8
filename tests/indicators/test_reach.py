from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators.reach import (
    closure_reasons,
    families_in,
    families_reached,
    family_months,
    further_care_flow,
    ongoing_trajectories,
    short_guidance_within_limit,
    trajectories_by_year,
    trajectory_durations,
)

if TYPE_CHECKING:
    # Only for the annotation: importing conftest at run time could pick up another one.
    from conftest import Frames


@pytest.fixture
def registrations(frames: Frames) -> pl.DataFrame:
    """Six trajectories of five families in R1, one consult, one consult-type response."""
    return frames.registrations(
        # 1: F1, 80 days from first contact (20 Jan) to closure (10 Apr).
        {
            "family_id": "F1",
            "response_type": "GEZINSPLAN",
            "received_date": date(2021, 1, 10),
            "first_contact_date": date(2021, 1, 20),
            "closed_date": date(2021, 4, 10),
            "closure_reason": "AFGEROND",
        },
        # 2: F1 again, short guidance closed on exactly start + 4 months (122 days).
        {
            "family_id": "F1",
            "response_type": "KORTDURENDE_BEGELEIDING",
            "received_date": date(2021, 3, 1),
            "first_contact_date": date(2021, 3, 5),
            "closed_date": date(2021, 7, 5),
            "closure_reason": "DOORVERWEZEN_RTJ",
        },
        # 3: F2, short guidance closed one day after start + 4 months (124 days).
        {
            "family_id": "F2",
            "response_type": "KORTDURENDE_BEGELEIDING",
            "received_date": date(2021, 5, 1),
            "first_contact_date": date(2021, 5, 3),
            "closed_date": date(2021, 9, 4),
            "closure_reason": "DOORVERWEZEN_NRTJ",
        },
        # 4: F3, a consult response is no trajectory.
        {"family_id": "F3", "response_type": "CONSULT", "received_date": date(2021, 2, 1)},
        # 5: F4, no first contact registered: starts at receipt.
        {"family_id": "F4", "response_type": "ELP", "received_date": date(2021, 12, 20)},
        # 6: no family id: a trajectory, not a countable family.
        {
            "family_id": None,
            "response_type": "VRAAGVERHELDERING",
            "received_date": date(2022, 1, 3),
            "first_contact_date": date(2022, 1, 10),
        },
        # 7: F5, received in 2021, first contact in 2022: starts in 2022.
        {
            "family_id": "F5",
            "response_type": "GEZINSPLAN",
            "received_date": date(2021, 12, 28),
            "first_contact_date": date(2022, 1, 4),
        },
        # 8: a consult question is never a trajectory, whatever its response.
        {
            "family_id": "F6",
            "kind": "consult",
            "response_type": "GEZINSPLAN",
            "received_date": date(2021, 6, 1),
        },
    )


def test_families_reached_beside_the_target(registrations: pl.DataFrame) -> None:
    """It counts distinct families by start year and shows trajectories without a family id,
    beside the target of extra families but never as a share of it (no baseline)."""
    expected = pl.DataFrame(
        {
            "region_code": ["R1", "R1"],
            "year": [2021, 2022],
            "families": [3, 1],
            "trajectories_without_family": [0, 1],
            "target": [200, 200],
        },
        schema={
            "region_code": pl.String,
            "year": pl.Int32,
            "families": pl.Int64,
            "trajectories_without_family": pl.Int64,
            "target": pl.Int64,
        },
    )
    assert_frame_equal(families_reached(registrations), expected)


def test_families_over_months_count_each_family_once_per_start_year(
    registrations: pl.DataFrame,
) -> None:
    """family_months keeps one row per trajectory (region, start year, month received); over
    all months families_in equals families_reached, and over some months it counts only the
    families with a trajectory received then."""
    months = family_months(registrations)
    assert months.height == 6  # the consults (rows 4 and 8) are no trajectories
    reached = families_reached(registrations).select("region_code", "year", "families")
    assert_frame_equal(families_in(months), reached, check_row_order=False)
    # January–March 2021: rows 1 and 2, both of F1 (started in 2021).
    first_quarter = months.filter(pl.col("month").is_between(date(2021, 1, 1), date(2021, 3, 31)))
    assert families_in(first_quarter).rows() == [("R1", 2021, 1)]
    # December 2021: F4 starts in 2021, F5 (first contact in January) in 2022.
    december = months.filter(pl.col("month") == date(2021, 12, 1))
    assert sorted(families_in(december).rows()) == [("R1", 2021, 1), ("R1", 2022, 1)]


def test_trajectories_started_and_closed_per_year(registrations: pl.DataFrame) -> None:
    """It counts starts by start year and closures by closing year, 0 where there are none."""
    result = trajectories_by_year(registrations)
    assert result.rows() == [("R1", 2021, 4, 3), ("R1", 2022, 2, 0)]


def test_ongoing_trajectories_at_a_date(registrations: pl.DataFrame) -> None:
    """It counts the trajectories started by the date and not closed by then."""
    assert ongoing_trajectories(registrations, date(2021, 6, 30)).rows() == [("R1", 2)]
    assert ongoing_trajectories(registrations, date(2021, 7, 5)).rows() == [("R1", 1)]


def test_median_duration_of_closed_trajectories(registrations: pl.DataFrame) -> None:
    """It gives the median days from start to closure per closing year."""
    assert trajectory_durations(registrations).rows() == [("R1", 2021, 3, 122.0)]


def test_short_guidance_closed_within_4_months(registrations: pl.DataFrame) -> None:
    """It counts short guidance closed on start + 4 months as within, one day later as not."""
    assert short_guidance_within_limit(registrations).rows() == [("R1", 2021, 2, 1, 0.5)]


def test_closure_reasons_of_closed_trajectories(registrations: pl.DataFrame) -> None:
    """It counts closed trajectories per closure reason."""
    result = closure_reasons(registrations)
    assert result.select("closure_reason", "closed").rows() == [
        ("AFGEROND", 1),
        ("DOORVERWEZEN_NRTJ", 1),
        ("DOORVERWEZEN_RTJ", 1),
    ]
    assert result["share"].to_list() == pytest.approx([1 / 3] * 3)


def test_further_care_flow(registrations: pl.DataFrame) -> None:
    """It counts the closures referred on to RTJ and to non-RTJ care."""
    result = further_care_flow(registrations)
    assert result.select("closed", "to_rtj", "to_nrtj").row(0) == (3, 1, 1)
    assert result.select("share_rtj", "share_nrtj").row(0) == pytest.approx((1 / 3, 1 / 3))
