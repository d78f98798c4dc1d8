"""The Tijdige opname view on hand-built inputs: both rules, monthly counts, overdue list."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from data_access.store import schemas
from indicators.response_time import Rule, days_to_first_contact, timeliness_by_region_month
from reports.inputs import Inputs
from reports.selection import Selection
from reports.views.response_time import response_time_view
from tests.published import charts, shown, table, text, values
from tests.reports.views.frames import hand_inputs

TODAY = date(2024, 4, 10)
FIRST_QUARTER = Selection(date(2024, 1, 1), date(2024, 3, 31))
MARCH = date(2024, 3, 1)

# R1 in March 2024, hand-computed. Calendar month: 2 tijdig (days 5 and 31), 1 laat, 1 vervallen,
# 1 lopend → 2/3. 30 days: the contact on day 31 (1 March → 1 April) is late → 1/3.
_R1_MARCH: list[dict[str, Any]] = [
    {"received_date": date(2024, 3, 1), "first_contact_date": date(2024, 4, 1)},
    {"received_date": date(2024, 3, 5), "first_contact_date": date(2024, 3, 10)},
    {"received_date": date(2024, 3, 10), "first_contact_date": date(2024, 4, 30)},
    {
        "received_date": date(2024, 3, 12),
        "closed_date": date(2024, 3, 20),
        "closure_reason": "CLIENT_HAAKT_AF",
    },
    {"received_date": date(2024, 3, 20)},
]


def _registrations(*rows: dict[str, Any]) -> pl.DataFrame:
    filled = [
        {
            "id": index,
            "kind": "aanmelding",
            "region_code": "R1",
            "source_system": f"uniform:{row.get('region_code', 'R1')}",
            "source_record_id": f"DOS-{index:03d}",
            **row,
        }
        for index, row in enumerate(rows, start=1)
    ]
    return pl.DataFrame(
        {name: [row.get(name) for row in filled] for name in schemas.REGISTRATION},
        schema=schemas.REGISTRATION,
    )


def _inputs(
    registrations: pl.DataFrame,
    counts: list[tuple[str, date, str, int]] | None = None,
    basis: str = "then",
) -> Inputs:
    return hand_inputs(registrations, counts, today=TODAY, basis=basis)


@pytest.fixture
def inputs() -> Inputs:
    """R1 with rows in March 2024, R2 with monthly counts only (10 intakes, 7 within the month)."""
    return _inputs(
        _registrations(*_R1_MARCH),
        [("R2", MARCH, "intakes", 10), ("R2", MARCH, "within_month", 7)],
    )


def _row(view_table: pl.DataFrame, region: str) -> dict[str, Any]:
    return view_table.filter(pl.col("region_code") == region).row(0, named=True)


def test_the_calendar_month_rule_counts_every_status(inputs: Inputs) -> None:
    """Under the calendar-month rule R1 has 2 tijdig, 1 laat, 1 vervallen, 1 lopend: 66,7%."""
    view = shown(response_time_view(inputs, FIRST_QUARTER))
    r1 = _row(values(view, "tijdige-opname"), "R1")
    assert (r1["tijdig"], r1["laat"], r1["vervallen"], r1["lopend"]) == (2, 1, 1, 1)
    assert r1["rate"] == pytest.approx(2 / 3)
    indicator = timeliness_by_region_month(inputs.registrations, inputs.aggregates, TODAY)
    assert r1["rate"] == _row(indicator, "R1")["rate"]
    first = text(view).row(0, named=True)
    assert first["Regio"] == "Regio Een"
    assert first["Periode"] == "mrt. 2024"
    assert first["Binnen de maand (%)"] == "66,7%"


def test_the_30_day_rule_changes_the_rate_and_its_label(inputs: Inputs) -> None:
    """A contact on day 31 is late under the 30-day rule: R1 drops to 33,3%, labelled so."""
    view = shown(response_time_view(inputs, FIRST_QUARTER, "30_days"))
    r1 = _row(values(view), "R1")
    assert (r1["tijdig"], r1["laat"]) == (1, 2)
    main = text(view)
    assert "Binnen de maand (%)" not in main.columns
    assert main.row(0, named=True)["Binnen 30 dagen (%)"] == "33,3%"
    assert "30 dagen" in table(view).title


def test_monthly_counts_show_unknown_statuses_under_the_calendar_rule(inputs: Inputs) -> None:
    """R2's monthly counts give 7 tijdig and 3 laat; vervallen and lopend are '–', not 0."""
    view = shown(response_time_view(inputs, FIRST_QUARTER))
    r2 = _row(values(view), "R2")
    assert (r2["tijdig"], r2["laat"], r2["vervallen"], r2["lopend"]) == (7, 3, None, None)
    assert r2["source"] == "maandtotalen"
    r2_text = text(view).filter(pl.col("Regio") == "Regio Twee").row(0, named=True)
    assert (r2_text["Vervallen"], r2_text["Lopend"], r2_text["Binnen de maand (%)"]) == (
        "–",
        "–",
        "70,0%",
    )
    assert any("Regio Twee" in note and "maandtotalen" in note for note in view.notes)


