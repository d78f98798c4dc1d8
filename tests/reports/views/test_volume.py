"""The Volumeafspraken view on hand-built inputs: whole years, pro rata, regions, sources."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from polars.testing import assert_frame_equal

from data_access.store import schemas
from indicators.volume import volume_progress
from reports.inputs import Inputs
from reports.selection import Selection
from reports.views.volume import volume_view
from tests import scopes
from tests.published import charts, shown, text, values
from tests.reports.views.frames import keyed

# 1 July 2024 is day 183 of the leap year 2024: exactly half of it has elapsed.
TODAY = date(2024, 7, 1)
PERIOD = Selection(date(2023, 11, 1), date(2024, 6, 30))


def _registration(
    id_: int, region: str, received: date, referrer: str, kind: str = "aanmelding"
) -> dict[str, Any]:
    return {
        "id": id_,
        "family_id": f"F{id_}",
        "region_code": region,
        "kind": kind,
        "received_date": received,
        "referrer": referrer,
        "source_system": f"uniform:{region}",
    }


REGISTRATIONS = pl.DataFrame(
    [
        _registration(1, "AAA", date(2024, 1, 10), "GV"),
        _registration(2, "AAA", date(2024, 3, 5), "GV"),
        _registration(3, "AAA", date(2024, 6, 30), "GV"),
        _registration(4, "AAA", date(2024, 2, 1), "GV", kind="consult"),  # a consult: not counted
        _registration(5, "AAA", date(2024, 2, 2), "CLB"),
        _registration(6, "AAA", date(2024, 4, 2), "SDJ"),
        _registration(7, "AAA", date(2023, 5, 2), "GV"),
        _registration(8, "AAA", date(2022, 5, 2), "GV"),  # a year outside the selection
        _registration(9, "BBB", date(2024, 5, 2), "GV"),
    ],
    schema=schemas.REGISTRATION,
)

AGREEMENTS = pl.DataFrame(
    [
        ("AAA", 2022, "GV", 4),
        ("AAA", 2023, "GV", 2),
        ("AAA", 2023, "SDJ", 1),
        ("AAA", 2024, "GV", 6),
        ("AAA", 2024, "SDJ", 2),
        ("BBB", 2024, "GV", 3),
        ("BBB", 2024, "SDJ", 1),
        ("CCC", 2024, "GV", 5),
        ("CCC", 2024, "SDJ", 1),
    ],
    schema=schemas.VOLUME_AGREEMENT,
    orient="row",
)

# CCC reports monthly counts per referrer group.
COUNTS = pl.DataFrame(
    [
        ("CCC", date(2024, 1, 1), "intakes", 6, "monthly_counts:CCC"),
        ("CCC", date(2024, 1, 1), "referrer_group:GV", 2, "monthly_counts:CCC"),
        ("CCC", date(2024, 2, 1), "intakes", 4, "monthly_counts:CCC"),
        ("CCC", date(2024, 2, 1), "referrer_group:GV", 1, "monthly_counts:CCC"),
    ],
    schema=schemas.AGGREGATE_REPORT,
    orient="row",
)


def _inputs(basis: str = "then") -> Inputs:
    regions = pl.DataFrame(
        {
            "region_code": ["AAA", "BBB", "CCC"],
            "region_name": ["Alfa", "Bravo", "Charlie"],
            "active_from": [date(2018, 9, 1)] * 3,
            "active_to": [None] * 3,
            "name_basis": ["source"] * 3,
        },
        schema=schemas.REGION,
    )
    return keyed(
        Inputs(
            registrations=REGISTRATIONS,
            aggregates=COUNTS,
            partners=pl.DataFrame(schema=schemas.REGISTRATION_PARTNER),
            staffing=pl.DataFrame(schema=schemas.STAFFING),
            agreements=AGREEMENTS,
            regions=regions,
            populations=pl.DataFrame(
                schema={**schemas.REGION_POPULATION, "valid_from": pl.Date, "valid_to": pl.Date}
            ),
            network_reference=pl.DataFrame(),
            basis=basis,  # type: ignore[arg-type]
            today=TODAY,
            data_version=1,
            scope=scopes.everything(),
        )
    )


def test_it_shows_the_whole_years_overlapping_the_period() -> None:
    """November 2023 – June 2024 shows the agreements of 2023 and 2024, not of 2022."""
    view = shown(volume_view(_inputs(), PERIOD))
    assert sorted(values(view, "volumeafspraken")["year"].unique().to_list()) == [2023, 2024]
    assert any("hele jaren 2023–2024" in note for note in view.notes)


def test_realised_is_the_count_of_gv_referred_intakes_of_the_year() -> None:
    """Alfa's 2024 GV figure counts its three GV-referred aanmeldingen of 2024 (not the consult),
    against a pro-rata target of half the agreed six; every figure is the indicator's."""
    frame = values(shown(volume_view(_inputs(), PERIOD)))
    row = frame.filter(
        (pl.col("region_code") == "AAA") & (pl.col("year") == 2024) & (pl.col("party") == "GV")
    )
    assert row.select(
        "agreed",
        "realised",
        "progress",
        "pro_rata_target",
        "progress_vs_pro_rata",
        "projected_year_end",
    ).row(0) == (6, 3, 0.5, 3.0, 1.0, 6.0)
    expected = volume_progress(
        REGISTRATIONS, COUNTS, AGREEMENTS.filter(pl.col("year").is_in([2023, 2024])), TODAY
    )
    assert_frame_equal(frame.select(expected.columns), expected)


