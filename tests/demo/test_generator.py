"""Tests of the synthetic demo-data generator: formats, determinism, volumes and realism."""

from __future__ import annotations

import csv
import io
import time
import tomllib
from datetime import date
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from data_access.ingest.profiles import BUILTIN_DIR
from data_access.reference.loader import REFERENCE_DIR
from demo.generator import DemoManifest, generate_demo

TODAY = date(2026, 11, 22)
LAST_DAY = date(2026, 10, 31)
SMALL = 0.05


def _profile(name: str) -> dict[str, object]:
    with (BUILTIN_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def _expected_headers(name: str) -> set[str]:
    profile = _profile(name)
    columns = profile.get("columns", {})
    assert isinstance(columns, dict)
    headers = set(columns.values())
    drop = profile.get("drop", {})
    assert isinstance(drop, dict)
    headers |= set(drop.get("columns", []))
    measures = profile.get("measures", {})
    assert isinstance(measures, dict)
    return headers | set(measures.values())


def _csv_header(path: Path, encoding: str, delimiter: str) -> list[str]:
    text = path.read_bytes().decode(encoding)
    return next(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_header(path: Path, sheet: str | int = 0) -> list[str]:
    return fastexcel.read_excel(str(path)).load_sheet(sheet, n_rows=1).to_polars().columns


def _files(manifest: DemoManifest, source: str) -> list[Path]:
    return [f.path for f in manifest.files if f.source == source]


def _uniform(manifest: DemoManifest) -> pl.DataFrame:
    frames = [
        pl.read_csv(path, infer_schema=False).with_columns(pl.lit(path.name).alias("file"))
        for path in _files(manifest, "uniform")
        if path.suffix == ".csv"
    ]
    return pl.concat(frames).with_columns(
        pl.col("received_date", "first_contact_date", "closed_date").str.to_date()
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return generate_demo(tmp_path_factory.mktemp("demo"), seed=7, scale=SMALL, today=TODAY)


def test_all_six_kinds_exist(small: DemoManifest) -> None:
    """It writes files of every source kind, and every listed file exists."""
    kinds = {f.source for f in small.files}
    assert kinds == {
        "uniform",
        "spreadsheet",
        "case_tool",
        "monthly_counts",
        "staffing",
        "volume_agreements",
    }
    assert all(f.path.is_file() and f.path.stat().st_size > 0 for f in small.files)
    assert any(p.suffix == ".xlsx" for p in _files(small, "uniform"))
    assert small.total_registrations == sum(small.registrations.values()) > 0


def test_headers_equal_profile_columns(small: DemoManifest) -> None:
    """Every file's header is exactly the profile's columns (plus the columns it drops)."""
    for path in _files(small, "uniform"):
        header = _xlsx_header(path) if path.suffix == ".xlsx" else _csv_header(path, "utf-8", ",")
        assert header == list(_profile("uniform")["columns"].values())  # type: ignore[union-attr]
    for path in _files(small, "spreadsheet"):
        assert set(_xlsx_header(path, "Aanmeldingen")) == _expected_headers("spreadsheet")
    for path in _files(small, "case_tool"):
        assert set(_csv_header(path, "cp1252", ";")) == _expected_headers("case_tool")
    for path in _files(small, "monthly_counts"):
        assert set(_csv_header(path, "utf-8", ";")) == _expected_headers("monthly_counts")
    for name in ("staffing", "volume_agreements"):
        (path,) = _files(small, name)
        assert set(_csv_header(path, "utf-8", ",")) == _expected_headers(name)


def test_case_tool_is_cp1252_with_semicolons(small: DemoManifest) -> None:
    """The case tool export decodes as cp1252, splits on ';' and holds both row types."""
    for path in _files(small, "case_tool"):
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode("cp1252")), delimiter=";"))
        assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)
        types = {row[rows[0].index("Type")] for row in rows[1:]}
        assert types <= {"1", "2"} and "2" in types
        received = rows[1][rows[0].index("Ontvangen")]
        assert received.endswith(" 00:00:00")


