"""Frozen quarters: only a beheerder freezes a closed quarter; later corrections show as changes."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine, select, update

from data_access.access import snapshots
from data_access.access.roles import Reader, reader_for
from data_access.access.scope import AccessError
from data_access.store import columnar
from data_access.store.models import Registration
from indicators.periods import add_months, quarter_bounds, quarter_of
from reports.publish.text import display
from reports.quarterly import (
    exact_key_figures,
    freeze_quarter,
    frozen_differences,
    quarter_selection,
    quarterly_report,
    report_inputs,
)
from tests import scopes
from tests.reports.views.frames import AUTUMN_TODAY, autumn_2026, hand_inputs, registrations

TODAY = date.today()
# A quarter the other report tests do not use: freezing it leaves their "Voorlopig" alone,
# whatever order (or xdist worker) the tests run in.
QUARTER = quarter_of(add_months(TODAY, -15))
BEHEERDER = "beheerder@demo.1g1p"


def _reader(engine: Engine, email: str) -> Reader:
    found = reader_for(engine, email)
    assert found is not None
    return found


def test_only_a_beheerder_freezes_a_closed_quarter(report_engine: Engine) -> None:
    """The stuurgroep is refused; an unfinished quarter cannot be frozen; a bad code is named."""
    with pytest.raises(AccessError, match="Alleen een beheerder"):
        freeze_quarter(
            report_engine, _reader(report_engine, "stuurgroep.kon@demo.1g1p"), QUARTER, TODAY
        )
    with pytest.raises(AccessError, match="nog niet afgelopen"):
        freeze_quarter(report_engine, _reader(report_engine, BEHEERDER), quarter_of(TODAY), TODAY)
    with pytest.raises(AccessError, match="geen kwartaal"):
        snapshots.parse_quarter("2025-3")


def test_a_correction_after_freezing_shows_as_a_difference(report_engine: Engine) -> None:
    """After freezing, turning one KON intake into a consult leaves the frozen value and shows
    the change in 'Gewijzigd sinds bevriezing'; the report is no longer provisional."""
    beheerder = _reader(report_engine, BEHEERDER)
    snapshot = freeze_quarter(report_engine, beheerder, QUARTER, TODAY)
    assert snapshots.frozen(report_engine, QUARTER, "KON") is not None
    start, end = quarter_bounds(QUARTER)
    with report_engine.begin() as conn:
        target = conn.scalar(
            select(Registration.id)
            .where(
                Registration.region_code == "KON",
                Registration.kind == "aanmelding",
                Registration.received_date.between(start, end),
            )
            .limit(1)
        )
        assert target is not None
        conn.execute(update(Registration).where(Registration.id == target).values(kind="consult"))
    columnar.invalidate(report_engine)  # changed by hand, not through an import
    try:
        inputs = report_inputs(report_engine, scopes.everything(), TODAY)
        diff = frozen_differences(inputs, snapshot, "KON")
        intakes = diff.filter(diff["figure"] == "intakes").row(0, named=True)
        assert intakes["changed"]
        assert intakes["current"] == intakes["frozen"] - 1
        report = quarterly_report(report_engine, beheerder, "KON", QUARTER, TODAY)
        assert not report.provisional
        table = next(t for t in report.chapters[0].tables() if t.name == "bevroren-kerncijfers")
        shown = display(table).filter(pl.col("Kengetal") == "Aanmeldingen")
        assert shown["Gewijzigd sinds bevriezing"].to_list() == ["-1"]
        assert "gewijzigd sinds de bevriezing" in " ".join(table.notes)
        # The other figure chapters are live figures, and say so (quality and feedback follow).
        figures = report.chapters[1:-2]
        assert figures and all("niet bevroren" in chapter.notes[0] for chapter in figures)
    finally:
        with report_engine.begin() as conn:
            conn.execute(
                update(Registration).where(Registration.id == target).values(kind="aanmelding")
            )
        columnar.invalidate(report_engine)


def test_a_frozen_rate_leaves_the_provisional_month_out() -> None:
    """The frozen key figures keep every month's counts so far, but their 'Binnen de maand'
    is the rate of the final months: October's 80 %, not one lifted by a November still
    full of lopende aanmeldingen."""
    inputs = hand_inputs(registrations(*autumn_2026()), today=AUTUMN_TODAY)
    row = exact_key_figures(inputs, quarter_selection("2026Q4", ())).row(0, named=True)
    assert (row["tijdig"], row["laat"]) == (8 + 42, 2 + 1)
    assert row["within_month"] == pytest.approx(0.8)
