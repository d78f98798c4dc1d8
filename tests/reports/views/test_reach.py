"""The Bereik en trajecten view on hand-built inputs: families, trajectories, sources.

The inputs (partners included) are shared with the Betrokken organisaties view's tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from polars.testing import assert_frame_equal

from data_access.store import schemas
from indicators.reach import families_reached
from reports.inputs import Inputs
from reports.selection import Selection
from reports.views.reach import reach_view
from tests import scopes
from tests.published import charts, shown, text, values
from tests.reports.views.frames import keyed

TODAY = date(2024, 9, 30)
# March–June 2024: the whole year 2024 is shown.
PERIOD = Selection(date(2024, 3, 1), date(2024, 6, 30))


def _row(
    id_: int,
    family: str | None,
    region: str,
    received: date,
    response: str | None,
    first_contact: date | None = None,
    closed: date | None = None,
    reason: str | None = None,
    kind: str = "aanmelding",
) -> dict[str, Any]:
    return {
        "id": id_,
        "family_id": family,
        "region_code": region,
        "kind": kind,
        "received_date": received,
        "first_contact_date": first_contact,
        "closed_date": closed,
        "response_type": response,
        "closure_reason": reason,
        "source_system": f"uniform:{region}",
    }


REGISTRATIONS = pl.DataFrame(
    [
        # Alfa 2024: families A (twice), B, E (received in 2023, first contact in 2024).
        _row(
            1,
            "A",
            "AAA",
            date(2024, 1, 5),
            "GEZINSPLAN",
            date(2024, 1, 10),
            date(2024, 4, 10),
            "AFGEROND",
        ),
        _row(2, "A", "AAA", date(2024, 5, 5), "ELP", date(2024, 5, 6)),
        _row(
            3,
            "B",
            "AAA",
            date(2024, 2, 1),
            "KORTDURENDE_BEGELEIDING",
            date(2024, 2, 1),
            date(2024, 5, 31),
            "DOORVERWEZEN_RTJ",
        ),
        _row(
            4,
            "E",
            "AAA",
            date(2023, 12, 20),
            "OVERBRUGGING",
            date(2024, 1, 3),
            date(2024, 9, 1),
            "DOORVERWEZEN_NRTJ",
        ),
        # Not families reached: a consult response, a referral straight on, a consult question.
        _row(5, "C", "AAA", date(2024, 3, 1), "CONSULT", date(2024, 3, 2)),
        _row(6, "D", "AAA", date(2024, 3, 1), "DOORVERWIJZING", date(2024, 3, 2)),
        _row(7, "G", "AAA", date(2024, 3, 1), None, kind="consult"),
        # A trajectory without a family number: shown apart, not a family.
        _row(8, None, "AAA", date(2024, 4, 1), "GEZINSPLAN", date(2024, 4, 2)),
        # Alfa 2023: family F, started in 2023.
        _row(
            9,
            "F",
            "AAA",
            date(2023, 3, 1),
            "GEZINSPLAN",
            date(2023, 3, 2),
            date(2023, 12, 1),
            "AFGEROND",
        ),
        # Bravo 2024: rows, but no trajectory.
        _row(10, "H", "BBB", date(2024, 2, 1), "CONSULT", date(2024, 2, 2)),
    ],
    schema=schemas.REGISTRATION,
)

# Charlie reports monthly counts only: no trajectories at all.
COUNTS = pl.DataFrame(
    [("CCC", date(2024, m, 1), "intakes", 7, "monthly_counts:CCC") for m in (1, 2, 3)],
    schema=schemas.AGGREGATE_REPORT,
    orient="row",
)

PARTNERS = pl.DataFrame(
    [
        (1, "AAA", date(2024, 1, 5), "CLB Alfa", "CLB"),
        (2, "AAA", date(2024, 5, 5), "CLB Alfa", "CLB"),
        (2, "AAA", date(2024, 5, 5), "CAW Alfa", "CAW"),
        (9, "AAA", date(2023, 3, 1), "CGG Alfa", "CGG"),
    ],
    schema=schemas.REGISTRATION_PARTNER,
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
            partners=PARTNERS,
            staffing=pl.DataFrame(schema=schemas.STAFFING),
            agreements=pl.DataFrame(schema=schemas.VOLUME_AGREEMENT),
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


def test_families_reached_are_distinct_families_with_a_trajectory_started_in_the_year() -> None:
    """Alfa reached families A, B and E in 2024 (E by its first contact in January), as
    indicators.reach computes; Bravo had rows but no trajectory: 0; Charlie only counts: '–'."""
    view = shown(reach_view(_inputs(), PERIOD))
    assert text(view, "bereikte-gezinnen").rows() == [
        ("Alfa", "2024", "3", "200", "1,5%"),
        ("Bravo", "2024", "0", "200", "0,0%"),
        ("Charlie", "2024", "–", "200", "–"),
    ]
    expected = families_reached(REGISTRATIONS).filter(
        (pl.col("region_code") == "AAA") & (pl.col("year") == 2024)
    )
    alfa = (
        values(view)
        .filter(pl.col("region_code") == "AAA")
        .with_columns(year=pl.col("year_label").cast(pl.Int32))
        .select(expected.columns)
    )
    assert_frame_equal(alfa, expected)


def test_monthly_counts_are_said_to_have_no_trajectories() -> None:
    """A note names Charlie 2024 as not available, and the trajectory without a family."""
    notes = shown(reach_view(_inputs(), PERIOD)).notes
    assert any(n.startswith("Charlie 2024:") and "niet beschikbaar" in n for n in notes)
    assert any(n.startswith("1 gestart traject zonder gezinsnummer") for n in notes)


def test_choosing_one_region_narrows() -> None:
    """Selecting Alfa leaves only Alfa in every table."""
    view = shown(reach_view(_inputs(), Selection(PERIOD.start, PERIOD.end, regions=("AAA",))))
    assert set(values(view)["region_code"]) == {"AAA"}
    tables = view.tables()
    assert len(tables) == 6
    for table in tables:
        assert set(table.values["region_code"]) == {"AAA"}, table.name


def test_trajectories_started_closed_ongoing_and_short_guidance() -> None:
    """Alfa started 5 trajectories in 2024 and closed 3; short guidance B closed within its 4
    months; A's second trajectory, the one without a family and E's (closed 1 September) are
    ongoing on 31 August, the last day of the last whole month."""
    view = shown(reach_view(_inputs(), PERIOD))
    alfa = values(view, "trajecten").filter(pl.col("region_code") == "AAA")
    assert alfa.select(
        "year_label",
        "started",
        "closed",
        "median_days",
        "short_closed",
        "short_within",
        "short_share",
    ).rows() == [("2024", 5, 3, 120.0, 1, 1, 1.0)]
    ongoing = values(view, "lopende-trajecten")
    assert ongoing.select("region_code", "ongoing").rows() == [("AAA", 3)]
    totals = values(view, "trajecten-per-regio")
    assert totals.select("region_code", "started", "closed", "ongoing").rows() == [("AAA", 5, 3, 3)]


def test_closure_reasons_and_further_care() -> None:
    """Of Alfa's 3 closures in 2024, one went to RTJ and one to NRTJ, labelled in Dutch."""
    view = shown(reach_view(_inputs(), PERIOD))
    flow = values(view, "doorstroom")
    assert flow.select("region_code", "year_label", "closed", "to_rtj", "to_nrtj").rows() == [
        ("AAA", "2024", 3, 1, 1)
    ]
    reasons = text(view, "redenen-van-afsluiting")
    assert set(reasons["Reden van afsluiting"]) == {
        "Afgerond",
        "Doorverwezen naar RTJ",
        "Doorverwezen naar NRTJ",
    }


def test_the_families_chart_has_the_target_line() -> None:
    """The families chart draws a line at 200 families and leaves out unavailable regions."""
    figures = charts(shown(reach_view(_inputs(), PERIOD)))
    fig = figures["Bereikte gezinnen per regio en jaar"]
    assert fig.layout.shapes[0].y0 == 200
    assert list(fig.data[0].x) == ["Alfa", "Bravo"]
    assert set(figures) == {
        "Bereikte gezinnen per regio en jaar",
        "Trajecten per regio",
        "Redenen van afsluiting",
    }


def test_no_data_is_empty_but_for_what_runs_today() -> None:
    """A year without any registration or count has no families, trajectories, closures or
    charts; only the trajectories ongoing today (any period: what runs today) are still shown,
    so the page shows that table rather than its empty state."""
    view = shown(reach_view(_inputs(), Selection(date(2020, 1, 1), date(2020, 12, 31))))
    assert {t.name for t in view.tables() if not t.is_empty} == {"lopende-trajecten"}
    assert values(view, "lopende-trajecten").select("region_code", "ongoing").rows() == [("AAA", 3)]
    assert charts(view) == {}
    assert not view.is_empty