def test_spreadsheet_has_dated_register_sheet(small: DemoManifest) -> None:
    """The hand-kept register has the sheet 'Aanmeldingen' with real date cells."""
    path = _files(small, "spreadsheet")[0]
    workbook = fastexcel.read_excel(str(path))
    assert "Aanmeldingen" in workbook.sheet_names
    frame = workbook.load_sheet("Aanmeldingen").to_polars()
    assert frame.schema["Datum aanmelding"] == pl.Datetime("ms")
    assert frame["Datum aanmelding"].null_count() == 0


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    """The same seed gives byte-identical uniform files; another seed differs."""
    first = generate_demo(tmp_path / "a", seed=3, scale=0.02, today=TODAY)
    second = generate_demo(tmp_path / "b", seed=3, scale=0.02, today=TODAY)
    other = generate_demo(tmp_path / "c", seed=4, scale=0.02, today=TODAY)
    pairs = list(zip(_files(first, "uniform"), _files(second, "uniform"), strict=True))
    csvs = [(a, b) for a, b in pairs if a.suffix == ".csv"]
    assert csvs and all(a.read_bytes() == b.read_bytes() for a, b in csvs)
    assert any(
        a.read_bytes() != c.read_bytes()
        for a, c in zip(_files(first, "uniform"), _files(other, "uniform"), strict=True)
        if a.suffix == ".csv"
    )


def test_uniform_rows_within_network_activity(small: DemoManifest) -> None:
    """No uniform request before its network's start (or the uniform switch) or after the last
    full month; follow-up events reach up to the export the day before today."""
    regions = pl.read_csv(REFERENCE_DIR / "regions.csv", try_parse_dates=True)
    rows = _uniform(small).join(regions, on="region_code")
    assert rows.filter(pl.col("received_date") < pl.col("active_from")).height == 0
    assert rows.filter(pl.col("received_date") < date(2021, 7, 1)).height == 0
    assert rows["received_date"].max() <= LAST_DAY  # type: ignore[operator]
    for column in ("first_contact_date", "closed_date"):
        assert rows[column].max() < TODAY  # type: ignore[operator]
    assert rows["first_contact_date"].max() > LAST_DAY  # type: ignore[operator]
    assert set(rows["region_code"]) == set(
        regions.filter(pl.col("active_to").is_null())["region_code"]
    )


def test_summer_has_fewer_clb_referrals(small: DemoManifest) -> None:
    """The CLB share of requests is lower in July–August than in the other months."""
    intakes = _uniform(small).filter(pl.col("kind") == "aanmelding")
    summer = intakes["received_date"].dt.month().is_in([7, 8])
    clb = intakes["referrer"] == "CLB"
    assert clb.filter(summer).mean() < 0.7 * clb.filter(~summer).mean()  # type: ignore[operator]


def test_staffing_2020_close_to_reference(small: DemoManifest) -> None:
    """2020 FTE per network is within 15% of the 2020 evaluation table where it has a total."""
    (path,) = _files(small, "staffing")
    staffing = pl.read_csv(path)
    reference = pl.read_csv(REFERENCE_DIR / "networks_2020.csv").filter(
        pl.col("fte_total").is_not_null()
    )
    per_quarter = (
        staffing.filter(pl.col("quarter").str.starts_with("2020"))
        .group_by("region_code", "quarter")
        .agg(pl.col("fte").sum())
        .group_by("region_code")
        .agg(pl.col("fte").mean())
    )
    joined = reference.join(per_quarter, on="region_code")
    assert joined.height == reference.height
    assert ((joined["fte"] / joined["fte_total"] - 1).abs() < 0.15).all()
    assert staffing.unique(["region_code", "quarter", "function", "sector"]).height == (
        staffing.height
    )


def test_volume_agreements_met_by_some(small: DemoManifest) -> None:
    """Agreements exist per active network and year from 2021, with positive numbers."""
    (path,) = _files(small, "volume_agreements")
    agreements = pl.read_csv(path)
    assert agreements["year"].min() == 2021
    assert set(agreements["party"]) == {"GV", "SDJ"}
    assert (agreements["agreed"] > 0).all()


def test_volume_at_scale_one(tmp_path: Path) -> None:
    """Scale 1 writes about 150,000 registrations, in well under 30 seconds."""
    started = time.perf_counter()
    manifest = generate_demo(tmp_path, seed=42, scale=1.0, today=TODAY)
    elapsed = time.perf_counter() - started
    assert 120_000 <= manifest.total_registrations <= 180_000
    assert elapsed < 30
