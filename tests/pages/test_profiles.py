"""Bronprofiel maken: a beheerder builds, previews and saves a profile from a sample."""

from __future__ import annotations

import os
import subprocess
import sys

from streamlit.testing.v1 import AppTest

from data_access.ingest.profiles import get_profile
from data_access.settings import Settings
from tests.corpus.legacy import kompas
from tests.pages.conftest import ROOT, PageOpener, shown_tables

EXPORT = kompas()


def _sample(at: AppTest) -> AppTest:
    at.file_uploader(key="voorbeeld").set_value((EXPORT.file_name, EXPORT.data, "text/csv"))
    return at.run()


def _shown(at: AppTest) -> str:
    """Every text and table cell the page shows."""
    parts = [
        e.value
        for kind in ("info", "caption", "markdown", "success", "error", "warning")
        for e in at.get(kind)
    ]
    parts += [frame.to_csv() for frame in shown_tables(at)]
    return "\n".join(str(p) for p in parts)


def _code_key(at: AppTest, field: str, value: str) -> str:
    """The key of the code selectbox of one source value."""
    return next(
        s.key
        for s in at.selectbox
        if s.key and s.key.startswith(f"code-{field}-") and s.label.startswith(f"'{value}'")
    )


def test_a_sample_is_mapped_previewed_and_saved_for_every_process(
    open_empty_page: PageOpener, empty_settings: Settings
) -> None:
    """The screen suggests the columns, the region from the title line and known referrers;
    the beheerder maps the rest and a status; the preview is a dry run without names; the
    saved profile validates, the Importeren page lists it and another process imports with
    it. The sample itself is written nowhere."""
    at = _sample(open_empty_page("profiles"))
    assert not at.exception, at.exception
    assert at.selectbox(key="kolom-referrer").value == "Verwezen door"
    assert at.selectbox(key="kolom-received_date").value == "Aanmelddatum"
    assert at.selectbox(key="kolom-family_key").value == "Gezinsnummer"
    assert at.selectbox(key="kolom-birth_date").value == "Geboortedatum"
    assert at.radio(key="regio-bron").value == "title"
    assert any("Gevonden in de titelregels: Konekti" in c.value for c in at.caption)
    assert at.selectbox(key=_code_key(at, "region_code", "Konekti")).value == "KON"
    assert at.selectbox(key=_code_key(at, "referrer", "CLB Menen")).value == "CLB"
    assert (
        at.selectbox(key=_code_key(at, "referrer", "Huis van het Kind Kortrijk")).value
        == "HUIS_VAN_HET_KIND"
    )
    assert at.text_input(key="lezen-voettekst").value == "^totaal\\b"
    assert set(at.multiselect(key="weglaten").value) >= {
        "Naam kind",
        "Naam ouder",
        "Begeleider",
        "Opmerking",
    }
    at.text_input(key="naam").set_value("kompas_nieuw")
    at.text_input(key="omschrijving").set_value("Kompas (via het scherm)")
    at.selectbox(key=_code_key(at, "referrer", "Kind & Gezin")).set_value("HUIS_VAN_HET_KIND")
    at.selectbox(key=_code_key(at, "referrer", "Moeder")).set_value("CLIENT")
    at.selectbox(key="status-kolom").set_value("Status").run()
    at.multiselect(key="status-waarden").set_value(["Geannuleerd"])
    at.button(key="bekijken").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    headline = next(i.value for i in at.info if "Proefimport" in i.value)
    assert "51 rijen gelezen, 49 zouden aanvaard worden, 2 geweigerd" in headline
    assert [s for s in EXPORT.secrets if s in _shown(at)] == []
    assert not (empty_settings.profile_directory / "kompas_nieuw.toml").exists()  # not yet saved

    at.button(key="opslaan").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("Profiel kompas_nieuw opgeslagen" in s.value for s in at.success)
    saved = get_profile("kompas_nieuw", empty_settings.profile_directory)
    assert saved.columns["referrer"] == "Verwezen door"
    assert ("^clb\\b", "CLB") in saved.patterns("referrer")  # the next "CLB Roeselare" too
    assert saved.spec.derive[0].value == "VRAAG_WEGGEVALLEN"
    assert saved.spec.title["region_code"] and saved.requires_region is False
    written = [p for p in empty_settings.data_dir.rglob("*") if p.is_file()]
    assert not any(EXPORT.data[:200] in p.read_bytes() for p in written)  # the sample: nowhere
    assert not any(s.encode() in p.read_bytes() for p in written for s in EXPORT.secrets)

    importing = AppTest.from_file(
        str(ROOT / "pages" / "admin" / "import.py"), default_timeout=60
    ).run()
    assert "Kompas (via het scherm)" in importing.selectbox(key="bron").options

    path = empty_settings.data_dir.parent / "kompas-bron.csv"
    path.write_bytes(EXPORT.data)
    env = {
        **os.environ,
        "MONITOR_DATA_DIR": str(empty_settings.data_dir),
        "DATABASE_URL": empty_settings.url,
        "MONITOR_PSEUDONYM_KEY": "app-test",
    }
    done = subprocess.run(
        [sys.executable, "-m", "cli", "import", str(path), "--source", "kompas_nieuw"],
        env=env, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "51 rijen gelezen, 49 aanvaard" in done.stdout


def test_a_builtin_name_is_refused(open_empty_page: PageOpener, empty_settings: Settings) -> None:
    """A profile may not take the name of a built-in one: nothing is saved."""
    at = _sample(open_empty_page("profiles"))
    at.text_input(key="naam").set_value("uniform")
    at.button(key="opslaan").click().run()
    assert not at.exception
    assert "'uniform' is de naam van een ingebouwd profiel" in at.error[0].value
    assert not empty_settings.profile_directory.exists() or not list(
        empty_settings.profile_directory.iterdir()
    )


def test_an_invalid_choice_is_refused_in_dutch(open_empty_page: PageOpener) -> None:
    """Without a record number column the preview names the missing field, no traceback."""
    at = _sample(open_empty_page("profiles"))
    at.text_input(key="naam").set_value("kompas_fout")
    at.selectbox(key="kolom-source_record_id").set_value("—")
    at.button(key="bekijken").click().run()
    assert not at.exception
    assert (
        "sleutel columns.source_record_id: verplicht veld (dossiernummer) ontbreekt"
        in at.error[0].value
    )


def test_only_a_beheerder_builds_profiles(open_empty_page: PageOpener) -> None:
    """Another role sees only a message."""
    at = open_empty_page("profiles", demo_user="stuurgroep.kon@demo.1g1p")
    assert not at.exception
    assert at.error[0].value == "Alleen een beheerder kan bronprofielen maken."
    assert not at.get("file_uploader")
