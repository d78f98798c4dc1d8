"""The Aanmeldingen page on a real demo store and on an empty one."""

from __future__ import annotations

from reports.selection import first_quarters
from tests.pages.conftest import PageOpener, shown_tables


def _total(at) -> int:  # type: ignore[no-untyped-def]
    shown = shown_tables(at)[0]
    return int(sum(int(v.replace(".", "")) for v in shown["Aanmeldingen"] if v != "–"))


def test_it_renders_charts_table_and_downloads(open_page: PageOpener) -> None:
    """It shows the title, three charts, two tables and their downloads without error."""
    at = open_page("intakes")
    assert not at.exception
    assert at.title[0].value == "Aanmeldingen"
    assert len(at.get("plotly_chart")) == 3
    assert len(shown_tables(at)) == 2
    assert {b.label for b in at.get("download_button")} >= {"CSV downloaden", "XLSX downloaden"}


def test_choosing_one_region_narrows_the_table(open_page: PageOpener) -> None:
    """Selecting Konekti leaves only Konekti's rows, with fewer intakes than all regions."""
    at = open_page("intakes")
    everyone = _total(at)
    at.multiselect(key="regios").set_value(["KON"]).run()
    assert set(shown_tables(at)[0]["Regio"]) == {"Konekti"}
    assert 0 < _total(at) < everyone


def test_quarters_sum_the_months(open_page: PageOpener) -> None:
    """Switching to quarters labels every period as a quarter, starting on the window the
    service prepares beside a first figure."""
    at = open_page("intakes")
    at.button_group(key="per").set_value("quarter").run()
    assert not at.exception
    assert tuple(at.select_slider(key="kwartalen").value) == first_quarters()
    periods = shown_tables(at)[0]["Periode"]
    assert all(" K" in p for p in periods)


def test_empty_store_shows_the_empty_state(open_empty_page: PageOpener) -> None:
    """Without data the page says so instead of failing."""
    at = open_empty_page("intakes")
    assert not at.exception
    assert any("Geen gegevens" in i.value for i in at.info)
