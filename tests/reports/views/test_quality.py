"""Quality caveats travel with the figures: in a view's notes and in its table's exports."""

from __future__ import annotations

import dataclasses

import polars as pl

from data_access.quality.results import PASSPORT
from reports.views import quality_notes
from reports.views.overview import overview_view
from tests.reports.views.test_overview import PERIOD, _inputs

PASSPORTS = pl.DataFrame(
    {
        "region_code": ["AAA", "BBB"],
        "completeness": [1.0, 1.0],
        "validity": [0.999, 1.0],
        "timeliness": [0.95, 1.0],
        "consistency": [1.0, 1.0],
        "overall": [0.95, 1.0],
        "below_threshold": [True, False],
        "threshold": [0.99, 0.99],
    },
    schema=PASSPORT,
)


def test_a_caveat_for_each_shown_region_below_the_threshold() -> None:
    """Only shown regions below the threshold get a note, naming the weakest dimension."""
    inputs = dataclasses.replace(_inputs(), passports=PASSPORTS)
    assert quality_notes(inputs, ["AAA", "BBB"]) == [
        "Let op: de gegevenskwaliteit van Alfa ligt onder de drempel (tijdigheid van "
        "aanlevering 95,0%, drempel 99,0%); zie Datakwaliteit."
    ]
    assert quality_notes(inputs, ["BBB", None]) == []


def test_the_caveat_is_in_the_view_and_its_export() -> None:
    """The overview carries the caveat in its notes and in the CSV export of its table."""
    view = overview_view(dataclasses.replace(_inputs(), passports=PASSPORTS), PERIOD)
    assert any(n.startswith("Let op: de gegevenskwaliteit van Alfa") for n in view.notes)
    assert "# Let op: de gegevenskwaliteit van Alfa" in view.table.to_csv().decode("utf-8")


def test_no_passport_no_caveat() -> None:
    """Before any quality run (empty passports) no view carries a caveat."""
    view = overview_view(_inputs(), PERIOD)
    assert not [n for n in view.notes if n.startswith("Let op: de gegevenskwaliteit")]
