"""The Importeren page: uploading a file, its summary and quarantine, and the batch list."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_access.access import reads
from data_access.access.roles import add_user
from data_access.ingest.pipeline import import_file
from data_access.settings import Settings
from data_access.store.engine import make_engine
from tests.pages.conftest import PageOpener, shown_tables

HEADER = (
    "registration_id,family_id,region_code,nis_code,kind,received_date,first_contact_date,"
    "closed_date,referrer,request_nature,response_type,closure_reason,child_age,partners"
)
GOOD = "R1,F1,KON,34022,aanmelding,2022-01-31,2022-02-20,2022-06-01,CLB,OPVOEDING,GEZINSPLAN,AFGEROND,12,"
BAD = GOOD.replace("R1,F1", "R2,F2").replace(",CLB,", ",BUURMAN,")
UPLOAD = f"{HEADER}\n{GOOD}\n{BAD}\n".encode()


def _upload(at: AppTest, name: str, data: bytes, source: str = "uniform") -> AppTest:
    at.file_uploader(key="bestand").set_value((name, data, "text/csv"))
    at.selectbox(key="bron").set_value(source)
    at.run()
    at.button(key="importeer").click().run()
    return at


def _data_version(settings: Settings) -> int:
    engine = make_engine(settings)
    try:
        return reads.data_version(engine)
    finally:
        engine.dispose()


def test_it_renders_the_form_and_the_batch_list(open_page: PageOpener) -> None:
    """On the demo store: title, upload form with every profile, the batches and their downloads."""
    at = open_page("import")
    assert not at.exception
    assert at.title[0].value == "Importeren"
    assert {
        "Uniform registratieformaat (CSV of XLSX)",
        "Export uit een dossierpakket (legacy)",
        "Maandtotalen zonder dossiers (legacy)",
    } <= set(at.selectbox(key="bron").options)
    assert at.button(key="importeer").disabled  # nothing uploaded yet
    shown = shown_tables(at)[0]
    assert {"Bestand", "Gelezen", "Aanvaard", "Geweigerd", "Dubbel", "Door", "Ingelezen op"} <= set(
        shown.columns
    )
    assert {b.label for b in at.get("download_button")} >= {"CSV downloaden", "XLSX downloaden"}


def test_an_upload_is_imported_with_summary_counts_and_quarantine(
    open_empty_page: PageOpener, empty_settings: Settings
) -> None:
    """Uploading a file with one bad row imports the good one, shows the counts and quarantines the bad."""
    at = open_empty_page("import")
    version = _data_version(empty_settings)
    _upload(at, "konekti.csv", UPLOAD)
    assert not at.exception
    assert not at.error
    summary = next(w.value for w in at.warning if "konekti.csv" in w.value)
    assert "2 rijen gelezen, 1 aanvaard" in summary and "1 geweigerd" in summary
    # The first rejected lines as a Markdown list, each with its line and column.
    assert (
        "Eerste geweigerde regels:\n- regel 3, kolom referrer: onbekende code 'BUURMAN'" in summary
    )
    assert {m.label: m.value for m in at.metric} == {
        "Gelezen": "2",
        "Aanvaard": "1",
        "Geweigerd": "1",
        "Dubbel": "0",
    }
    quarantine = shown_tables(at)[0]
    assert quarantine["Regel"].tolist() == ["3"]
    assert "BUURMAN" in quarantine["Reden"].iloc[0]
    batches = shown_tables(at)[1]
    assert batches["Bestand"].tolist() == ["konekti.csv"]
    assert batches["Door"].tolist() == ["beheerder@demo.1g1p"]  # the demo beheerder
    assert _data_version(empty_settings) != version  # other pages re-read their data


def test_a_wrong_file_shows_a_dutch_error_not_a_traceback(open_empty_page: PageOpener) -> None:
    """A file without the profile's columns gives st.error naming file and columns."""
    at = _upload(open_empty_page("import"), "verkeerd.csv", b"a;b\n1;2\n")
    assert not at.exception
    assert "Import mislukt" in at.error[0].value
    assert "verkeerd.csv, regel 1" in at.error[0].value
    assert any("nog geen bestanden" in i.value for i in at.info)


