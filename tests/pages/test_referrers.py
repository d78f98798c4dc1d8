"""The Aanmelders page on a real demo store and on an empty one."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from reports.views.referrers import NOT_AVAILABLE
from tests.pages.conftest import PageOpener, frame_with, shown_tables


def _groups(at: AppTest):  # type: ignore[no-untyped-def]
    return frame_with(at, "Periode", "Aanmeldersgroep")


def _detail(at: AppTest):  # type: ignore[no-untyped-def]
    return frame_with(at, "Aanmelder")


def _total(at: AppTest) -> int:
    shown = _groups(at)
    return sum(int(v.replace(".", "")) for v in shown["Aanmeldingen"] if v != "–")


def test_it_renders_charts_tables_and_downloads(open_page: PageOpener) -> None:
    """It shows the title, the group and brede instap charts with their data within reach, two
    tables and their downloads."""
    at = open_page("referrers")
    assert not at.exception
    assert at.title[0].value == "Aanmelders"
    assert len(at.get("plotly_chart")) == 2
    assert len(at.expander) == 2  # each chart's data, whose tables are not listed on the page
    assert len(shown_tables(at)) == 4
    assert {b.label for b in at.get("download_button")} >= {"CSV downloaden", "XLSX downloaden"}
    assert list(_groups(at).columns) == [
        "Regio",
        "Periode",
        "Aanmeldersgroep",
        "Aanmeldingen",
        "Aandeel",
        "Bron",
    ]
    assert "Brede instap" in set(_groups(at)["Aanmeldersgroep"])


def test_choosing_one_region_narrows_the_tables(open_page: PageOpener) -> None:
    """Selecting Konekti leaves only Konekti in both tables, with fewer intakes than all regions."""
    at = open_page("referrers")
    everyone = _total(at)
    at.multiselect(key="regios").set_value(["KON"]).run()
    assert not at.exception
    assert set(_groups(at)["Regio"]) == {"Konekti"}
    assert set(_detail(at)["Regio"]) == {"Konekti"}
    assert 0 < _total(at) < everyone


def test_quarters_label_every_period_as_a_quarter(open_page: PageOpener) -> None:
    """Switching to quarters labels every period of the table as a quarter."""
    at = open_page("referrers")
    at.button_group(key="per").set_value("quarter").run()
    assert not at.exception
    assert all(" K" in p for p in _groups(at)["Periode"])


@pytest.mark.usefixtures("unpaged")
def test_monthly_counts_have_no_referrer_detail(open_page: PageOpener) -> None:
    """In 2020 Noord-Limburg reported monthly counts: groups are shown, referrers 'not available'."""
    at = open_page("referrers")
    at.select_slider(key="maanden").set_value((date(2020, 1, 1), date(2020, 12, 1))).run()
    assert not at.exception
    groups = _groups(at)
    limburg = groups[groups["Regio"] == "Gezin Centraal Noord-Limburg"]
    assert set(limburg["Bron"]) == {"maandtotalen"}
    detail = _detail(at)
    row = detail[detail["Regio"] == "Gezin Centraal Noord-Limburg"]
    assert list(row["Aanmelder"]) == [NOT_AVAILABLE]
    assert list(row["Aanmeldingen"]) == ["–"]


def test_empty_store_shows_the_empty_state(open_empty_page: PageOpener) -> None:
    """Without data the page says so instead of failing."""
    at = open_empty_page("referrers")
    assert not at.exception
    assert any("Geen gegevens" in i.value for i in at.info)
