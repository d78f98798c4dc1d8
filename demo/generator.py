"""Generate a realistic synthetic set of 1G1P source files: legacy, uniform, staffing, volumes.

The files carry a few deliberate, documented data-quality defects (demo/defects.py): first
contacts before the registration in a legacy register, empty referrers in a legacy export, a
month one network forgot to deliver, and a set of rows entered twice. Their exact counts are in
`DemoManifest.documented_defects`; the quality checks find exactly those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from data_access.ingest.profiles import BUILTIN_DIR
from data_access.reference.loader import ELZ_LAYOUT_FROM
from demo.areas import load_geography
from demo.defects import plant_defects
from demo.registrations import (
    Segment,
    last_full_month_end,
    months_between,
    network_traits,
    simulate,
)
from demo.staffing import staffing_frame, volume_agreements_frame
from demo.writers import (
    write_case_tool,
    write_monthly_counts,
    write_spreadsheet,
    write_uniform_csv,
    write_uniform_xlsx,
)

# Each first network's own system until the ELZ reform (docs/design.md §4): two used a case
# tool, one sent only monthly totals, the others kept an Excel register.
LEGACY_SOURCE = {"GNT": "case_tool", "ANT": "case_tool", "NLI": "monthly_counts"}
LEGACY_END = date(2021, 6, 30)
# Legacy exports were taken half a year after the switch, so most running cases are closed in
# them; later events are missing, as in a real final export.
LEGACY_EXPORT = date(2021, 12, 31)
# Case-tool installations number their records and clients from different starting points.
CASE_TOOL_OFFSET = {"GNT": 100_000, "ANT": 500_000}
# One uniform delivery arrives as XLSX, to exercise that reader: a new network, 2025 NIS codes.
XLSX_UNIFORM = ("ZLI", 2025)


@dataclass(frozen=True)
class DemoFile:
    """One generated source file and the profile (source) to import it with."""

    path: Path
    source: str
    region_code: str | None


@dataclass
class DemoManifest:
    """The generated files in import order, and what they hold."""

    files: list[DemoFile] = field(default_factory=list)
    registrations: dict[str, int] = field(default_factory=dict)  # rows written per source
    aggregated_intakes: int = 0  # intakes only reported as monthly totals
    documented_defects: dict[str, int] = field(default_factory=dict)

    @property
    def total_registrations(self) -> int:
        return sum(self.registrations.values())


def _segments(regions: pl.DataFrame, end: date, exported: date) -> list[Segment]:
    segments: list[Segment] = []
    for region in regions.sort("region_code").iter_rows(named=True):
        code = str(region["region_code"])
        start: date = region["active_from"]
        stop: date = min(region["active_to"] or end, end)
        if start < ELZ_LAYOUT_FROM:
            legacy_end = min(stop, LEGACY_END)
            if start <= legacy_end:
                source = LEGACY_SOURCE.get(code, "spreadsheet")
                segments.append(Segment(code, source, start, legacy_end, min(LEGACY_EXPORT, end)))
        uniform_start = max(start, ELZ_LAYOUT_FROM)
        if uniform_start <= stop:
            # Current files are exported the day before today: they hold requests up to the
            # last full month and every contact or closure since, so recent months are complete.
            segments.append(Segment(code, "uniform", uniform_start, stop, exported))
    return segments


def _postcodes() -> dict[str, list[str]]:
    table = pl.read_csv(BUILTIN_DIR / "postcodes.csv", infer_schema=False)
    return {
        str(nis): group["postcode"].to_list()
        for (nis,), group in table.partition_by("nis_code", as_dict=True).items()
    }


def generate_demo(
    out_dir: Path, *, seed: int = 42, scale: float = 1.0, today: date
) -> DemoManifest:
    """Write the demo source files for every network from its start to the last full month."""
    end = last_full_month_end(today)
    geography = load_geography()
    regions = geography.regions
    codes = sorted(regions["region_code"].to_list())
    # Independent streams per part: changing one part does not reshuffle the others.
    streams = {
        part: np.random.default_rng([seed, k])
        for k, part in enumerate(("traits", "simulate", "files", "staffing", "volume", "defects"))
    }
    traits = network_traits(streams["traits"], codes)
    segments = _segments(regions, end, today - timedelta(days=1))
    starts = dict(
        zip(regions["region_code"].to_list(), regions["active_from"].to_list(), strict=True)
    )
    rows = simulate(geography, segments, traits, starts, streams["simulate"], scale)
    rows = rows.with_columns(
        record=pl.int_range(1, pl.len() + 1).over("segment", pl.col("received_date").dt.year())
    )
    rows, defects = plant_defects(rows, streams["defects"])

    manifest = DemoManifest(documented_defects=defects)
    legacy_dir, uniform_dir = out_dir / "legacy", out_dir / "uniform"
    legacy_dir.mkdir(parents=True, exist_ok=True)
    uniform_dir.mkdir(parents=True, exist_ok=True)
    rng = streams["files"]
    postcodes = _postcodes()
    uniform_files: list[DemoFile] = []
    for index, segment in enumerate(segments):
        part = rows.filter(pl.col("segment") == index)
        code = segment.region_code
        if segment.source == "spreadsheet":
            path = legacy_dir / f"spreadsheet_{code}.xlsx"
            write_spreadsheet(part, path, geography.names, rng)
        elif segment.source == "case_tool":
            path = legacy_dir / f"case_tool_{code}.csv"
            write_case_tool(part, path, postcodes, CASE_TOOL_OFFSET.get(code, 900_000), rng)
        elif segment.source == "monthly_counts":
            path = legacy_dir / f"monthly_counts_{code}.csv"
            write_monthly_counts(part, path, months_between(segment.start, segment.end))
            manifest.aggregated_intakes += part.filter(pl.col("kind") == "aanmelding").height
            manifest.files.append(DemoFile(path, segment.source, code))
            continue
        else:
            for year in range(segment.start.year, segment.end.year + 1):
                yearly = part.filter(pl.col("received_date").dt.year() == year)
                if (code, year) == XLSX_UNIFORM:
                    path = uniform_dir / f"{code}_{year}.xlsx"
                    write_uniform_xlsx(yearly, path)
                else:
                    path = uniform_dir / f"{code}_{year}.csv"
                    write_uniform_csv(yearly, path)
                uniform_files.append(DemoFile(path, "uniform", code))
            manifest.registrations["uniform"] = (
                manifest.registrations.get("uniform", 0) + part.height
            )
            continue
        manifest.files.append(DemoFile(path, segment.source, code))
        manifest.registrations[segment.source] = (
            manifest.registrations.get(segment.source, 0) + part.height
        )
    # Oldest deliveries first, as they arrived: the legacy files, then the uniform years.
    manifest.files += sorted(uniform_files, key=lambda f: (f.path.stem[-4:], f.path.stem))

    staffing_path = out_dir / "staffing.csv"
    staffing_frame(regions, geography.networks_2020, end, streams["staffing"]).write_csv(
        staffing_path
    )
    manifest.files.append(DemoFile(staffing_path, "staffing", None))
    volume_path = out_dir / "volume_agreements.csv"
    intakes = rows.filter(pl.col("kind") == "aanmelding").select(
        "region_code", "received_date", "referrer"
    )
    volume_agreements_frame(intakes, regions, end, streams["volume"]).write_csv(volume_path)
    manifest.files.append(DemoFile(volume_path, "volume_agreements", None))
    return manifest
