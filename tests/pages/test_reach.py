"""The Bereik en trajecten page on a real demo store and on an empty one."""

from __future__ import annotations

from datetime import date

import polars as pl
from streamlit.testing.v1 import AppTest

from data_access.access import reads
from data_access.reference import tables
from data_access.reference.codes import TRAJECTORY_TYPES
from data_access.settings import Settings
from data_access.store.engine import make_engine
from indicators.formatting import fmt_int
from indicators.periods import add_months, month_start
from tests import scopes
from tests.pages.conftest import TODAY, PageOpener, shown_tables

# The default selection ends with the last full month.
LAST_YEAR = add_months(month_start(TODAY), -1).year


def _shown(at: AppTest, index: int = 0) -> pl.DataFrame:
    return pl.from_pandas(shown_tables(at)[index])


def test_it_renders_charts_tables_and_downloads(open_page: PageOpener) -> None:
    """It shows the title, three charts and six tables (families, trajectories per region,
    ongoing, trajectories per year, closure reasons, further care), each with its downloads;
    the partner organisations have a page of their own."""
    at = open_page("reach")
    assert not at.exception
    assert at.title[0].value == "Bereik en trajecten"
    assert len(at.get("plotly_chart")) == 3
    assert len(shown_tables(at)) == 6
    assert list(_shown(at).columns) == [
        "Regio",
        "Jaar",
        "Gezinnen bereikt",
        "Doel: extra gezinnen per jaar",
    ]
    assert set(_shown(at)["Doel: extra gezinnen per jaar"]) == {"200"}
    assert len(at.get("download_button")) == 12


def test_choosing_one_region_narrows_to_its_distinct_families(
    open_page: PageOpener, demo_settings: Settings
) -> None:
    """Selecting the region that reached most families leaves only that region, and its
    families of the last selected year are the distinct families with a trajectory started then."""
    engine = make_engine(demo_settings)
    registrations = reads.registrations(engine, scopes.everything(), basis="then", today=TODAY)
    names = dict(tables.regions(engine).select("region_code", "region_name").iter_rows())
    engine.dispose()
    started = pl.coalesce("first_contact_date", "received_date").dt.year()
    families = (
        registrations.filter(
            (pl.col("kind") == "aanmelding")
            & pl.col("response_type").is_in(sorted(TRAJECTORY_TYPES))
            & pl.col("family_id").is_not_null()
            & (started == LAST_YEAR)
        )
        .group_by("region_code")
        .agg(pl.col("family_id").n_unique())
        .sort("family_id", "region_code", descending=True)
    )
    region, expected = families.row(0)

    at = open_page("reach")
    everyone = _shown(at).height
    at.multiselect(key="regios").set_value([region]).run()
    assert not at.exception
    shown = _shown(at)
    assert set(shown["Regio"]) == {names[region]}
    assert 0 < shown.height < everyone
    assert shown.filter(pl.col("Jaar") == str(LAST_YEAR))["Gezinnen bereikt"].to_list() == [
        fmt_int(expected)
    ]
    assert set(_shown(at, 5)["Regio"]) == {names[region]}


def test_monthly_counts_show_reach_as_not_available(open_page: PageOpener) -> None:
    """Noord-Limburg reported monthly counts in 2019: its families reached read '–', not 0,
    and a note says why."""
    at = open_page("reach")
    at.select_slider(key="maanden").set_value((date(2019, 1, 1), date(2019, 12, 1))).run()
    at.multiselect(key="regios").set_value(["NLI"]).run()
    assert not at.exception
    shown = _shown(at)
    assert shown.filter(pl.col("Jaar") == "2019")["Gezinnen bereikt"].to_list() == ["–"]
    assert any("niet beschikbaar" in c.value for c in at.caption)


def test_empty_store_shows_the_empty_state(open_empty_page: PageOpener) -> None:
    """Without data the page says so instead of failing."""
    at = open_empty_page("reach")
    assert not at.exception
    assert any("Geen gegevens" in i.value for i in at.info)
