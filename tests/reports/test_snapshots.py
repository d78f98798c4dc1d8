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
    freeze_quarter,
    frozen_differences,
    quarterly_report,
    report_inputs,
)
from tests import scopes

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
