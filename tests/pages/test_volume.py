"""The Volumeafspraken GV/SDJ page on a real demo store and on an empty one."""

from __future__ import annotations

import polars as pl
from streamlit.testing.v1 import AppTest

from data_access.access import reads
from data_access.reference import tables
from data_access.settings import Settings
from data_access.store.engine import make_engine
from indicators.formatting import fmt_int
from indicators.periods import add_months, month_start
from tests import scopes
from tests.pages.conftest import TODAY, PageOpener, shown_tables

# The default selection: the last twelve full months.
FIRST_YEAR = add_months(month_start(TODAY), -12).year
LAST_YEAR = add_months(month_start(TODAY), -1).year


def _shown(at: AppTest) -> pl.DataFrame:
    return pl.from_pandas(shown_tables(at)[0])


def test_it_renders_charts_table_and_downloads(open_page: PageOpener) -> None:
    """It shows the title, the GV, SDJ and progress charts, the table and its downloads."""
    at = open_page("volume")
    assert not at.exception
    assert at.title[0].value == "Volumeafspraken GV/SDJ"
    assert len(at.get("plotly_chart")) == 3
    assert len(shown_tables(at)) == 1
    assert list(_shown(at).columns) == [
        "Regio",
        "Jaar",
        "Partij",
        "Afgesproken",
        "Gerealiseerd",
        "Voortgang (%)",
        "Pro-rata doel",
        "Voortgang t.o.v. pro rata (%)",
        "Verwacht jaareinde",
        "Bron",
    ]
    assert {b.label for b in at.get("download_button")} >= {"CSV downloaden", "XLSX downloaden"}


def test_it_shows_the_whole_years_of_the_period(open_page: PageOpener) -> None:
    """Every calendar year the last twelve months touch is shown whole, and the page says so."""
    at = open_page("volume")
    assert set(_shown(at)["Jaar"]) == {str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)}
    assert any("hele jaren" in c.value for c in at.caption)


def test_choosing_one_region_narrows_to_its_realised_gv_intakes(
    open_page: PageOpener, demo_settings: Settings
) -> None:
    """Selecting the region with the most GV referrals leaves only that region, whose realised
    GV number for the last selected year is the count of its GV-referred aanmeldingen then."""
    engine = make_engine(demo_settings)
    registrations = reads.registrations(engine, scopes.everything(), basis="then", today=TODAY)
    names = dict(tables.regions(engine).select("region_code", "region_name").iter_rows())
    engine.dispose()
    gv = (
        registrations.filter(
            (pl.col("kind") == "aanmelding")
            & (pl.col("referrer") == "GV")
            & (pl.col("received_date").dt.year() == LAST_YEAR)
        )
        .group_by("region_code")
        .len()
        .sort("len", "region_code", descending=True)
    )
    region, expected = gv.row(0)
    assert expected > 0

    at = open_page("volume")
    everyone = _shown(at).height
    at.multiselect(key="regios").set_value([region]).run()
    shown = _shown(at)
    assert set(shown["Regio"]) == {names[region]}
    assert 0 < shown.height < everyone
    row = shown.filter((pl.col("Jaar") == str(LAST_YEAR)) & (pl.col("Partij") == "GV"))
    assert row["Gerealiseerd"].to_list() == [fmt_int(expected)]


def test_empty_store_shows_the_empty_state(open_empty_page: PageOpener) -> None:
    """Without data the page says so instead of failing."""
    at = open_empty_page("volume")
    assert not at.exception
    assert any("Geen gegevens" in i.value for i in at.info)
