from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators.periods import months_between
from indicators.response_time import (
    Rule,
    contact_day_counts,
    days_distribution,
    days_to_first_contact,
    final_on,
    open_past_deadline,
    provisional,
    quantiles_of_counts,
    rule_comparison,
    timeliness_by_region,
    timeliness_by_region_month,
    with_timeliness,
)

if TYPE_CHECKING:
    # Only for the annotation: importing conftest at run time could pick up another one.
    from conftest import Frames

TODAY = date(2021, 3, 15)
JAN = date(2021, 1, 1)
FEB = date(2021, 2, 1)
MAR = date(2021, 3, 1)


@pytest.fixture
def registrations(frames: Frames) -> pl.DataFrame:
    """One case per status in R1, two in R3; ids say what each case is about."""
    return frames.registrations(
        # 1: contact well within the month.
        {"received_date": date(2021, 1, 4), "first_contact_date": date(2021, 1, 20)},
        # 2: 31 Jan → deadline 28 Feb; contact 1 Mar is late by calendar, in time by 30 days.
        {"received_date": date(2021, 1, 31), "first_contact_date": date(2021, 3, 1)},
        # 3: the client drops out before the deadline, never contacted: vervallen.
        {
            "received_date": date(2021, 1, 10),
            "closed_date": date(2021, 1, 20),
            "closure_reason": "CLIENT_HAAKT_AF",
        },
        # 4: open, no contact, deadline 5 Feb passed: laat and on the open list.
        {"received_date": date(2021, 1, 5)},
        # 5: closed without contact for another reason: laat once the deadline passed.
        {
            "received_date": date(2021, 1, 8),
            "closed_date": date(2021, 1, 15),
            "closure_reason": "AFGEROND",
        },
        # 6: 1 Feb → deadline 1 Mar by calendar, 3 Mar by 30 days; contact on 2 Mar.
        {"received_date": date(2021, 2, 1), "first_contact_date": date(2021, 3, 2)},
        # 7: open, deadline 1 Apr not yet passed: lopend.
        {"received_date": date(2021, 3, 1)},
        # 8: a consult is no aanmelding and has no deadline.
        {"received_date": date(2021, 1, 10), "kind": "consult"},
        # 9, 10: R3, one in time and one 40 days late under both rules.
        {
            "region_code": "R3",
            "received_date": date(2021, 1, 4),
            "first_contact_date": date(2021, 1, 5),
        },
        {
            "region_code": "R3",
            "received_date": date(2021, 1, 4),
            "first_contact_date": date(2021, 2, 13),
        },
    )


def _status_by_id(frame: pl.DataFrame) -> dict[int, str]:
    return dict(zip(frame["id"].to_list(), frame["status"].to_list(), strict=True))


def test_deadline_is_one_calendar_month_clamped(frames: Frames) -> None:
    """It sets the deadline of 31 January on 28 February, or 29 February in a leap year."""
    registrations = frames.registrations(
        {"received_date": date(2021, 1, 31)}, {"received_date": date(2024, 1, 31)}
    )
    result = with_timeliness(registrations, TODAY)
    assert result["deadline"].to_list() == [date(2021, 2, 28), date(2024, 2, 29)]


def test_deadline_under_the_30_day_rule(frames: Frames) -> None:
    """It adds 30 days under the 30-day rule, crossing into March after 31 January."""
    registrations = frames.registrations(
        {"received_date": date(2021, 1, 31)}, {"received_date": date(2024, 1, 31)}
    )
    result = with_timeliness(registrations, TODAY, "30_days")
    assert result["deadline"].to_list() == [date(2021, 3, 2), date(2024, 3, 1)]


def test_status_per_registration(registrations: pl.DataFrame) -> None:
    """It gives each aanmelding its status and leaves the consult out."""
    assert _status_by_id(with_timeliness(registrations, TODAY)) == {
        1: "tijdig",
        2: "laat",
        3: "vervallen",
        4: "laat",
        5: "laat",
        6: "laat",
        7: "lopend",
        9: "tijdig",
        10: "laat",
    }