def test_a_source_without_region_column_needs_a_region(open_empty_page: PageOpener) -> None:
    """For a legacy export without region column the button waits for a region."""
    at = open_empty_page("import")
    at.file_uploader(key="bestand").set_value(("export.csv", b"x\n", "text/csv"))
    at.selectbox(key="bron").set_value("case_tool").run()
    assert at.button(key="importeer").disabled
    at.selectbox(key="regio").set_value("GNT").run()
    assert not at.button(key="importeer").disabled


def test_an_earlier_batch_quarantine_can_be_viewed(
    open_empty_page: PageOpener, empty_settings: Settings, tmp_path: Path
) -> None:
    """A batch imported earlier (here by import_file) is listed and its quarantine can be opened."""
    path = tmp_path / "eerder.csv"
    path.write_bytes(UPLOAD)
    engine = make_engine(empty_settings)
    batch = import_file(engine, empty_settings, path, "uniform", user="cli").batch_id
    # A store with real imports refuses demo mode: look as a logged-in beheerder instead.
    add_user(engine, "beheerder@example.be", "Beheerder", "beheerder", actor="test")
    engine.dispose()
    at = open_empty_page("import", as_user="beheerder@example.be")
    assert not at.exception
    assert shown_tables(at)[0]["Bestand"].tolist() == ["eerder.csv"]
    assert at.selectbox(key="quarantaine").value == batch
    assert shown_tables(at)[1]["Regel"].tolist() == ["3"]
    assert {"quarantine-csv", "quarantine-xlsx"} <= {b.key for b in at.get("download_button")}


def test_empty_store_says_nothing_was_imported(open_empty_page: PageOpener) -> None:
    """Without any import the page shows the form and says no file was read yet."""
    at = open_empty_page("import")
    assert not at.exception
    assert any("nog geen bestanden" in i.value for i in at.info)
    assert not shown_tables(at)


def test_a_dry_run_shows_what_would_happen_and_writes_nothing(
    open_empty_page: PageOpener, empty_settings: Settings
) -> None:
    """Proefimport with a profile from the profile directory: the mapping, the values without
    a code, the lines that would be quarantined and the sample are shown, no name among them,
    and the store does not change."""
    from tests.corpus.invariants import store_counts
    from tests.corpus.legacy import kompas

    export = kompas()
    empty_settings.profile_directory.mkdir(parents=True, exist_ok=True)
    (empty_settings.profile_directory / "kompas.toml").write_text(export.profile, encoding="utf-8")
    engine = make_engine(empty_settings)
    before = store_counts(engine)
    at = open_empty_page("import")
    at.file_uploader(key="bestand").set_value((export.file_name, export.data, "text/csv"))
    at.selectbox(key="bron").set_value("kompas").run()
    assert not at.button(key="proefimport").disabled  # the region comes from a title line
    at.button(key="proefimport").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    headline = next(i.value for i in at.info if i.value.startswith("Proefimport"))
    assert "51 rijen gelezen, 49 zouden aanvaard worden, 2 geweigerd" in headline
    mapping, values, quarantine, sample = shown_tables(at)[:4]
    assert "Verwezen door" in mapping["Kolom in het bestand"].tolist()
    assert values[["Kolom", "Waarde", "Aantal"]].values.tolist() == [
        ["Verwezen door", "Buurvrouw", "1"]
    ]
    assert quarantine["Regel"].tolist() == ["23", "36"]
    assert len(sample) == 10 and set(sample["Regio"]) == {"KON"}
    shown = "\n".join(
        [f.to_csv() for f in shown_tables(at)] + [e.value for e in (*at.info, *at.caption)]
    )
    assert [s for s in export.secrets if s in shown] == []
    assert store_counts(engine) == before
    engine.dispose()


def test_an_unusable_profile_is_explained(
    open_empty_page: PageOpener, empty_settings: Settings
) -> None:
    """A profile file with a mistake is not offered, and the page says why, naming file and key."""
    empty_settings.profile_directory.mkdir(parents=True, exist_ok=True)
    (empty_settings.profile_directory / "kapot.toml").write_text(
        '[source]\nname = "kapot"\nlabel = "Kapot"\nkind = "registrations"\n[reader]\nskip_rows = 4\n',
        encoding="utf-8",
    )
    at = open_empty_page("import")
    assert not at.exception
    assert "Kapot" not in at.selectbox(key="bron").options
    assert any(
        "Profiel kapot.toml, sleutel reader.skip_rows: onbekende sleutel" in w.value
        for w in at.warning
    )
