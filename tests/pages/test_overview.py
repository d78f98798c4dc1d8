"""The Overzicht page on a real demo store and on an empty one."""

from __future__ import annotations

from datetime import date

import polars as pl
from streamlit.testing.v1 import AppTest

from data_access.access import reads
from data_access.settings import Settings
from data_access.store.engine import make_engine
from indicators.formatting import fmt_int
from tests import scopes
from tests.pages.conftest import PageOpener, shown_tables


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _intakes_in_store(settings: Settings, start: date, end: date) -> int:
    """Aanmeldingen received in [start, end], counted straight from the store: rows, plus the
    monthly counts of region-months without rows."""
    engine = make_engine(settings)
    try:
        rows = reads.registrations(engine, scopes.everything(), start=start, end=end)
        counts = reads.aggregate_reports(engine, scopes.everything())
    finally:
        engine.dispose()
    with_rows = rows.select(
        "region_code", pl.col("received_date").dt.truncate("1mo").alias("month")
    ).unique()
    from_counts = (
        counts.filter((pl.col("measure") == "intakes") & pl.col("month").is_between(start, end))
        .join(with_rows, on=["region_code", "month"], how="anti")["value"]
        .sum()
    )
    return rows.filter(pl.col("kind") == "aanmelding").height + int(from_counts)


def test_it_renders_tiles_chart_table_and_downloads(open_page: PageOpener) -> None:
    """It shows the title, seven key figures with changes, one chart and the region table."""
    at = open_page("overview")
    assert not at.exception
    assert at.title[0].value == "Overzicht"
    assert {m.label for m in at.metric} == {
        "Aanmeldingen",
        "Consultvragen",
        "Binnen de maand opgenomen",
        "Brede instap",
        "Aanmeldingen via GV",
        "Aanmeldingen via SDJ",
        "Gezinnen bereikt",
    }
    assert all(m.delta.endswith("t.o.v. vorige periode") for m in at.metric)
    # Twelve months: the previous period is last year's, so each change is shown once.
    assert not any(c.value.endswith("t.o.v. zelfde periode vorig jaar") for c in at.caption)
    assert "Δ vorig jaar" not in shown_tables(at)[0].columns
    assert len(at.get("plotly_chart")) == 1
    shown = shown_tables(at)[0]
    assert shown["Regio"].iloc[0] == "Vlaanderen (totaal)"
    assert shown["Aanmeldingen"].iloc[0] == _metric(at, "Aanmeldingen")
    assert {b.label for b in at.get("download_button")} >= {"CSV downloaden", "XLSX downloaden"}


def test_changing_the_period_changes_the_flanders_intakes(
    open_page: PageOpener, demo_settings: Settings
) -> None:
    """The Flanders intake tile equals the aanmeldingen counted in the store for the months chosen."""
    at = open_page("overview")
    before = _metric(at, "Aanmeldingen")
    start, end = date(2020, 1, 1), date(2020, 6, 1)
    at.select_slider(key="maanden").set_value((start, end)).run()
    assert not at.exception
    expected = _intakes_in_store(demo_settings, start, date(2020, 6, 30))
    assert _metric(at, "Aanmeldingen") == fmt_int(expected)
    assert _metric(at, "Aanmeldingen") != before
    # Six months: the previous period and last year differ, and both are shown.
    assert any(c.value.endswith("t.o.v. zelfde periode vorig jaar") for c in at.caption)
    assert {"Δ vorige periode", "Δ vorig jaar"} <= set(shown_tables(at)[0].columns)


def test_choosing_regions_totals_only_those(open_page: PageOpener) -> None:
    """With Konekti and Gent chosen, the table holds their total, each, and Flanders last."""
    at = open_page("overview")
    at.multiselect(key="regios").set_value(["KON", "GNT"]).run()
    shown = shown_tables(at)[0]
    assert shown["Regio"].tolist() == [
        "Geselecteerde regio's (totaal)",
        "Konekti",
        "Samen1Plan Gent-Scheldekracht",
        "Vlaanderen (totaal)",
    ]
    assert shown["Aanmeldingen"].iloc[0] == _metric(at, "Aanmeldingen")
    total, konekti, gent, flanders = (_number(v) for v in shown["Aanmeldingen"])
    assert total == gent + konekti < flanders


def test_a_stuurgroep_opens_on_its_region_with_flanders_as_the_comparison(
    open_page: PageOpener,
) -> None:
    """The stuurgroep of Konekti starts on Konekti: its row, then Flanders; each tile names the
    Flemish figure beside Konekti's."""
    at = open_page("overview", demo_user="stuurgroep.kon@demo.1g1p")
    assert not at.exception
    shown = shown_tables(at)[0]
    assert shown["Regio"].tolist() == ["Konekti", "Vlaanderen (totaal)"]
    assert _metric(at, "Aanmeldingen") == shown["Aanmeldingen"].iloc[0]
    flanders = shown["Aanmeldingen"].iloc[1]
    assert f"Vlaanderen: {flanders}" in [c.value for c in at.caption]
    assert _number(flanders) > _number(shown["Aanmeldingen"].iloc[0])


def _number(text: str) -> int:
    return int(text.replace(".", ""))


def test_empty_store_shows_the_empty_state(open_empty_page: PageOpener) -> None:
    """Without data the page says so instead of failing."""
    at = open_empty_page("overview")
    assert not at.exception
    assert any("Geen gegevens" in i.value for i in at.info)
    assert not at.metric
