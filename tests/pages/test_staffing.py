"""The Personeelsinzet page on a real demo store and on an empty one."""

from __future__ import annotations

import polars as pl
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import PageOpener, shown_tables


def _shown(at: AppTest, index: int = 0) -> pl.DataFrame:
    return pl.from_pandas(shown_tables(at)[index])


def test_it_renders_charts_tables_and_downloads(open_page: PageOpener) -> None:
    """It shows the title, four charts, the staffing, per-inhabitant, per-FTE and 2020 tables,
    each with its downloads."""
    at = open_page("staffing")
    assert not at.exception
    assert at.title[0].value == "Personeelsinzet"
    assert len(at.get("plotly_chart")) == 4
    assert len(shown_tables(at)) == 4
    assert list(_shown(at).columns) == ["Regio", "Kwartaal", "Functie", "VTE"]
    assert len(at.get("download_button")) == 8


def test_it_shows_quarters_even_when_months_are_chosen(open_page: PageOpener) -> None:
    """With the sidebar per month, FTE are still shown per whole quarter, in Dutch labels."""
    at = open_page("staffing")
    shown = _shown(at)
    assert all(" K" in q for q in shown["Kwartaal"])
    assert set(shown["Functie"]) <= {
        "Coördinatie",
        "Teammedewerker",
        "Eerstelijnspsycholoog",
        "Vrijwilligerscoach",
        "Uitbreiding regulier aanbod",
    }


def test_choosing_one_region_narrows_but_keeps_the_2020_reference(open_page: PageOpener) -> None:
    """Selecting Konekti leaves only Konekti's FTE; the 2020 table still lists 15 networks and
    the stated 208,79 VTE is explained next to it."""
    at = open_page("staffing")
    everyone = _shown(at).height
    at.multiselect(key="regios").set_value(["KON"]).run()
    assert not at.exception
    shown = _shown(at)
    assert set(shown["Regio"]) == {"Konekti"}
    assert 0 < shown.height < everyone
    assert set(_shown(at, 1)["Regio"]) == {"Konekti"}
    reference = _shown(at, 3)
    assert reference.height == 15
    assert "Trawant" in set(reference["Netwerk"])
    assert any("208,79" in c.value and "195,79" in c.value for c in at.caption)


def test_empty_store_shows_the_empty_state(open_empty_page: PageOpener) -> None:
    """Without staffing data the page says so, and still shows the 2020 reference table."""
    at = open_empty_page("staffing")
    assert not at.exception
    assert any("Geen gegevens" in i.value for i in at.info)
    assert len(shown_tables(at)) == 1
    assert _shown(at).height == 15
