"""The Personeelsinzet view on hand-built inputs and the real 2020 reference table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from data_access.store import schemas
from indicators.staffing import registrations_per_fte
from reports.inputs import Inputs
from reports.selection import Selection
from reports.views.staffing import staffing_view
from tests import scopes
from tests.published import charts, shown, table, text, values
from tests.reports.views.frames import keyed

REFERENCE_CSV = (
    Path(__file__).resolve().parents[3] / "data_access" / "reference" / "networks_2020.csv"
)

# May–August 2021 touches 2021Q2 (old region layout) and 2021Q3 (the layout from 1 July 2021).
PERIOD = Selection(date(2021, 5, 1), date(2021, 8, 31))

STAFFING = pl.DataFrame(
    [
        ("AAA", "2021Q1", date(2021, 1, 1), "TEAMMEDEWERKER", "JEUGDHULP", 9.0),
        ("AAA", "2021Q2", date(2021, 4, 1), "COORDINATIE", "JEUGDHULP", 1.0),
        ("AAA", "2021Q2", date(2021, 4, 1), "TEAMMEDEWERKER", "JEUGDHULP", 6.0),
        ("AAA", "2021Q2", date(2021, 4, 1), "TEAMMEDEWERKER", "CAW", 3.0),
        ("AAA", "2021Q3", date(2021, 7, 1), "COORDINATIE", "JEUGDHULP", 1.0),
        ("AAA", "2021Q3", date(2021, 7, 1), "ELP", "CGG", 9.0),
        ("BBB", "2021Q3", date(2021, 7, 1), "TEAMMEDEWERKER", "CAW", 4.0),
    ],
    schema=schemas.STAFFING,
    orient="row",
)

POPULATIONS = pl.DataFrame(
    [
        ("AAA", 200_000, 40_000, "source", date(2018, 1, 1), date(2021, 6, 30)),
        ("AAA", 250_000, 50_000, "source", date(2021, 7, 1), None),
        ("BBB", 100_000, 20_000, "source", date(2021, 7, 1), None),
    ],
    schema={**schemas.REGION_POPULATION, "valid_from": pl.Date, "valid_to": pl.Date},
    orient="row",
)

REGISTRATIONS = pl.DataFrame(
    [
        {
            "id": i,
            "region_code": "AAA",
            "kind": "aanmelding",
            "received_date": d,
            "source_system": "uniform:AAA",
        }
        for i, d in enumerate(
            [
                date(2021, 4, 2),
                date(2021, 5, 3),
                date(2021, 6, 4),
                date(2021, 6, 5),
                date(2021, 7, 6),
                date(2021, 8, 7),
                date(2021, 9, 8),
                date(2021, 1, 9),
            ],
            start=1,
        )
    ],
    schema=schemas.REGISTRATION,
)


def _reference() -> pl.DataFrame:
    return pl.read_csv(REFERENCE_CSV).select(
        pl.col("region_code", "network_name"),
        pl.col("fte_total", "fte_coordination", "fte_team", "fte_elp", "fte_other").cast(
            pl.Float64
        ),
        pl.col("inhabitants", "partners").cast(pl.Int64),
        pl.col("fte_note"),
    )


def _inputs(basis: str = "then") -> Inputs:
    regions = pl.DataFrame(
        {
            "region_code": ["AAA", "BBB"],
            "region_name": ["Alfa", "Bravo"],
            "active_from": [date(2018, 9, 1), date(2021, 7, 1)],
            "active_to": [None, None],
            "name_basis": ["source"] * 2,
        },
        schema=schemas.REGION,
    )
    return keyed(
        Inputs(
            registrations=REGISTRATIONS,
            aggregates=pl.DataFrame(schema=schemas.AGGREGATE_REPORT),
            partners=pl.DataFrame(schema=schemas.REGISTRATION_PARTNER),
            staffing=STAFFING,
            agreements=pl.DataFrame(schema=schemas.VOLUME_AGREEMENT),
            regions=regions,
            populations=POPULATIONS,
            network_reference=_reference(),
            basis=basis,  # type: ignore[arg-type]
            today=date(2021, 9, 30),
            data_version=1,
            scope=scopes.everything(),
        )
    )


def test_it_shows_fte_by_function_for_the_quarters_of_the_period() -> None:
    """May–August is shown as 2021Q2 and 2021Q3 whole, functions summed over employers and
    labelled in Dutch; 2021Q1 is left out."""
    assert text(shown(staffing_view(_inputs(), PERIOD)), "personeelsinzet").rows() == [
        ("Alfa", "2021 K2", "Coördinatie", "1,00"),
        ("Alfa", "2021 K2", "Teammedewerker", "9,00"),
        ("Alfa", "2021 K3", "Coördinatie", "1,00"),
        ("Alfa", "2021 K3", "Eerstelijnspsycholoog", "9,00"),
        ("Bravo", "2021 K3", "Teammedewerker", "4,00"),
    ]


def test_fte_per_100k_uses_the_layout_of_each_quarter() -> None:
    """Alfa's 10 FTE are 5 per 100.000 of its 200.000 inhabitants before July 2021 and 4 per
    100.000 of its 250.000 after."""
    frame = values(shown(staffing_view(_inputs(), PERIOD)), "vte-per-100000-inwoners")
    assert frame.select("region_code", "quarter", "population_total", "fte_per_100k").rows() == [
        ("AAA", "2021Q2", 200_000, 5.0),
        ("AAA", "2021Q3", 250_000, 4.0),
        ("BBB", "2021Q3", 100_000, 4.0),
    ]


def test_intakes_per_fte_counts_whole_quarters() -> None:
    """Alfa's four intakes of April–June over 10 FTE, and three of July–September over 10 FTE,
    as indicators.staffing computes them."""
    frame = values(shown(staffing_view(_inputs(), PERIOD)), "aanmeldingen-per-vte")
    alfa = frame.filter(pl.col("region_code") == "AAA")
    assert alfa.select("intakes", "registrations_per_fte").rows() == [(4, 0.4), (3, 0.3)]
    expected = registrations_per_fte(
        REGISTRATIONS.filter(pl.col("received_date") >= date(2021, 4, 1)),
        pl.DataFrame(schema=schemas.AGGREGATE_REPORT),
        STAFFING.filter(pl.col("quarter") != "2021Q1"),
    )
    assert_frame_equal(frame, expected.select(frame.columns))


def test_choosing_one_region_narrows_but_not_the_reference() -> None:
    """Selecting Bravo leaves Bravo's FTE only; the 2020 reference still lists 15 networks."""
    view = shown(staffing_view(_inputs(), Selection(PERIOD.start, PERIOD.end, regions=("BBB",))))
    assert set(values(view)["region_code"]) == {"BBB"}
    assert set(values(view, "vte-per-100000-inwoners")["region_code"]) == {"BBB"}
    assert values(view, "referentie-2020").height == 15


