"""The dry run shows what an import would do, writes nothing, and never shows dropped values."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.ingest.dry_run import DryRun, dry_run
from data_access.ingest.pipeline import import_file
from data_access.ingest.profiles import get_profile
from data_access.settings import Settings
from tests.cli_run import CliRunIn
from tests.corpus.invariants import store_counts
from tests.corpus.legacy import LegacyExport, kompas, zorgpunt

TODAY = dt.date(2025, 3, 1)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def with_profiles(settings: Settings, tmp_path: Path) -> Settings:
    """Settings with the corpus profiles in the profile directory (the default: data/profiles)."""
    folder = settings.profile_directory
    folder.mkdir(parents=True)
    for export in (kompas(), zorgpunt()):
        (folder / f"{export.name}.toml").write_text(export.profile, encoding="utf-8")
    return settings


def _file(tmp_path: Path, export: LegacyExport) -> Path:
    folder = tmp_path / "bronnen"
    folder.mkdir(exist_ok=True)
    path = folder / export.file_name
    path.write_bytes(export.data)
    return path


def _everything(run: DryRun) -> str:
    """All the dry run shows, as text: its summary and every table."""
    frames = [run.mapping, run.sample, run.unmapped_values, run.quarantine]
    return run.summary() + "\n".join(str(f.rows()) for f in frames)


def _files(directory: Path) -> dict[str, int]:
    return {
        str(p.relative_to(directory)): p.stat().st_mtime_ns
        for p in directory.rglob("*")
        if p.is_file() and "bronnen" not in p.parts
    }


def test_a_dry_run_shows_mapping_sample_unmapped_values_quarantine_and_figures(
    engine: Engine, with_profiles: Settings, tmp_path: Path
) -> None:
    """For the Kompas export: which column feeds which field and how, ten harmonised rows,
    the referrer no rule maps, the two lines that would be quarantined and why, the figures
    the source supports; exactly what an import then does."""
    export = kompas()
    path = _file(tmp_path, export)
    profile = get_profile("kompas", with_profiles.profile_directory)
    run = dry_run(engine, with_profiles, path, profile, today=TODAY)
    assert (run.rows_read, run.rows_accepted, run.rows_rejected) == (51, 49, 2)
    mapping = {row[0]: (row[1], row[2]) for row in run.mapping.iter_rows()}
    assert mapping["regio (region_code)"] == (
        None,
        "uit titelregel, codes en patronen van het profiel",
    )
    assert mapping["aanmelder (referrer)"][0] == "Verwezen door"
    assert mapping["reden afsluiting (closure_reason)"][1].endswith(
        "afgeleid uit kolom Status, codes en patronen van het profiel"
    )
    assert mapping["geboortedatum (alleen voor de leeftijd, nooit bewaard) (birth_date)"][
        1
    ].endswith("weggelaten")
    assert run.sample.height == 10
    assert run.sample["Regio"].unique().to_list() == ["KON"]
    assert run.sample["Aanmelding"][0].count("/") == 2  # dd/mm/yyyy, as Dutch readers write
    assert run.unmapped_values.rows() == [("referrer", "Verwezen door", "Buurvrouw", 1)]
    reasons = run.quarantine["reason"].to_list()
    assert run.quarantine["_line"].to_list() == [23, 36]
    assert reasons[0] == "17 velden in plaats van 16 (scheidingsteken ';')"
    assert "onbekende code 'Buurvrouw'" in reasons[1]
    assert run.supports == (
        "Aanmeldingen",
        "Tijdige opname",
        "Aanmelders (per aanmelder)",
        "Volumeafspraken GV/SDJ",
        "Bereik en trajecten",
    )
    summary = run.summary()
    assert "kopregel op regel 5, scheidingsteken ';', codering cp1252" in summary
    assert "1 regel(s) onder de tabel (voettekst) niet als rij geteld." in summary
    assert (
        "Weggelaten kolommen (nooit opgeslagen of getoond): Naam kind, Naam ouder, Begeleider, Opmerking."
        in summary
    )
    assert "  - regel 36, kolom Verwezen door: onbekende code 'Buurvrouw'" in summary
    assert "Er is niets opgeslagen." in summary
    result = import_file(engine, with_profiles, path, "kompas", today=TODAY)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (51, 49, 2)


def test_a_dry_run_writes_nothing(engine: Engine, with_profiles: Settings, tmp_path: Path) -> None:
    """Neither the store nor the data directory changes: no batch, no raw copy, no manifest."""
    path = _file(tmp_path, kompas())
    profile = get_profile("kompas", with_profiles.profile_directory)
    before, files = store_counts(engine), _files(with_profiles.data_dir)
    dry_run(engine, with_profiles, path, profile, today=TODAY)
    dry_run(engine, with_profiles, path.read_bytes(), profile, name=path.name, today=TODAY)
    assert store_counts(engine) == before
    assert _files(with_profiles.data_dir) == files


@pytest.mark.parametrize("export", [kompas(), zorgpunt()], ids=["csv", "xlsx"])
def test_a_dry_run_never_shows_what_the_profile_drops(
    engine: Engine, with_profiles: Settings, tmp_path: Path, export: LegacyExport
) -> None:
    """No name, staff name, raw family number or remark appears in anything a dry run shows,
    read from a file or from bytes in memory alike."""
    path = _file(tmp_path, export)
    profile = get_profile(export.name, with_profiles.profile_directory)
    for source in (path, export.data):
        run = dry_run(engine, with_profiles, source, profile, name=export.file_name, today=TODAY)
        shown = _everything(run)
        assert run.rows_accepted == export.accepted
        assert [s for s in export.secrets if s in shown] == []


def test_an_earlier_import_of_the_same_file_is_mentioned(
    engine: Engine, with_profiles: Settings, tmp_path: Path
) -> None:
    """A dry run of a file already imported says which batch holds it."""
    path = _file(tmp_path, zorgpunt())
    result = import_file(engine, with_profiles, path, "zorgpunt", today=TODAY)
    profile = get_profile("zorgpunt", with_profiles.profile_directory)
    run = dry_run(engine, with_profiles, path, profile, today=TODAY)
    assert f"dit bestand werd al ingelezen (batch {result.batch_id})" in run.summary()


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """`1g1p ARGS` in a new process, as a beheerder types it (the `cli` fixture runs it here)."""
    env = {
        **os.environ,
        "MONITOR_DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.url,
        "MONITOR_PSEUDONYM_KEY": "test-key",
    }
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], env=env, capture_output=True, text=True, cwd=ROOT
    )


def test_the_cli_dry_run_prints_the_dry_run_and_changes_nothing(
    engine: Engine, with_profiles: Settings, tmp_path: Path, cli: CliRunIn
) -> None:
    """`1g1p import FILE --source kompas --dry-run` prints the dry run in Dutch and exits 0;
    the store is as before. A real import's summary lists the first rejected lines."""
    path = _file(tmp_path, kompas())
    before = store_counts(engine)
    shown = cli(with_profiles, "import", str(path), "--source", "kompas", "--dry-run")
    assert shown.returncode == 0, shown.stderr
    assert "Proefimport van kompas-export.csv met bron kompas" in shown.stdout
    assert (
        "Waarden zonder code (zouden geweigerd worden):\n  - Verwezen door: 'Buurvrouw' (1×)"
        in shown.stdout
    )
    assert store_counts(engine) == before
    imported = cli(with_profiles, "import", str(path), "--source", "kompas")
    assert imported.returncode == 0, imported.stderr
    assert (
        "Eerste geweigerde regels:\n"
        "  - regel 23: 17 velden in plaats van 16 (scheidingsteken ';')\n"
        "  - regel 36, kolom Verwezen door: onbekende code 'Buurvrouw'"
    ) in imported.stdout


def test_the_cli_dry_run_creates_no_store(tmp_path: Path) -> None:
    """On a data directory without a store the dry run refuses in Dutch and creates nothing."""
    settings = Settings(data_dir=tmp_path / "leeg", database_url=None, pseudonym_key="k")
    path = tmp_path / "a.csv"
    path.write_text("registration_id\nR1\n", encoding="utf-8")
    shown = _cli(settings, "import", str(path), "--source", "uniform", "--dry-run")
    assert shown.returncode == 1
    assert "de opslag is nog niet klaar" in shown.stderr and "Traceback" not in shown.stderr
    assert not (tmp_path / "leeg").exists()
