from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from data_access.reference.codes import REFERRERS, referrer_group
from indicators.referrers import (
    brede_instap_share,
    referrer_group_of,
    referrer_group_shares,
    referrer_shares,
)

if TYPE_CHECKING:
    # Only for the annotation: importing conftest at run time could pick up another one.
    from conftest import Frames

JAN = date(2021, 1, 1)
FEB = date(2021, 2, 1)

PERIOD_SCHEMA = {"region_code": pl.String, "period": pl.String, "period_start": pl.Date}


@pytest.fixture
def registrations(frames: Frames) -> pl.DataFrame:
    """R1: four intakes in January (CLB twice, GV, unknown), one in February (CAW)."""
    return frames.registrations(
        {"received_date": date(2021, 1, 4), "referrer": "CLB"},
        {"received_date": date(2021, 1, 5), "referrer": "CLB"},
        {"received_date": date(2021, 1, 6), "referrer": "GV"},
        {"received_date": date(2021, 1, 7), "referrer": None},
        {"received_date": date(2021, 1, 8), "referrer": "CLB", "kind": "consult"},
        {"received_date": date(2021, 2, 8), "referrer": "CAW"},
    )


@pytest.fixture
def aggregates(frames: Frames) -> pl.DataFrame:
    """R2 reports referrer groups for January only; R1's January count is overruled by rows."""
    return frames.aggregates(
        {"region_code": "R2", "month": JAN, "measure": "referrer_group:BREDE_INSTAP", "value": 3},
        {"region_code": "R2", "month": JAN, "measure": "referrer_group:SDJ", "value": 1},
        {"region_code": "R2", "month": JAN, "measure": "intakes", "value": 4},
        {"region_code": "R1", "month": JAN, "measure": "referrer_group:CLIENT", "value": 50},
    )


def test_referrer_group_of_matches_the_contract() -> None:
    """It groups every referrer code, null and an unknown code exactly as codes.referrer_group."""
    referrers = [*REFERRERS, None, "NIEUW"]
    result = pl.DataFrame({"referrer": referrers}, schema={"referrer": pl.String}).select(
        referrer_group_of()
    )
    assert result["referrer"].to_list() == [referrer_group(code) for code in referrers]


def test_referrer_shares_per_month(registrations: pl.DataFrame) -> None:
    """It shares intakes by referrer per month, a missing referrer as ONBEKEND."""
    expected = pl.DataFrame(
        {
            "region_code": ["R1"] * 4,
            "period": ["2021-01", "2021-01", "2021-01", "2021-02"],
            "period_start": [JAN, JAN, JAN, FEB],
            "referrer": ["CLB", "GV", "ONBEKEND", "CAW"],
            "intakes": [2, 1, 1, 1],
            "share": [0.5, 0.25, 0.25, 1.0],
        },
        schema={**PERIOD_SCHEMA, "referrer": pl.String, "intakes": pl.Int64, "share": pl.Float64},
    )
    assert_frame_equal(referrer_shares(registrations), expected)


def test_referrer_group_shares_use_monthly_counts_without_rows(
    registrations: pl.DataFrame, aggregates: pl.DataFrame
) -> None:
    """It takes group counts from monthly counts only where a region-month has no rows."""
    expected = pl.DataFrame(
        {
            "region_code": ["R1", "R1", "R1", "R1", "R2", "R2"],
            "period": ["2021-01", "2021-01", "2021-01", "2021-02", "2021-01", "2021-01"],
            "period_start": [JAN, JAN, JAN, FEB, JAN, JAN],
            "referrer_group": [
                "ANDERE",
                "BREDE_INSTAP",
                "GV",
                "BREDE_INSTAP",
                "BREDE_INSTAP",
                "SDJ",
            ],
            "intakes": [1, 2, 1, 1, 3, 1],
            "share": [0.25, 0.5, 0.25, 1.0, 0.75, 0.25],
            "source": ["rijen"] * 4 + ["maandtotalen"] * 2,
        },
        schema={
            **PERIOD_SCHEMA,
            "referrer_group": pl.String,
            "intakes": pl.Int64,
            "share": pl.Float64,
            "source": pl.String,
        },
    )
    assert_frame_equal(referrer_group_shares(registrations, aggregates), expected)


def test_referrer_detail_is_absent_for_monthly_counts(
    registrations: pl.DataFrame, aggregates: pl.DataFrame
) -> None:
    """It shows no referrer detail, not even zeros, for a region with monthly counts only."""
    assert "R2" not in referrer_shares(registrations)["region_code"].to_list()
    shares = referrer_group_shares(registrations, aggregates)
    assert shares.filter(pl.col("region_code") == "R2", pl.col("period") == "2021-02").is_empty()


def test_quarter_combining_rows_and_counts_is_gemengd(frames: Frames) -> None:
    """It sums a quarter over months of both kinds and marks it "gemengd"."""
    registrations = frames.registrations(
        {"region_code": "R2", "received_date": date(2021, 2, 3), "referrer": "CLB"}
    )
    aggregates = frames.aggregates(
        {"region_code": "R2", "month": JAN, "measure": "referrer_group:BREDE_INSTAP", "value": 3},
        {"region_code": "R2", "month": JAN, "measure": "referrer_group:SDJ", "value": 1},
    )
    result = brede_instap_share(registrations, aggregates, "quarter")
    assert result.select("period", "brede_instap", "intakes", "share", "source").row(0) == (
        "2021Q1",
        4,
        5,
        0.8,
        "gemengd",
    )


def test_brede_instap_share_over_time(
    registrations: pl.DataFrame, aggregates: pl.DataFrame
) -> None:
    """It gives the brede instap share per region and month with its source."""
    expected = pl.DataFrame(
        {
            "region_code": ["R1", "R1", "R2"],
            "period": ["2021-01", "2021-02", "2021-01"],
            "period_start": [JAN, FEB, JAN],
            "brede_instap": [2, 1, 3],
            "intakes": [4, 1, 4],
            "share": [0.5, 1.0, 0.75],
            "source": ["rijen", "rijen", "maandtotalen"],
        },
        schema={
            **PERIOD_SCHEMA,
            "brede_instap": pl.Int64,
            "intakes": pl.Int64,
            "share": pl.Float64,
            "source": pl.String,
        },
    )
    assert_frame_equal(brede_instap_share(registrations, aggregates), expected)
