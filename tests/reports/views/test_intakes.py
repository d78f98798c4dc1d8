"""The Aanmeldingen view on hand-built inputs: months that came in, and months that did not."""

from __future__ import annotations

from datetime import date

import polars as pl

from reports.selection import Selection
from reports.views.intakes import intakes_view
from tests.published import shown, table, text
from tests.reports.views.frames import hand_inputs, registrations

FIRST_QUARTER = Selection(date(2024, 1, 1), date(2024, 3, 31))


def _inputs() -> object:
    """R1: an aanmelding in January, only a consult question in February, nothing in March.
    R2: monthly counts for February only."""
    rows = registrations(
        {"received_date": date(2024, 1, 9)},
        {"received_date": date(2024, 2, 7), "kind": "consult"},
    )
    return hand_inputs(rows, [("R2", date(2024, 2, 1), "intakes", 6)], today=date(2024, 6, 1))


def test_a_month_without_delivery_is_a_dash_and_a_delivered_empty_month_zero() -> None:
    """R1's February came in with rows but no aanmelding: 0. Its March came in with nothing:
    '–', as are R2's January and March around its monthly count; never a 0 for a month that
    did not come in."""
    view = shown(intakes_view(_inputs(), FIRST_QUARTER))  # type: ignore[arg-type]
    shown_text = text(view).select("Regio", "Periode", "Aanmeldingen", "Consultvragen", "Bron")
    assert shown_text.rows() == [
        ("Regio Een", "jan. 2024", "1", "0", "rijen"),
        ("Regio Een", "feb. 2024", "0", "1", "rijen"),
        ("Regio Een", "mrt. 2024", "–", "–", "–"),
        ("Regio Twee", "jan. 2024", "–", "–", "–"),
        ("Regio Twee", "feb. 2024", "6", "–", "maandtotalen"),
        ("Regio Twee", "mrt. 2024", "–", "–", "–"),
    ]
    assert any(
        "'–' in een periode waarin de regio niets aanleverde" in n for n in table(view).notes
    )
    assert "–" in view.symbols


def test_a_quarter_sums_the_months_that_came_in() -> None:
    """Per quarter the months without delivery add nothing: R1 1, R2 6 (from its counts)."""
    quarter = Selection(FIRST_QUARTER.start, FIRST_QUARTER.end, "quarter")
    view = shown(intakes_view(_inputs(), quarter))  # type: ignore[arg-type]
    assert text(view).select("Regio", "Aanmeldingen", "Bron").rows() == [
        ("Regio Een", "1", "rijen"),
        ("Regio Twee", "6", "maandtotalen"),
    ]


def test_a_region_without_any_delivery_in_the_period_is_named() -> None:
    """In April–May nothing came in from either region: the table is empty (the page says
    'no data'); with R1 delivering in April, R2 is named as having delivered nothing."""
    april = Selection(date(2024, 4, 1), date(2024, 5, 31))
    assert table(shown(intakes_view(_inputs(), april))).is_empty  # type: ignore[arg-type]
    rows = registrations({"received_date": date(2024, 4, 9)})
    inputs = hand_inputs(rows, today=date(2024, 6, 1))
    view = shown(intakes_view(inputs, april))
    assert set(text(view)["Regio"]) == {"Regio Een"}
    assert text(view).filter(pl.col("Periode") == "mei 2024")["Aanmeldingen"].to_list() == ["–"]
    assert any(
        n.startswith("Geen gegevens aangeleverd in deze periode") and "Regio Twee" in n
        for n in view.notes
    )
