"""The Datakwaliteit page on the demo store: passports, failing checks, records to fix, scope."""

from __future__ import annotations

from polars.testing import assert_frame_equal
from sqlalchemy import event
from streamlit.testing.v1 import AppTest

from data_access.access.roles import demo_readers
from data_access.settings import Settings
from data_access.store.engine import make_engine
from reports.publish.boundary import PublishedMetrics, PublishedView
from reports.service import Service
from reports.views.quality import quality_view
from tests.pages.conftest import PageOpener, shown_tables


def _table(at: AppTest, column: str):  # type: ignore[no-untyped-def]
    """The first shown table that has `column`."""
    return next(df for df in shown_tables(at) if column in df.columns)


def test_it_shows_passports_failing_checks_and_records(open_page: PageOpener) -> None:
    """The beheerder sees a passport per region, the demo's four failing checks with guidance,
    the offending record ids and the trend."""
    at = open_page("quality")
    assert not at.exception
    assert at.title[0].value == "Datakwaliteit"
    passports = _table(at, "Tijdigheid van aanlevering")
    below = dict(zip(passports["Regio"], passports["Onder de drempel"], strict=True))
    assert below["Plan-trekkers Oost-Limburg"] == "ja"  # its forgotten month
    assert below["Konekti"] == "nee"
    failing = _table(at, "Hoe oplossen in de bron")
    assert set(failing["Controle"]) == {
        "Aanmelder ingevuld",
        "Eerste contact niet vóór de aanmelding",
        "Elke maand aangeleverd",
        "Geen vermoedelijke dubbele registraties",
    }
    records = _table(at, "Dossiernummer of periode in de bron")
    assert "2023-03" in set(records["Dossiernummer of periode in de bron"])
    assert len(at.metric) == 5
    assert len(at.get("plotly_chart")) == 1
    assert at.button(key="controleer").label == "Controles nu uitvoeren"


def test_records_follow_the_readers_detail_scope(open_page: PageOpener) -> None:
    """A critical friend of Gent and Waas-Dender sees Gent's record ids and no other region's."""
    at = open_page("quality")
    at.selectbox(key="demogebruiker").set_value("friend@demo.1g1p").run()
    assert not at.exception
    records = _table(at, "Dossiernummer of periode in de bron")
    assert set(records["Regio"]) == {"Samen1Plan Gent-Scheldekracht"}
    assert not [b for b in at.button if b.key == "controleer"]  # only the beheerder runs checks


def test_the_button_runs_the_checks_again(open_page: PageOpener) -> None:
    """'Controles nu uitvoeren' runs the suites and the page shows the new run."""
    at = open_page("quality")
    before = next(c.value for c in at.caption if c.value.startswith("Laatste controle"))
    at.button(key="controleer").click().run()
    assert not at.exception
    after = next(c.value for c in at.caption if c.value.startswith("Laatste controle"))
    assert after != before and "(beheerder)" in after
    assert any("Kwaliteitscontrole" in i.value for i in at.info)


def test_figures_pages_carry_the_quality_caveat(open_page: PageOpener) -> None:
    """A region below the threshold gets a caveat beside its figures and in the export."""
    at = open_page("intakes")
    at.multiselect(key="regios").set_value(["GNT", "KON"]).run()
    caveats = [c.value for c in at.caption if c.value.startswith("Let op: de gegevenskwaliteit")]
    assert len(caveats) == 1 and "Samen1Plan Gent-Scheldekracht" in caveats[0]
    assert "volledigheid" in caveats[0]


def test_empty_store_says_no_checks_ran(open_empty_page: PageOpener) -> None:
    """Before any run the page says so instead of failing."""
    at = open_empty_page("quality")
    assert not at.exception
    assert any("nog geen kwaliteitscontroles" in i.value for i in at.info)


def test_a_stuurgroep_opens_on_its_own_passport_and_reads_why_no_reasons_show(
    open_page: PageOpener,
) -> None:
    """The stuurgroep of Konekti opens on Konekti's passport; its batches without rejected rows
    say so instead of 'no data'."""
    at = open_page("quality", demo_user="stuurgroep.kon@demo.1g1p")
    assert not at.exception
    assert at.selectbox(key="paspoort_regio-stuurgroep.kon@demo.1g1p").value == "KON"
    assert "Geen van deze batches heeft geweigerde rijen." in [c.value for c in at.caption]


def test_another_regions_passport_reads_nothing_but_the_data_version(
    demo_settings: Settings,
) -> None:
    """Datakwaliteit's runs, results and batches are read once per scope and data version: a
    passport of another region only publishes the page again from them, with that region's
    tiles, as building the page afresh gives."""

    engine = make_engine(demo_settings)
    reader = next(r for r in demo_readers(engine) if r.email.startswith("trekker"))
    service = Service(engine, demo_settings)
    first, second = list(service.quality_regions())[:2]
    service.quality(reader, first)
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        shown = service.quality(reader, second)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1, statements  # the data version
    afresh = service.published(reader, quality_view(engine, reader.scope, demo_settings, second))

    def tiles(view: PublishedView) -> list[tuple[str, str]]:
        blocks = [b for s in view.sections for b in s.blocks if isinstance(b, PublishedMetrics)]
        return [(t.label, t.value) for b in blocks for t in b.tiles]

    assert tiles(shown) == tiles(afresh) != tiles(service.quality(reader, first))
    for kept, made in zip(shown.tables(), afresh.tables(), strict=True):
        assert_frame_equal(kept.values, made.values)
