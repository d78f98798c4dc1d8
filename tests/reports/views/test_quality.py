"""Quality caveats travel with the figures: in a view's notes and in its table's exports."""

from __future__ import annotations

import dataclasses

import polars as pl

from data_access.quality.results import PASSPORT
from reports.publish.text import to_csv
from reports.views.common import quality_notes
from reports.views.overview import overview_view
from tests import scopes
from tests.published import shown, table
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
    view = shown(overview_view(dataclasses.replace(_inputs(), passports=PASSPORTS), PERIOD))
    assert any(n.startswith("Let op: de gegevenskwaliteit van Alfa") for n in view.notes)
    assert "# Let op: de gegevenskwaliteit van Alfa" in to_csv(table(view)).decode("utf-8")


def test_outside_the_detail_the_caveat_names_no_score() -> None:
    """For a region outside the reader's detail the caveat is given without its score (a rate
    of counted records); for a region in detail with it."""
    inputs = dataclasses.replace(_inputs(), passports=PASSPORTS, scope=scopes.regions("BBB"))
    assert quality_notes(inputs, ["AAA", "BBB"]) == [
        "Let op: de gegevenskwaliteit van Alfa ligt onder de drempel; zie Datakwaliteit."
    ]
    inputs = dataclasses.replace(inputs, scope=scopes.regions("AAA"))
    assert "95,0%" in quality_notes(inputs, ["AAA"])[0]


def test_no_passport_no_caveat() -> None:
    """Before any quality run (empty passports) no view carries a caveat."""
    view = shown(overview_view(_inputs(), PERIOD))
    assert not [n for n in view.notes if n.startswith("Let op: de gegevenskwaliteit")]
    assert "Let op" not in to_csv(table(view)).decode("utf-8")