def test_30_day_rule_differs_from_the_calendar_rule(registrations: pl.DataFrame) -> None:
    """It finds contacts on 1 and 2 March in time under the 30-day rule, late by calendar."""
    by_calendar = _status_by_id(with_timeliness(registrations, TODAY))
    by_30_days = _status_by_id(with_timeliness(registrations, TODAY, "30_days"))
    assert (by_calendar[2], by_30_days[2]) == ("laat", "tijdig")
    assert (by_calendar[6], by_30_days[6]) == ("laat", "tijdig")


def test_first_contact_on_the_deadline_day_is_tijdig(frames: Frames) -> None:
    """It counts a first contact on the deadline day itself (28 Feb for 31 Jan) as tijdig."""
    registrations = frames.registrations(
        {"received_date": date(2021, 1, 31), "first_contact_date": date(2021, 2, 28)},
        {"received_date": date(2024, 1, 31), "first_contact_date": date(2024, 2, 29)},
        {"received_date": date(2024, 1, 31), "first_contact_date": date(2024, 3, 1)},
    )
    result = with_timeliness(registrations, TODAY)
    assert result["status"].to_list() == ["tijdig", "tijdig", "laat"]


def test_closed_without_contact_for_another_reason_is_lopend_before_the_deadline(
    frames: Frames,
) -> None:
    """It treats a closure without contact for AFGEROND as lopend until the deadline passes."""
    registrations = frames.registrations(
        {
            "received_date": date(2021, 3, 1),
            "closed_date": date(2021, 3, 5),
            "closure_reason": "AFGEROND",
        }
    )
    assert with_timeliness(registrations, TODAY)["status"].to_list() == ["lopend"]
    # On the deadline day itself (1 April) it is still lopend; the day after it is laat.
    assert with_timeliness(registrations, date(2021, 4, 1))["status"].to_list() == ["lopend"]
    assert with_timeliness(registrations, date(2021, 4, 2))["status"].to_list() == ["laat"]


def test_days_to_first_contact_column(registrations: pl.DataFrame) -> None:
    """It counts the days from receipt to first contact, null without contact."""
    result = with_timeliness(registrations, TODAY).filter(pl.col("id").is_in([1, 4]))
    assert result["days_to_first_contact"].to_list() == [16, None]


def test_timeliness_by_region_month(registrations: pl.DataFrame, frames: Frames) -> None:
    """It counts statuses per month, leaves vervallen and lopend out of the rate, and takes
    tijdig and laat from the monthly counts where a region has no rows."""
    aggregates = frames.aggregates(
        {"region_code": "R2", "month": JAN, "measure": "within_month", "value": 8},
        {"region_code": "R2", "month": JAN, "measure": "intakes", "value": 10},
    )
    expected = pl.DataFrame(
        {
            "region_code": ["R1", "R1", "R1", "R2", "R3"],
            "month": [JAN, FEB, MAR, JAN, JAN],
            "tijdig": [1, 0, 0, 8, 1],
            "laat": [3, 1, 0, 2, 1],
            "vervallen": [1, 0, 0, None, 0],
            "lopend": [0, 0, 1, None, 0],
            "rate": [0.25, 0.0, None, 0.8, 0.5],
            "source": ["rijen", "rijen", "rijen", "maandtotalen", "rijen"],
        },
        schema={
            "region_code": pl.String,
            "month": pl.Date,
            "tijdig": pl.Int64,
            "laat": pl.Int64,
            "vervallen": pl.Int64,
            "lopend": pl.Int64,
            "rate": pl.Float64,
            "source": pl.String,
        },
    )
    result = timeliness_by_region_month(registrations, aggregates, TODAY)
    assert_frame_equal(result, expected)


