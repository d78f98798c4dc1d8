"""Realistic legacy exports import with a profile alone, show every figure their profile
supports, and leave no name anywhere in the store, quarantine included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, MetaData, select

from data_access.ingest.pipeline import ImportResult, import_file
from data_access.settings import Settings, get_settings
from data_access.store.models import ImportBatch, Quarantine
from reports.inputs import load_inputs
from reports.selection import Selection
from reports.series.intakes import monthly_intakes
from reports.series.reach import yearly_families
from reports.series.referrers import monthly_referrers
from reports.series.timeliness import monthly_timeliness
from reports.views.volume import volume_per_year
from tests import scopes
from tests.corpus.legacy import LegacyExport, exports, kompas

TODAY = dt.date(2025, 3, 1)
EXPORTS = {export.name: export for export in exports()}


@pytest.fixture
def profiles(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """Settings whose profile directory holds the corpus's profiles, for this process as well
    (the views read which figures a source supports from the process's profile directory)."""
    folder = tmp_path / "profielen"
    folder.mkdir()
    for export in EXPORTS.values():
        (folder / f"{export.name}.toml").write_text(export.profile, encoding="utf-8")
    monkeypatch.setenv("MONITOR_PROFILE_DIR", str(folder))
    get_settings.cache_clear()
    yield settings.model_copy(update={"profile_dir": folder})
    get_settings.cache_clear()


def _import(
    engine: Engine, settings: Settings, export: LegacyExport, tmp_path: Path
) -> ImportResult:
    # The source files sit beside the data directory's contents, as uploads do elsewhere.
    (tmp_path / "bronnen").mkdir(exist_ok=True)
    path = tmp_path / "bronnen" / export.file_name
    path.write_bytes(export.data)
    return import_file(engine, settings, path, export.name, region=export.region, today=TODAY)


def _agreements(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """Volume agreements for every corpus region and year, so volume can show progress."""
    rows = [
        f"{r},{y},{p},20"
        for r in ("KON", "GNT", "WAD", "HAG")
        for y in (2022, 2023, 2024)
        for p in ("GV", "SDJ")
    ]
    path = tmp_path / "afspraken.csv"
    path.write_text("region_code,year,party,agreed\n" + "\n".join(rows) + "\n", encoding="utf-8")
    import_file(engine, settings, path, "volume_agreements", today=TODAY)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_an_export_imports_with_its_profile_alone(
    engine: Engine, profiles: Settings, tmp_path: Path, name: str
) -> None:
    """Title lines, footer, two date formats, free text, a status and birth dates: the
    profile says it all, and the batch records the profile and how often its rules fired."""
    export = EXPORTS[name]
    result = _import(engine, profiles, export, tmp_path)
    assert (result.rows_accepted, result.rows_rejected) == (export.accepted, export.rejected), (
        result.summary()
    )
    assert result.rows_read == export.accepted + export.rejected + result.rows_duplicate
    assert result.footer_lines == export.footer_lines
    assert result.unmapped_columns == []  # every column is mapped, read by a rule or dropped
    with engine.connect() as conn:
        batch = conn.execute(select(ImportBatch)).one()
    assert batch.profile_sha256 is not None and len(batch.profile_sha256) == 64
    assert batch.rule_counts == result.rule_counts
    assert any(rule.startswith("patterns.referrer[") for rule in batch.rule_counts)
    assert batch.rule_counts.get("derive[1]", 0) > 0
    assert batch.rule_counts.get("birth_date", 0) >= export.accepted
    assert (profiles.raw_dir / "profiles" / f"{batch.profile_sha256}.toml").is_file()


def test_rules_fire_where_the_profile_says(
    engine: Engine, profiles: Settings, tmp_path: Path
) -> None:
    """The region comes from a title line (Kompas), is filled down per block (Zorgpunt) or
    chosen at import (Sherpa); a cancelled request counts as dropped; ages follow birth dates."""
    results = {
        name: _import(engine, profiles, export, tmp_path) for name, export in EXPORTS.items()
    }
    assert results["kompas"].rule_counts["title.region_code"] == 50  # every row read
    assert results["kompas"].rule_counts["codes.region_code"] == 50
    assert results["zorgpunt"].rule_counts["fill_down.region_code"] == 38
    assert results["sherpa"].rule_counts["--region"] == 30
    stored = load_inputs(engine, scopes.everything(), "then", TODAY).registrations
    assert set(stored["region_code"]) == {"KON", "GNT", "WAD", "HAG"}
    by_region = stored.group_by("region_code").len().sort("region_code")
    assert dict(by_region.iter_rows()) == {"GNT": 20, "HAG": 30, "KON": 49, "WAD": 20}
    cancelled = stored.filter(
        pl.col("closure_reason").is_in(["VRAAG_WEGGEVALLEN", "CLIENT_HAAKT_AF"])
    )
    assert cancelled.height > 0 and cancelled["first_contact_date"].null_count() == cancelled.height
    assert stored["child_age"].null_count() == 0
    assert stored["child_age"].min() >= 2 and stored["child_age"].max() <= 17


def _figures(inputs: object, region: str, year: int) -> dict[str, bool]:
    """Per capability: whether the views show a figure (not "not available") for the region."""
    selection = Selection(dt.date(year, 1, 1), dt.date(year, 12, 31), regions=(region,))
    intakes = monthly_intakes(inputs, selection).filter(pl.col("region_code") == region)  # type: ignore[arg-type]
    timeliness = monthly_timeliness(inputs, selection, "calendar_month").filter(  # type: ignore[arg-type]
        pl.col("region_code") == region
    )
    detail = monthly_referrers(inputs, selection).filter(pl.col("region_code") == region)  # type: ignore[arg-type]
    volume = volume_per_year(inputs, selection)  # type: ignore[arg-type]
    families = yearly_families(inputs, selection).filter(pl.col("region_code") == region)  # type: ignore[arg-type]
    partners = inputs.partners.filter(pl.col("region_code") == region)  # type: ignore[attr-defined]
    return {
        "intakes": intakes["intakes"].sum() > 0,
        "consults": intakes["consults"].null_count() == 0 and intakes["consults"].sum() > 0,
        "response_time": timeliness.height > 0
        and timeliness["tijdig"].null_count() == 0
        and (timeliness["tijdig"] + timeliness["laat"]).sum() > 0,
        "referrers": detail.height > 1 and detail["intakes"].null_count() == 0,
        "volume": volume.height > 0 and volume["realised"].null_count() == 0,
        "reach": families["families"].null_count() == 0 and families["families"].sum() > 0,
        "partners": partners.height > 0,
    }


def test_every_supported_figure_is_shown(
    engine: Engine, profiles: Settings, tmp_path: Path
) -> None:
    """Each export's region shows every figure its profile (in the profile directory, not
    built in) supports, and "not available" for what it does not."""
    for export in EXPORTS.values():
        _import(engine, profiles, export, tmp_path)
    _agreements(engine, profiles, tmp_path)
    inputs = load_inputs(engine, scopes.everything(), "then", TODAY)
    years = {"kompas": 2023, "zorgpunt": 2024, "sherpa": 2022}
    for name, export in EXPORTS.items():
        supported = set(
            export.profile.split("supports = [", 1)[1]
            .split("]", 1)[0]
            .replace('"', "")
            .replace(" ", "")
            .split(",")
        )
        for region in export.regions:
            shown = _figures(inputs, region, years[name])
            assert {c for c in supported if not shown[c]} == set(), (name, region, shown)
            if "consults" not in supported:
                assert not shown["consults"], (name, region)  # unknown, never zero


def test_a_figure_the_profile_does_not_support_stays_unknown(
    engine: Engine, profiles: Settings, tmp_path: Path
) -> None:
    """The same export under a profile without response_time shows no timeliness: the check
    above can fail."""
    export = kompas()
    folder = profiles.profile_dir
    assert folder is not None
    (folder / "kompas.toml").write_text(
        export.profile.replace('"response_time", ', ""), encoding="utf-8"
    )
    _import(engine, profiles, export, tmp_path)
    inputs = load_inputs(engine, scopes.everything(), "then", TODAY)
    shown = _figures(inputs, "KON", 2023)
    assert shown["intakes"] and not shown["response_time"]


def _store_text(engine: Engine) -> str:
    """Every value of every table in the store, as text."""
    metadata = MetaData()
    metadata.reflect(engine)
    parts = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                parts.append(" ".join(str(v) for v in row))
    return "\n".join(parts)


def test_names_are_found_nowhere_in_the_store(
    engine: Engine, profiles: Settings, tmp_path: Path
) -> None:
    """No child's, parent's or staff name and no raw family number is stored: not in the
    registrations, not in quarantine, not in the batch records, not in the columnar copy."""
    for export in EXPORTS.values():
        _import(engine, profiles, export, tmp_path)
    load_inputs(engine, scopes.everything(), "then", TODAY)  # writes the columnar copy
    stored = _store_text(engine)
    secrets = {s for export in EXPORTS.values() for s in export.secrets}
    assert len(stored) > 10_000
    assert [s for s in secrets if s in stored] == []
    # raw/ keeps the source files as delivered, by design (README: protect it as the source).
    outside = {"raw", "bronnen"}
    files = [
        p
        for p in profiles.data_dir.rglob("*")
        if p.is_file() and not outside & set(p.relative_to(profiles.data_dir).parts)
    ]
    assert files  # the SQLite store (on SQLite) and the columnar copy
    for path in files:
        data = path.read_bytes()
        assert [s for s in secrets if s.encode() in data] == [], path


def test_a_line_that_does_not_split_keeps_only_what_it_can_identify(
    engine: Engine, profiles: Settings, tmp_path: Path
) -> None:
    """A row with one ';' too many is quarantined with its line, the reason and its record
    number (the first column, whose place is certain): never 'veld 1 … veld 17', names,
    birth date, staff name or the raw family number."""
    _import(engine, profiles, kompas(), tmp_path)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Quarantine.line_number,
                Quarantine.column_name,
                Quarantine.reason,
                Quarantine.raw_row,
            ).order_by(Quarantine.line_number)
        ).all()
    broken = [r for r in rows if "velden" in r.reason]
    assert len(broken) == 1
    line, column, reason, raw_row = broken[0]
    assert line == 5 + 17 + 1  # 4 title lines, the header, then row 17
    assert column is None
    assert reason == "17 velden in plaats van 16 (scheidingsteken ';')"
    assert raw_row == {"Dossier": "K1017"}
    unknown = [r for r in rows if "Buurvrouw" in r.reason]
    assert len(unknown) == 1
    kept = unknown[0].raw_row
    assert "Naam kind" not in kept and "Naam ouder" not in kept and "Begeleider" not in kept
    assert "Geboortedatum" not in kept and "Opmerking" not in kept
    assert kept["Gezinsnummer"].startswith("pseudoniem:")
    assert kept["Verwezen door"] == "Buurvrouw" and kept["Status"]


def test_an_export_under_the_wrong_source_points_to_its_profile(
    engine: Engine, profiles: Settings, tmp_path: Path
) -> None:
    """The Kompas export chosen as the uniform format is refused for its missing columns, and
    the message names the profile whose header sits below its title lines: not an empty
    column name, not the delimiter."""
    from data_access.ingest.files import FatalImportError

    export = kompas()
    path = tmp_path / export.file_name
    path.write_bytes(export.data)
    with pytest.raises(FatalImportError) as refused:
        import_file(engine, profiles, path, "uniform", today=TODAY)
    message = str(refused.value)
    assert message.startswith(
        "kompas-export.csv, regel 1: verplichte kolom(men) ontbreken voor bron 'uniform'"
    )
    assert message.endswith("Dit bestand lijkt op bron 'kompas'.")