def test_monthly_counts_are_left_out_under_the_30_day_rule_and_it_says_so(inputs: Inputs) -> None:
    """Monthly counts know only the calendar month: R2 disappears and a note names it."""
    view = shown(response_time_view(inputs, FIRST_QUARTER, "30_days"))
    assert values(view)["region_code"].to_list() == ["R1"]
    assert any("Regio Twee" in note and "30-dagenregel" in note for note in view.notes)


def test_quarters_sum_the_months(inputs: Inputs) -> None:
    """Per quarter, January's timely intake and March's counts add up in one 2024 K1 row."""
    extra = [{"received_date": date(2024, 1, 8), "first_contact_date": date(2024, 1, 9)}]
    quarters = Selection(date(2024, 1, 1), date(2024, 3, 31), "quarter")
    view = shown(response_time_view(_inputs(_registrations(*_R1_MARCH, *extra)), quarters))
    r1 = _row(values(view), "R1")
    assert (r1["period"], r1["tijdig"], r1["laat"], r1["vervallen"], r1["lopend"]) == (
        "2024Q1",
        3,
        1,
        1,
        1,
    )
    assert r1["rate"] == pytest.approx(3 / 4)
    assert text(view)["Periode"].to_list() == ["2024 K1"]


def test_the_comparison_shows_both_rules_side_by_side(inputs: Inputs) -> None:
    """The comparison has R1 at 66,7% and 33,3%: 33,3 percentage points lower under 30 days."""
    view = shown(response_time_view(inputs, FIRST_QUARTER))
    r1 = text(view, "kalendermaand-of-30-dagen").row(0, named=True)
    assert r1["Regio"] == "Regio Een"
    assert (r1["Binnen de maand (%)"], r1["Binnen 30 dagen (%)"]) == ("66,7%", "33,3%")
    assert r1["Verschil (procentpunt)"] == "-33,3"


def test_days_to_first_contact_match_the_indicator(inputs: Inputs) -> None:
    """The days table is the indicator's median and 90th percentile (contacts after 31, 5, 51 days)."""
    view = shown(response_time_view(inputs, FIRST_QUARTER))
    expected = days_to_first_contact(inputs.registrations)
    assert values(view, "dagen-tot-eerste-contact").select(expected.columns).equals(expected)
    assert text(view, "dagen-tot-eerste-contact").row(0, named=True)["Mediaan (dagen)"] == "31,0"


def test_the_overdue_list_shows_file_numbers_of_the_selected_regions_only() -> None:
    """Open intakes past their deadline appear with their file number, whatever the period."""
    registrations = _registrations(
        {"received_date": date(2023, 11, 2)},  # open since long before the selected period
        {"received_date": date(2024, 3, 1), "region_code": "R2"},
        {"received_date": date(2024, 3, 25)},  # deadline not passed: lopend, not listed
    )
    view = shown(response_time_view(_inputs(registrations), FIRST_QUARTER))
    overdue = text(view, "openstaand-na-de-termijn")
    assert overdue["Dossiernummer"].to_list() == ["DOS-001", "DOS-002"]
    assert overdue.row(0, named=True) == {
        "Dossiernummer": "DOS-001",
        "Regio": "Regio Een",
        "Aangemeld op": "02/11/2023",
        "Termijn": "02/12/2023",
        "Dagen over termijn": "130",
    }
    only_r2 = Selection(date(2024, 1, 1), date(2024, 3, 31), regions=("R2",))
    narrowed = text(
        shown(response_time_view(_inputs(registrations), only_r2)), "openstaand-na-de-termijn"
    )
    assert narrowed["Regio"].to_list() == ["Regio Twee"]


def test_the_overdue_list_kept_for_the_inputs_follows_regions_and_rule_not_period() -> None:
    """On one set of inputs (as a page's reruns share them) the list is the same for every
    period, and another set of regions or the other rule gets its own list."""
    registrations = _registrations(
        {"received_date": date(2023, 11, 2)},
        {"received_date": date(2024, 3, 1), "region_code": "R2"},
        {"received_date": date(2024, 3, 10)},  # 30 days passed on 9/4, the month ends 10/4
    )
    inputs = _inputs(registrations)

    def listed(selection: Selection, rule: Rule = "calendar_month") -> list[str]:
        view = shown(response_time_view(inputs, selection, rule))
        return text(view, "openstaand-na-de-termijn")["Dossiernummer"].to_list()

    assert listed(FIRST_QUARTER) == ["DOS-001", "DOS-002"]
    assert listed(Selection(date(2022, 1, 1), date(2022, 6, 30))) == ["DOS-001", "DOS-002"]
    assert listed(Selection(date(2024, 1, 1), date(2024, 3, 31), regions=("R2",))) == ["DOS-002"]
    assert listed(FIRST_QUARTER, "30_days") == ["DOS-001", "DOS-002", "DOS-003"]


def test_an_empty_store_gives_an_empty_view() -> None:
    """Without registrations the view is empty and draws no charts."""
    view = shown(response_time_view(_inputs(_registrations()), FIRST_QUARTER))
    assert view.is_empty
    assert charts(view) == {}