def test_30_day_rule_leaves_monthly_counts_out(registrations: pl.DataFrame, frames: Frames) -> None:
    """It does not relabel a source's own "within the month" count under the 30-day rule."""
    aggregates = frames.aggregates(
        {"region_code": "R2", "month": JAN, "measure": "within_month", "value": 8},
        {"region_code": "R2", "month": JAN, "measure": "intakes", "value": 10},
    )
    result = timeliness_by_region_month(registrations, aggregates, TODAY, "30_days")
    assert result["region_code"].unique().sort().to_list() == ["R1", "R3"]
    january = result.filter(pl.col("region_code") == "R1", pl.col("month") == JAN)
    assert january.select("tijdig", "laat", "rate").row(0) == (2, 2, 0.5)


def test_timeliness_by_region_mixes_sources(registrations: pl.DataFrame, frames: Frames) -> None:
    """It sums months per region and says "gemengd" when rows and monthly counts combine."""
    aggregates = frames.aggregates(
        {"region_code": "R1", "month": date(2020, 12, 1), "measure": "within_month", "value": 3},
        {"region_code": "R1", "month": date(2020, 12, 1), "measure": "intakes", "value": 3},
    )
    result = timeliness_by_region(registrations, aggregates, TODAY).filter(
        pl.col("region_code") == "R1"
    )
    assert result.select("months", "tijdig", "laat", "vervallen", "rate", "source").row(0) == (
        4,
        4,
        4,
        1,
        0.5,
        "gemengd",
    )


def test_open_registration_past_deadline_is_listed(registrations: pl.DataFrame) -> None:
    """It lists the open registration past its deadline, not the closed or lopend ones."""
    expected = pl.DataFrame(
        {
            "id": [4],
            "region_code": ["R1"],
            "received_date": [date(2021, 1, 5)],
            "deadline": [date(2021, 2, 5)],
            "days_overdue": [38],
        },
        schema={
            "id": pl.Int64,
            "region_code": pl.String,
            "received_date": pl.Date,
            "deadline": pl.Date,
            "days_overdue": pl.Int64,
        },
    )
    assert_frame_equal(open_past_deadline(registrations, TODAY), expected)


def test_a_closed_registration_is_not_on_the_open_list(frames: Frames) -> None:
    """It keeps a registration with a closure reason off the open list, even without a closed
    date, while it still counts as laat."""
    registrations = frames.registrations(
        {"received_date": date(2021, 1, 5), "closure_reason": "ANDERE"},
        {"received_date": date(2021, 1, 6)},
    )
    assert with_timeliness(registrations, TODAY)["status"].to_list() == ["laat", "laat"]
    assert open_past_deadline(registrations, TODAY)["id"].to_list() == [2]


def test_rule_comparison_ranks_regions_per_rule(registrations: pl.DataFrame) -> None:
    """It shows both rules' rates side by side; the ranking flips between the rules."""
    expected = pl.DataFrame(
        {
            "region_code": ["R1", "R3"],
            "n_calendar_month": [5, 2],
            "rate_calendar_month": [0.2, 0.5],
            "rank_calendar_month": [2, 1],
            "n_30_days": [5, 2],
            "rate_30_days": [0.6, 0.5],
            "rank_30_days": [1, 2],
            "difference": [0.4, 0.0],
        },
        schema={
            "region_code": pl.String,
            "n_calendar_month": pl.Int64,
            "rate_calendar_month": pl.Float64,
            "rank_calendar_month": pl.Int64,
            "n_30_days": pl.Int64,
            "rate_30_days": pl.Float64,
            "rank_30_days": pl.Int64,
            "difference": pl.Float64,
        },
    )
    assert_frame_equal(rule_comparison(registrations, TODAY), expected)


def test_days_to_first_contact_median_and_p90(frames: Frames) -> None:
    """It gives the median and the linearly interpolated 90th percentile of the days."""
    registrations = frames.registrations(
        *(
            {"received_date": date(2021, 1, 1), "first_contact_date": date(2021, 1, 1 + days)}
            for days in (10, 20, 30)
        ),
        {"received_date": date(2021, 1, 1), "first_contact_date": date(2021, 2, 10)},
        {"received_date": date(2021, 1, 1)},
    )
    expected = pl.DataFrame(
        {"region_code": ["R1"], "contacts": [4], "median_days": [25.0], "p90_days": [37.0]},
        schema={
            "region_code": pl.String,
            "contacts": pl.Int64,
            "median_days": pl.Float64,
            "p90_days": pl.Float64,
        },
    )
    assert_frame_equal(days_to_first_contact(registrations), expected)