def test_the_2020_reference_explains_its_stated_total() -> None:
    """The stated 208,79 VTE and the listed sum of 195,79 VTE are both named, with Trawant as
    the network without a total."""
    view = shown(staffing_view(_inputs(), PERIOD))
    (sum_check,) = [n for n in table(view, "referentie-2020").notes if "208,79" in n]
    assert "195,79" in sum_check
    assert "13,00" in sum_check
    assert "Trawant" in sum_check
    reference = text(view, "referentie-2020")
    assert reference.filter(pl.col("Netwerk") == "Trawant")["VTE totaal"].to_list() == ["–"]
    assert reference.filter(pl.col("Netwerk") == "Midden West-Vlaanderen")[
        "VTE totaal"
    ].to_list() == ["14,09"]


def test_charts_show_the_last_quarter_by_function_and_totals_over_time() -> None:
    """The function chart shows the last quarter (2021 K3); the total line runs over quarters."""
    figures = charts(shown(staffing_view(_inputs(), PERIOD)))
    assert set(figures) == {
        "VTE per functie",
        "Totaal VTE per kwartaal",
        "VTE per 100.000 inwoners",
        "Aanmeldingen per VTE",
    }
    by_function = figures["VTE per functie"]
    assert "2021 K3" in by_function.layout.title.text
    assert {t.name for t in by_function.data} == {
        "Coördinatie",
        "Eerstelijnspsycholoog",
        "Teammedewerker",
    }
    alfa = next(t for t in figures["Totaal VTE per kwartaal"].data if t.name == "Alfa")
    assert list(alfa.x) == ["2021 K2", "2021 K3"]
    assert list(alfa.y) == [10.0, 10.0]


def test_no_staffing_is_empty_but_keeps_the_reference() -> None:
    """A period without staffing has no staffing figures and no charts, but the view still
    carries the 2020 table (so the view as a whole is not empty: the page shows the reference
    under the empty staffing tables)."""
    view = shown(staffing_view(_inputs(), Selection(date(2019, 1, 1), date(2019, 3, 31))))
    assert table(view).is_empty
    assert table(view, "vte-per-100000-inwoners").is_empty
    assert table(view, "aanmeldingen-per-vte").is_empty
    assert charts(view) == {}
    assert values(view, "referentie-2020").height == 15
    assert not view.is_empty
