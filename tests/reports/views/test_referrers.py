"""The Aanmelders view on hand-built inputs: groups, referrers in detail, monthly counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from data_access.reference.codes import REFERRER_GROUPS
from data_access.store import schemas
from indicators.referrers import referrer_group_shares
from reports.inputs import Inputs
from reports.selection import Selection
from reports.views.referrers import NOT_AVAILABLE, referrers_view
from tests.published import charts, shown, table, text, values
from tests.reports.views.frames import hand_inputs

MARCH = date(2024, 3, 1)
FIRST_QUARTER = Selection(date(2024, 1, 1), date(2024, 3, 31))

# R1 (rows) in March 2024: three brede instap referrals (CLB twice, CAW) and one by GV.
_R1 = [("CLB", 3), ("CLB", 7), ("CAW", 12), ("GV", 20)]
# R2 reports monthly counts per referrer group only.
_R2_COUNTS = [
    ("R2", MARCH, "intakes", 8),
    ("R2", MARCH, "referrer_group:BREDE_INSTAP", 6),
    ("R2", MARCH, "referrer_group:CLIENT", 2),
]


def _registrations(rows: list[tuple[str, int]], month: date = MARCH) -> pl.DataFrame:
    filled: list[dict[str, Any]] = [
        {
            "id": index,
            "kind": "aanmelding",
            "region_code": "R1",
            "received_date": month.replace(day=day),
            "referrer": referrer,
            "source_system": "uniform:R1",
            "source_record_id": f"DOS-{index:03d}",
        }
        for index, (referrer, day) in enumerate(rows, start=1)
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
    return hand_inputs(registrations, counts, today=date(2024, 6, 1), basis=basis)


@pytest.fixture
def inputs() -> Inputs:
    """R1 with four intakes in March 2024, R2 with monthly counts per referrer group."""
    return _inputs(_registrations(_R1), _R2_COUNTS)


def test_group_shares_per_region_and_month(inputs: Inputs) -> None:
    """R1: brede instap 3 of 4 (75,0%), GV 1 (25,0%); R2 from its counts: 6 and 2 of 8."""
    view = shown(referrers_view(inputs, FIRST_QUARTER))
    groups = text(view, "aanmeldersgroepen")
    assert groups.rows() == [
        ("Regio Een", "mrt. 2024", "Brede instap", "3", "75,0%", "rijen"),
        ("Regio Een", "mrt. 2024", "Gemandateerde voorzieningen", "1", "25,0%", "rijen"),
        ("Regio Twee", "mrt. 2024", "Brede instap", "6", "75,0%", "maandtotalen"),
        ("Regio Twee", "mrt. 2024", "Gezin of jongere zelf", "2", "25,0%", "maandtotalen"),
    ]
    assert groups.columns == [
        "Regio",
        "Periode",
        "Aanmeldersgroep",
        "Aanmeldingen",
        "Aandeel",
        "Bron",
    ]
    expected = referrer_group_shares(inputs.registrations, inputs.aggregates).with_columns(
        referrer_group_label=pl.col("referrer_group").replace_strict(REFERRER_GROUPS)
    )
    keys = ["region_code", "period", "referrer_group_label", "intakes", "share", "source"]
    assert sorted(values(view).select(keys).rows()) == sorted(expected.select(keys).rows())


def test_referrer_detail_is_not_available_for_monthly_counts(inputs: Inputs) -> None:
    """R1's referrers are listed with their shares; R2 reads 'not available', never zero."""
    view = shown(referrers_view(inputs, FIRST_QUARTER))
    assert text(view, "aanmelders").rows() == [
        ("Regio Een", "CLB", "2", "50,0%"),
        ("Regio Een", "CAW", "1", "25,0%"),
        ("Regio Een", "Gemandateerde voorzieningen (OCJ, VK)", "1", "25,0%"),
        ("Regio Twee", NOT_AVAILABLE, "–", "–"),
    ]
    assert any("Regio Twee" in note and "maandtotalen" in note for note in view.notes)
    assert any(NOT_AVAILABLE in note for note in table(view, "aanmelders").notes)


def test_a_mixed_period_names_the_region_whose_detail_is_partial() -> None:
    """When R2 also has rows in the period, its detail covers only those months and says so."""
    rows = _registrations(_R1).with_columns(
        region_code=pl.lit("R2"),
        source_system=pl.lit("uniform:R2"),
        received_date=pl.col("received_date").dt.offset_by("-1mo"),
    )
    view = shown(referrers_view(_inputs(rows, _R2_COUNTS), FIRST_QUARTER))
    detail = table(view, "aanmelders")
    assert NOT_AVAILABLE not in detail.values["referrer_label"].to_list()
    assert detail.values["intakes"].sum() == 4
    assert any(note.startswith("Regio Twee: detail alleen") for note in detail.notes)


def test_brede_instap_share_over_time(inputs: Inputs) -> None:
    """The brede instap chart draws one line per region at 75% in March."""
    figure = charts(shown(referrers_view(inputs, FIRST_QUARTER)))["Aandeel brede instap"]
    assert [trace.name for trace in figure.data] == ["Regio Een", "Regio Twee"]
    assert [list(trace.y) for trace in figure.data] == [[0.75], [0.75]]


def test_quarters_and_one_region(inputs: Inputs) -> None:
    """Per quarter the periods read '2024 K1'; choosing R1 leaves only R1."""
    selection = Selection(date(2024, 1, 1), date(2024, 3, 31), "quarter", ("R1",))
    view = shown(referrers_view(inputs, selection))
    groups = text(view, "aanmeldersgroepen")
    assert set(groups["Periode"]) == {"2024 K1"}
    assert set(groups["Regio"]) == {"Regio Een"}
    assert set(text(view, "aanmelders")["Regio"]) == {"Regio Een"}


def test_todays_regions_leave_monthly_counts_out(inputs: Inputs) -> None:
    """Monthly counts carry no municipality, so under today's regions R2 is absent."""
    today_basis = Selection(date(2024, 1, 1), date(2024, 3, 31), basis="today")
    view = shown(referrers_view(_inputs(inputs.registrations, _R2_COUNTS, "today"), today_basis))
    assert set(values(view)["region_code"]) == {"R1"}


def test_an_empty_store_gives_an_empty_view() -> None:
    """Without registrations or counts the view is empty and draws no charts."""
    view = shown(referrers_view(_inputs(_registrations([])), FIRST_QUARTER))
    assert view.is_empty
    assert charts(view) == {}