def test_choosing_one_region_narrows() -> None:
    """Selecting Bravo leaves only Bravo's agreements."""
    frame = values(
        shown(volume_view(_inputs(), Selection(PERIOD.start, PERIOD.end, regions=("BBB",))))
    )
    assert set(frame["region_code"]) == {"BBB"}
    assert frame.filter(pl.col("party") == "GV")["realised"].to_list() == [1]


def test_monthly_counts_are_used_and_named() -> None:
    """Charlie's realised GV intakes come from its monthly counts, and a note says so."""
    view = shown(volume_view(_inputs(), PERIOD))
    charlie = values(view).filter((pl.col("region_code") == "CCC") & (pl.col("party") == "GV"))
    assert charlie.select("realised", "source").row(0) == (3, "maandtotalen")
    assert any(note.startswith("Charlie:") for note in view.notes)


def test_monthly_counts_do_not_count_under_todays_regions() -> None:
    """On today's regions the monthly counts cannot be placed: Charlie's realised reads '–'."""
    table = text(shown(volume_view(_inputs("today"), PERIOD)))
    assert table.filter(pl.col("Regio") == "Charlie")["Gerealiseerd"].to_list() == ["–", "–"]


def test_charts_show_the_running_year_with_the_pro_rata_line() -> None:
    """The GV and SDJ charts and the progress chart show 2024, the progress line at 50%."""
    figures = charts(shown(volume_view(_inputs(), PERIOD)))
    assert set(figures) == {
        "GV: afgesproken en gerealiseerd",
        "SDJ: afgesproken en gerealiseerd",
        "Voortgang",
    }
    gv = figures["GV: afgesproken en gerealiseerd"]
    assert [t.name for t in gv.data] == ["Afgesproken", "Gerealiseerd", "Pro-rata doel"]
    assert list(gv.data[2].y) == [3.0, 1.5, 2.5]
    assert "2024" in gv.layout.title.text
    assert figures["Voortgang"].layout.shapes[0].x0 == 0.5


def test_no_agreements_is_empty() -> None:
    """Years without agreements give an empty view (the page's empty state) and no charts."""
    view = shown(volume_view(_inputs(), Selection(date(2020, 1, 1), date(2020, 12, 31))))
    assert view.is_empty
    assert charts(view) == {}
