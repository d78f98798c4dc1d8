"""Who sees what on every page: no row-level data of a region outside the reader's scope."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data_access.access import reads
from data_access.access.roles import DEMO_USERS
from data_access.settings import Settings
from data_access.store.engine import make_engine
from tests import scopes
from tests.pages.conftest import PageOpener, frame_with, shown_tables

FIGURE_PAGES = ["overview", "intakes", "response_time", "referrers", "volume", "staffing", "reach"]
DETAIL = {
    "beheerder@demo.1g1p": None,
    "trekker@demo.1g1p": set(),
    "stuurgroep.kon@demo.1g1p": {"KON"},
    "friend@demo.1g1p": {"GNT", "WAD"},
}


def _cells(at: AppTest) -> set[str]:
    return {str(v) for frame in shown_tables(at) for column in frame.columns for v in frame[column]}


def _identifiers_outside(settings: Settings, detail: set[str] | None) -> set[str]:
    engine = make_engine(settings)
    stored = reads.registrations(engine, scopes.everything())
    engine.dispose()
    if detail is None:
        return set()
    outside = stored.filter(~stored["region_code"].is_in(list(detail)))
    return set(outside["source_record_id"]) | set(outside["family_id"])


def test_the_demo_users_cover_every_role() -> None:
    """The demo picker offers one user per role."""
    assert {role for _, _, role, _ in DEMO_USERS} == {
        "beheerder",
        "trekkersgroep",
        "stuurgroep",
        "critical_friend",
    }


@pytest.mark.parametrize("email", list(DETAIL))
@pytest.mark.parametrize("page", FIGURE_PAGES)
def test_no_page_shows_row_level_data_outside_the_scope(
    open_page: PageOpener, demo_settings: Settings, page: str, email: str
) -> None:
    """Every figure page renders for every role and shows no record id or pseudonym of a
    region outside the reader's detail scope."""
    at = open_page(page, demo_user=email)
    assert not at.exception
    assert not _cells(at) & _identifiers_outside(demo_settings, DETAIL[email])


def test_the_overdue_list_holds_only_the_own_region(open_page: PageOpener) -> None:
    """A stuurgroep sees the open registrations past their deadline of its own region only."""
    at = open_page("response_time", demo_user="stuurgroep.kon@demo.1g1p")
    overdue = [f for f in shown_tables(at) if "Dossiernummer" in f.columns]
    assert overdue
    assert set(overdue[0]["Regio"]) <= {"Konekti"}


def test_small_counts_of_other_regions_are_hidden_for_the_trekkersgroep(
    open_page: PageOpener,
) -> None:
    """The trekkersgroep sees every region aggregated: small counts read '<5', never 1–4."""
    at = open_page("intakes", demo_user="trekker@demo.1g1p")
    at.button_group(key="per").set_value("month").run()
    main = shown_tables(at)[0]
    consults = set(main["Consultvragen"])
    assert not consults & {"1", "2", "3", "4"}
    nature = shown_tables(at)[1]
    assert "<5" in set(nature["Aanmeldingen"])
    assert any("'<5'" in c.value for c in at.caption)


@pytest.mark.parametrize(
    "email", ["trekker@demo.1g1p", "stuurgroep.kon@demo.1g1p", "friend@demo.1g1p"]
)
def test_only_the_beheerder_imports_and_reads_the_audit_trail(
    open_page: PageOpener, email: str
) -> None:
    """The admin pages refuse every other role with a Dutch message and show no tables."""
    for page in ("import", "users"):
        at = open_page(page, demo_user=email)
        assert not at.exception
        assert any("Alleen een beheerder" in e.value for e in at.error)
        assert not shown_tables(at)


def test_the_beheerder_sees_users_and_the_audit_trail(open_page: PageOpener) -> None:
    """Logins are audited and visible on the beheerder's page."""
    open_page("intakes", demo_user="stuurgroep.kon@demo.1g1p")
    at = open_page("users", demo_user="beheerder@demo.1g1p")
    assert not at.exception
    audit = shown_tables(at)[1]
    assert "stuurgroep.kon@demo.1g1p" in set(audit["Wie"])
    assert "Aanmelding (demo)" in set(audit["Actie"])


def test_an_unknown_login_gets_nothing(open_empty_page: PageOpener) -> None:
    """A logged-in e-mail without a user in the store sees a message and no figures."""
    at = open_empty_page("intakes", as_user="onbekend@elders.be")
    assert not at.exception
    assert any("Geen toegang" in e.value for e in at.error)
    assert not shown_tables(at) and not at.get("plotly_chart")


