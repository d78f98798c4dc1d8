"""The Tijdige opname page on a real demo store and on an empty one."""

from __future__ import annotations

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from data_access.settings import Settings
from data_access.store.engine import make_engine
from indicators.formatting import month_label
from indicators.periods import months_between
from indicators.response_time import (
    Rule,
    final_on,
    rule_comparison,
    timeliness_by_region_month,
)
from reports.inputs import load_inputs
from reports.selection import Selection
from tests import scopes
from tests.pages.conftest import TODAY, PageOpener, shown_tables


def _shown(at: AppTest, index: int = 0) -> pl.DataFrame:
    return pl.from_pandas(shown_tables(at)[index])


def _number(value: str) -> int:
    return int(value.replace(".", ""))


def _expected_counts(settings: Settings, at: AppTest, rule: Rule) -> dict[str, tuple[int, int]]:
    """Region name → (tijdig, laat) over the page's selected period, from the indicator."""
    start, end = at.select_slider(key="maanden").value
    engine = make_engine(settings)
    inputs = load_inputs(engine, scopes.everything(), "then", TODAY)
    engine.dispose()
    selection = Selection(start, end)
    counts = timeliness_by_region_month(
        inputs.registrations.filter(selection.in_period()),
        inputs.aggregates.filter(selection.in_period("month")),
        TODAY,
        rule,
    )
    names = inputs.region_names()
    totals = counts.group_by("region_code").agg(pl.col("tijdig").sum(), pl.col("laat").sum())
    return {names[code]: (tijdig, laat) for code, tijdig, laat in totals.iter_rows()}


def _shown_counts(at: AppTest) -> dict[str, tuple[int, int]]:
    shown = _shown(at).with_columns(
        pl.col("Tijdig", "Laat").str.replace_all(".", "", literal=True).cast(pl.Int64)
    )
    totals = shown.group_by("Regio").agg(pl.col("Tijdig").sum(), pl.col("Laat").sum())
    return {region: (tijdig, laat) for region, tijdig, laat in totals.iter_rows()}


def test_it_renders_charts_tables_and_downloads(open_page: PageOpener) -> None:
    """It shows the title, the rate and days charts, five tables and their downloads."""
    at = open_page("response_time")
    assert not at.exception
    assert at.title[0].value == "Tijdige opname"
    assert len(at.get("plotly_chart")) == 2
    assert len(shown_tables(at)) == 5
    assert {b.label for b in at.get("download_button")} >= {"CSV downloaden", "XLSX downloaden"}
    assert list(_shown(at).columns) == [
        "Regio",
        "Periode",
        "Tijdig",
        "Laat",
        "Vervallen",
        "Lopend",
        "Binnen de maand (%)",
        "Status",
        "Bron",
    ]
    assert any("in detail mag zien" in c.value for c in at.caption)
    assert _shown(at, 4).columns[0] == "Dossiernummer"


@pytest.mark.usefixtures("unpaged")
def test_switching_the_rule_recounts_every_region(
    open_page: PageOpener, demo_settings: Settings
) -> None:
    """The table shows the calendar-month counts, and after switching the 30-day counts."""
    at = open_page("response_time")
    assert _shown_counts(at) == _expected_counts(demo_settings, at, "calendar_month")
    at.button_group(key="regel").set_value("30_days").run()
    assert not at.exception
    assert "Binnen 30 dagen (%)" in _shown(at).columns
    assert "Binnen de maand (%)" not in _shown(at).columns
    assert _shown_counts(at) == _expected_counts(demo_settings, at, "30_days")
    assert any("Regel: 30 dagen" in c.value for c in at.caption)


def test_the_comparison_puts_both_rules_side_by_side(
    open_page: PageOpener, demo_settings: Settings
) -> None:
    """The comparison table shows, per region, the indicator's counts under both rules over
    the months final under both (a provisional month would lift both rates)."""
    at = open_page("response_time")
    start, end = at.select_slider(key="maanden").value
    engine = make_engine(demo_settings)
    inputs = load_inputs(engine, scopes.everything(), "then", TODAY)
    engine.dispose()
    final = [
        m
        for m in months_between(start, end)
        if max(final_on(m, "calendar_month"), final_on(m, "30_days")) <= TODAY
    ]
    expected = rule_comparison(
        inputs.registrations.filter(
            Selection(start, end).in_period()
            & pl.col("received_date").dt.truncate("1mo").is_in(final)
        ),
        TODAY,
    )
    shown = _shown(at, 1)
    names = inputs.region_names()
    assert list(shown["Regio"]) == [names[c] for c in expected["region_code"]]
    assert [_number(v) for v in shown["Beoordeeld (kalendermaand)"]] == expected[
        "n_calendar_month"
    ].to_list()
    assert [_number(v) for v in shown["Beoordeeld (30 dagen)"]] == expected["n_30_days"].to_list()


def test_choosing_one_region_narrows_every_table(open_page: PageOpener) -> None:
    """Selecting Konekti leaves only Konekti's rows in the tables and fewer assessed intakes."""
    at = open_page("response_time")
    everyone = sum(t + late for t, late in _shown_counts(at).values())
    at.multiselect(key="regios").set_value(["KON"]).run()
    assert not at.exception
    assert set(_shown(at)["Regio"]) == {"Konekti"}
    assert set(_shown(at, 1)["Regio"]) == {"Konekti"}
    assert 0 < sum(t + late for t, late in _shown_counts(at).values()) < everyone


def test_quarters_label_every_period_as_a_quarter(open_page: PageOpener) -> None:
    """Switching to quarters labels every period of the table as a quarter."""
    at = open_page("response_time")
    at.button_group(key="per").set_value("quarter").run()
    assert not at.exception
    assert all(" K" in p for p in _shown(at)["Periode"])


def test_empty_store_shows_the_empty_state(open_empty_page: PageOpener) -> None:
    """Without data the page says so instead of failing."""
    at = open_empty_page("response_time")
    assert not at.exception
    assert any("Geen gegevens" in i.value for i in at.info)


def test_the_last_month_is_marked_provisional_while_its_window_is_open(
    open_page: PageOpener,
) -> None:
    """A stuurgroep member sees 'voorlopig' exactly on the months whose one-month window has
    not closed today, and the legend under the page says what it means."""
    at = open_page("response_time")
    shown = _shown(at)
    start, end = at.select_slider(key="maanden").value
    open_months = {
        month_label(m)
        for m in months_between(start, end)
        if final_on(m) > TODAY  # the window of month m closes on final_on(m) − 1 day
    }
    marked = set(shown.filter(pl.col("Status") == "voorlopig")["Periode"])
    assert marked == open_months
    assert set(shown.filter(pl.col("Status") == "")["Periode"]).isdisjoint(open_months)
    if open_months:
        assert any("'voorlopig': de termijn van één maand loopt nog" in c.value for c in at.caption)


def test_no_note_is_said_twice(open_page: PageOpener) -> None:
    """A table's note that its section's paragraph said already is not repeated below it."""
    at = open_page("response_time", demo_user="stuurgroep.kon@demo.1g1p")
    captions = [c.value for c in at.caption]
    assert len(captions) == len(set(captions)), captions
