"""The Betrokken organisaties view on the Bereik en trajecten test inputs: the partners by
sector moved here from the reach view."""

from __future__ import annotations

from reports.views.organisations import organisations_view
from tests.published import charts, shown, text, values
from tests.reports.views.test_reach import PERIOD, _inputs


def test_partners_by_sector_in_the_shown_years() -> None:
    """Alfa's partners of 2024 are one CLB (twice involved) and one CAW; 2023's CGG is left out."""
    view = shown(organisations_view(_inputs(), PERIOD))
    assert text(view, "organisaties-per-sector").rows() == [
        ("Alfa", "CAW", "1", "1"),
        ("Alfa", "CLB", "1", "2"),
    ]
    assert values(view, "organisaties-per-sector")["sector"].to_list() == ["CAW", "CLB"]


def test_the_sector_chart_shows_organisations_per_sector() -> None:
    """The chart of organisations per sector draws one bar per sector of the shown years: one
    CAW and one CLB for Alfa."""
    figures = charts(shown(organisations_view(_inputs(), PERIOD)))
    sectors = figures["Betrokken organisaties per sector"]
    bars = {trace.name: (list(trace.y), list(trace.x)) for trace in sectors.data}
    assert bars == {"CAW": (["Alfa"], [1]), "CLB": (["Alfa"], [1])}
