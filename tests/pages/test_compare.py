"""The Regio's vergelijken page on a real demo store and on an empty one."""

from __future__ import annotations

import polars as pl
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import PageOpener, shown_tables


def _shown(at: AppTest, index: int = 0) -> pl.DataFrame:
    return pl.from_pandas(shown_tables(at)[index])


def _centre(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Vlaamse waarde (middenlijn)"))


def test_it_renders_the_funnel_map_rates_multiples_and_ranks(open_page: PageOpener) -> None:
    """It shows the title, five charts, four tables with downloads and the basis statement."""
    at = open_page("compare")
    assert not at.exception
    assert at.title[0].value == "Regio's vergelijken"
    charts = at.get("plotly_chart")
    assert len(charts) == 5
    assert len(shown_tables(at)) == 4
    assert {b.label for b in at.get("download_button")} >= {"CSV downloaden", "XLSX downloaden"}
    assert list(_shown(at).columns)[:3] == ["Regio", "Teller", "Noemer"]
    assert any(c.value.startswith("Regiobasis: zoals toen georganiseerd") for c in at.caption)
    assert any("exacte binomiale grenzen" in c.value for c in at.caption)


def test_switching_the_indicator_moves_the_centre_line(open_page: PageOpener) -> None:
    """The timeliness rate and the GV share have different Flemish values and table headers."""
    at = open_page("compare")
    timely = _centre(at)
    assert "Binnen de maand" in _shown(at).columns
    at.selectbox(key="indicator").set_value("GV").run()
    assert not at.exception
    assert _centre(at) != timely
    assert "Aandeel aanmelder: gemandateerde voorzieningen" in _shown(at).columns


def test_switching_the_method_changes_the_limits_table(open_page: PageOpener) -> None:
    """Exact and normal limits differ in the table, and the chosen method is stated."""
    at = open_page("compare")
    exact = _shown(at)["Ondergrens 95%"].to_list()
    at.button_group(key="methode").set_value("normal").run()
    assert not at.exception
    assert _shown(at)["Ondergrens 95%"].to_list() != exact
    assert any("normale benadering" in c.value for c in at.caption)


def test_the_overdispersion_toggle_reports_phi(open_page: PageOpener) -> None:
    """With the correction on, the page states the overdispersion factor phi."""
    at = open_page("compare")
    assert not any("φ" in c.value for c in at.caption)
    at.toggle(key="overdispersie").set_value(True).run()
    assert not at.exception
    assert any("φ = " in c.value for c in at.caption)


def test_todays_basis_adds_the_unassigned_row(open_page: PageOpener) -> None:
    """Under today's regions the rows without municipality appear as 'Niet toe te wijzen'."""
    at = open_page("compare")
    at.radio(key="basis").set_value("today").run()
    assert not at.exception
    assert "Niet toe te wijzen" in _shown(at)["Regio"].to_list()
    assert any(c.value.startswith("Regiobasis: huidige regio's") for c in at.caption)


def test_empty_store_shows_the_empty_state(open_empty_page: PageOpener) -> None:
    """Without data the page says so instead of failing."""
    at = open_empty_page("compare")
    assert not at.exception
    assert any("Geen gegevens" in i.value for i in at.info)