def test_days_distribution_has_every_bin(frames: Frames) -> None:
    """It puts each first contact in its bin and shows empty bins as 0."""
    start = date(2021, 1, 1)
    registrations = frames.registrations(
        *(
            {"received_date": start, "first_contact_date": start + timedelta(days=days)}
            for days in (0, 7, 8, 31, 32, 100)
        )
    )
    result = days_distribution(registrations)
    assert result["label"].to_list() == ["0–7", "8–14", "15–21", "22–31", "32–60", "61–90", "91+"]
    assert result["registrations"].to_list() == [2, 1, 0, 1, 1, 0, 1]
    assert result["days_to"].to_list() == [7, 14, 21, 31, 60, 90, None]


@pytest.mark.parametrize("rule", ["calendar_month", "30_days"])
def test_a_month_is_provisional_until_its_last_deadline_has_passed(rule: Rule) -> None:
    """Every month of 2023–2027 (leap February included) is provisional up to the deadline
    of its last day and final from the day after, as final_on says; on that day no
    aanmelding of the month can still be lopend."""
    months = pl.DataFrame({"month": months_between(date(2023, 1, 1), date(2027, 12, 1))})
    for month in months["month"].to_list():
        final = final_on(month, rule)
        before, on = (
            months.filter(pl.col("month") == month)
            .select(provisional(pl.col("month"), day, rule))
            .item()
            for day in (final - timedelta(days=1), final)
        )
        assert (before, on) == (True, False), (month, final)
    assert final_on(date(2024, 1, 1)) == date(2024, 3, 1)  # 31 Jan → 29 Feb (leap year)
    assert final_on(date(2024, 1, 1), "30_days") == date(2024, 3, 2)  # 31 Jan + 30 days
    last_day = with_timeliness(
        pl.DataFrame(
            {
                "id": [1],
                "kind": ["aanmelding"],
                "region_code": ["R1"],
                "received_date": [date(2024, 1, 31)],
                "first_contact_date": [None],
                "closed_date": [None],
                "closure_reason": [None],
            },
            schema_overrides={
                "first_contact_date": pl.Date,
                "closed_date": pl.Date,
                "closure_reason": pl.String,
            },
        ),
        final_on(date(2024, 1, 1), rule),
        rule,
    )
    assert last_day["status"].to_list() == ["laat"]


_DAYS = st.one_of(st.none(), st.integers(-5, 40), st.integers(0, 900))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["A", "B", "C"]), st.integers(0, 400), _DAYS, st.booleans()),
        min_size=1,
        max_size=200,
    )
)
def test_quantiles_from_day_counts_equal_those_of_the_rows(
    rows: list[tuple[str, int, int | None, bool]],
) -> None:
    """The median and 90th percentile a page shows from kept per-day counts are exactly those
    of the rows, for any months summed: uncapped days, contacts before receipt, consults left
    out, linear interpolation."""
    start = date(2024, 1, 1)
    frame = pl.DataFrame(
        [
            {
                "region_code": region,
                "kind": "aanmelding" if intake else "consult",
                "received_date": start + timedelta(days=offset),
                "first_contact_date": None
                if days is None
                else start + timedelta(days=offset + days),
            }
            for region, offset, days, intake in rows
        ],
        schema={
            "region_code": pl.String,
            "kind": pl.String,
            "received_date": pl.Date,
            "first_contact_date": pl.Date,
        },
    )
    from_counts = quantiles_of_counts(contact_day_counts(frame))
    assert_frame_equal(
        from_counts, days_to_first_contact(frame), check_dtypes=False, check_exact=True
    )