def test_demo_mode_refuses_a_store_with_real_data(
    open_empty_page: PageOpener, empty_settings: Settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """After a real (non-demo) import the demo picker is refused with a Dutch explanation."""
    from data_access.ingest.pipeline import import_file

    path = tmp_path / "echt.csv"
    path.write_text(
        "registration_id,family_id,region_code,nis_code,kind,received_date,first_contact_date,closed_date,"
        "referrer,request_nature,response_type,closure_reason,child_age,partners\n"
        "R1,F1,KON,34022,aanmelding,2022-01-31,,,CLB,OPVOEDING,,,12,\n"
    )
    engine = make_engine(empty_settings)
    import_file(engine, empty_settings, path, "uniform")
    engine.dispose()
    at = open_empty_page("intakes")
    assert any("echte gegevens" in e.value for e in at.error)
    assert not shown_tables(at)


def test_a_critical_friend_writes_versions_the_stuurgroep_reads_them(open_page: PageOpener) -> None:
    """A note saved twice keeps both versions; the region's readers see them, others do not."""
    at = open_page("feedback", demo_user="friend@demo.1g1p")
    assert not at.exception
    at.selectbox(key="feedback_regio").set_value("GNT").run()
    at.selectbox(key="feedback_kwartaal").set_value("2025Q4").run()
    for text in ("Sterke groei van de aanmeldingen.", "Sterke groei; let op de wachttijd."):
        at.text_area[0].set_value(text)  # inside a form: sent with the submit click
        at.button[0].click().run()
    table = shown_tables(at)[0]
    assert table["Versie"].tolist() == ["2", "1"]
    assert table["Feedback"].tolist()[0] == "Sterke groei; let op de wachttijd."
    other = open_page("feedback", demo_user="stuurgroep.kon@demo.1g1p")
    assert set(other.selectbox(key="feedback_regio").options) == {"Konekti"}


def test_a_critical_friend_marks_a_version_for_the_report(open_page: PageOpener) -> None:
    """The checkbox 'Voor het rapport' marks the saved version; the table says which is marked."""
    at = open_page("feedback", demo_user="friend@demo.1g1p")
    at.selectbox(key="feedback_regio").set_value("WAD").run()
    at.selectbox(key="feedback_kwartaal").set_value("2025Q3").run()
    at.text_area[0].set_value("Werkversie.")
    at.button[0].click().run()
    at.text_area[0].set_value("Klaar voor de stuurgroep.")
    at.checkbox(key="feedback_rapport").check()
    at.button[0].click().run()
    assert not at.exception
    table = shown_tables(at)[0]
    assert table["Versie"].tolist() == ["2", "1"]
    assert table["Voor het rapport"].tolist() == ["ja", "nee"]
    assert "Voor het rapport" in at.checkbox(key="feedback_rapport").label


@pytest.mark.parametrize("email", ["trekker@demo.1g1p", "stuurgroep.kon@demo.1g1p"])
def test_the_cli_obeys_the_users_scope(
    open_page: PageOpener, demo_settings: Settings, email: str
) -> None:
    """`1g1p indicator --as` shows other regions only under disclosure control, never their ids."""
    from typer.testing import CliRunner

    from cli import app as cli_app
    from data_access.settings import get_settings

    open_page("intakes", demo_user=email)  # creates the demo users in the store
    get_settings.cache_clear()
    result = CliRunner().invoke(
        cli_app,
        [
            "indicator",
            "intakes",
            "--from",
            "2019-01",
            "--to",
            "2019-06",
            "--as",
            email,
            "--format",
            "csv",
        ],
        env={"MONITOR_DATA_DIR": str(demo_settings.data_dir), "DATABASE_URL": demo_settings.url},
    )
    assert result.exit_code == 0, result.output
    assert "<5" in result.stdout or "x" in result.stdout.split(";")
    assert not set(result.stdout.replace("\n", ";").split(";")) & _identifiers_outside(
        demo_settings, DETAIL[email]
    )
    refused = CliRunner().invoke(
        cli_app,
        ["indicator", "intakes", "--from", "2019-01", "--to", "2019-06", "--as", "niemand@x.be"],
        env={"MONITOR_DATA_DIR": str(demo_settings.data_dir), "DATABASE_URL": demo_settings.url},
    )
    assert refused.exit_code == 1


def _regions_shown(at: AppTest) -> set[str]:
    return set(frame_with(at, "Regio", "Periode")["Regio"]) - {"Vlaanderen (totaal)"}


@pytest.mark.usefixtures("unpaged")
def test_a_stuurgroep_starts_on_its_own_region_with_flanders_a_click_away(
    open_page: PageOpener,
) -> None:
    """The stuurgroep of Konekti opens on Konekti; 'Heel Vlaanderen' shows every region."""
    at = open_page("intakes", demo_user="stuurgroep.kon@demo.1g1p")
    switcher = at.radio(key="regio-stuurgroep.kon@demo.1g1p")
    assert switcher.value == "KON"
    assert _regions_shown(at) == {"Konekti"}
    switcher.set_value("_vlaanderen").run()
    assert len(_regions_shown(at)) > 10


@pytest.mark.usefixtures("unpaged")
def test_a_critical_friend_starts_on_its_assigned_regions_and_switches_between_them(
    open_page: PageOpener,
) -> None:
    """The critical friend of Gent and Waas-Dender opens on both, and can pick either one."""
    at = open_page("intakes", demo_user="friend@demo.1g1p")
    switcher = at.radio(key="regio-friend@demo.1g1p")
    assert switcher.options[:3] == [
        "Samen1Plan Gent-Scheldekracht",
        "Krachtgerichte RTJ Waas en Dender",
        "Mijn regio's samen",
    ]
    assert _regions_shown(at) == {
        "Samen1Plan Gent-Scheldekracht",
        "Krachtgerichte RTJ Waas en Dender",
    }
    switcher.set_value("WAD").run()
    assert _regions_shown(at) == {"Krachtgerichte RTJ Waas en Dender"}


@pytest.mark.usefixtures("unpaged")
def test_the_trekkersgroep_starts_on_all_regions(open_page: PageOpener) -> None:
    """The trekkersgroep has no switcher: it opens on every region of Flanders."""
    at = open_page("intakes", demo_user="trekker@demo.1g1p")
    assert not [r for r in at.radio if r.label == "Regio"]
    assert len(_regions_shown(at)) > 10
