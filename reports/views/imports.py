"""Importeren: importing an uploaded file, the list of import batches and a batch's quarantine."""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

import polars as pl
from sqlalchemy import Engine

from data_access.access.roles import Reader, require_beheerder
from data_access.access.scope import Scope
from data_access.ingest import lineage
from data_access.ingest.dry_run import dry_run
from data_access.ingest.pipeline import ImportResult
from data_access.ingest.profiles import available_profiles, get_profile, profile_problems
from data_access.settings import Settings
from indicators.formatting import fmt_int
from reports.publish.cells import Measure, Text
from reports.publish.spec import Metric, MetricsSpec, Section, TableSpec, View
from reports.views.common import RECENT_BATCHES, dry_run_view

# The common registration format every network moves to (docs/design.md §4): offered first.
UNIFORM: Final = "uniform"


def profile_labels(settings: Settings) -> dict[str, str]:
    """Source profile name → its Dutch label; the uniform format (the normal path) first."""
    profiles = available_profiles(settings.profile_directory)
    order = sorted(profiles, key=lambda name: (name != UNIFORM, profiles[name].label))
    return {name: profiles[name].label for name in order}


def unusable_profiles(settings: Settings) -> list[str]:
    """Why each profile file in the profile directory cannot be used (Dutch, file and key)."""
    return profile_problems(settings.profile_directory)


def needs_region(settings: Settings, source: str) -> bool:
    """Whether files of this source carry no region column, so the region must be chosen."""
    profile = available_profiles(settings.profile_directory).get(source)
    return profile is not None and profile.requires_region


def dry_run_upload(
    engine: Engine,
    settings: Settings,
    data: bytes,
    file_name: str,
    source: str,
    *,
    reader: Reader,
    region: str | None = None,
) -> View:
    """Proefimport: the uploaded bytes read, mapped and checked in memory; nothing is written.
    Raises FatalImportError or ProfileError (Dutch)."""
    require_beheerder(reader, "een proefimport doen")
    profile = get_profile(source, settings.profile_directory)
    run = dry_run(engine, settings, data, profile, region=region, name=Path(file_name).name)
    return dry_run_view(run)


def summary_text(result: ImportResult) -> str:
    """The import's summary as Markdown: its sentences as paragraphs, its lists as lists (the
    command line prints the same text)."""
    out: list[str] = []
    for line in result.summary().splitlines():
        if line.startswith("  - "):
            out.append("- " + line.removeprefix("  - "))
        else:
            out.append(("\n" if out else "") + line)
    return "\n".join(out)


def check_outcome(
    engine: Engine, batch_id: int
) -> tuple[Literal["success", "warning", "error"], list[str]] | None:
    """What the quality checks found after importing a batch: the kind of message and its lines
    (Dutch); None when no check ran for the batch."""
    from data_access.quality import results as quality

    batch_run = quality.latest_run_id(engine, batch_id=batch_id)
    if batch_run is None:
        return None
    in_batch = quality.check_results(engine, None, batch_run).filter(~pl.col("success"))
    lines = [
        f"{'Blokkerend: ' if blocking else ''}{title} ({fmt_int(n)}×)"
        for title, blocking, n in in_batch.group_by("title", "blocking", maintain_order=True)
        .agg(pl.col("unexpected_count").sum())
        .sort("blocking", "title", descending=[True, False])
        .iter_rows()
    ]
    store_run = quality.latest_run_id(engine)
    failing_in_store = (
        quality.check_results(engine, None, store_run)
        .filter(~pl.col("success"))["expectation"]
        .n_unique()
        if store_run is not None
        else 0
    )
    head = (
        "Kwaliteitscontrole van deze batch: alle controles in orde."
        if not lines
        else "Kwaliteitscontrole van deze batch: niet alles in orde."
    )
    tail = (
        f"In de hele opslag zijn {failing_in_store} controles niet in orde; zie Datakwaliteit."
        if failing_in_store
        else "In de hele opslag zijn alle controles in orde."
    )
    blocking = bool(in_batch.filter(pl.col("blocking")).height)
    kind: Literal["success", "warning", "error"] = (
        "error" if blocking else "warning" if lines else "success"
    )
    return kind, [head, *lines, tail]


_OUTCOME: Final = (
    ("rows_read", "Gelezen"),
    ("rows_accepted", "Aanvaard"),
    ("rows_rejected", "Geweigerd"),
    ("rows_duplicate", "Dubbel"),
)


def outcome(result: ImportResult) -> tuple[Literal["info", "warning", "success"], View | None]:
    """How to show an import's result: the kind of message, and its counts as key figures (the
    beheerder's own file, shown in full); none for a file that was already imported."""
    if result.already_imported_as is not None:
        return "info", None
    frame = pl.DataFrame(
        {"batch": ["import"], **{key: [getattr(result, key)] for key, _ in _OUTCOME}}
    )
    table = TableSpec(
        frame,
        (
            Text("batch", "Import"),
            *(Measure(key, label, "int") for key, label in _OUTCOME),
        ),
        title=f"Import van {result.file_name}",
        name="import",
    )
    metrics = MetricsSpec(
        table,
        tuple(Metric(label, key) for key, label in _OUTCOME),
        row_column="batch",
        row_value="import",
    )
    kind: Literal["warning", "success"] = "warning" if result.rows_rejected else "success"
    return kind, View("Import", (Section("", (metrics,)),))


def batch_choices(engine: Engine, scope: Scope) -> dict[int, str]:
    """Batches with rejected rows as selectbox labels: id → "Batch 12 · a.csv (3 geweigerd)"."""
    batches = lineage.import_batches(engine, scope).head(RECENT_BATCHES)
    with_rejects = batches.filter(pl.col("rows_rejected") > 0)
    return {
        row[
            "batch_id"
        ]: f"Batch {row['batch_id']} · {row['file_name']} ({row['rows_rejected']} geweigerd)"
        for row in with_rejects.iter_rows(named=True)
    }


def quarantine_table(engine: Engine, scope: Scope, batch_id: int) -> TableSpec:
    """The rejected rows of one batch: line in the file, column, reason and the raw values."""
    batches = lineage.import_batches(engine, scope).filter(pl.col("batch_id") == batch_id)
    region = batches["region_code"][0] if batches.height else None
    rows = lineage.quarantined_rows(engine, scope, batch_id).with_columns(
        region_code=pl.lit(region, pl.String)
    )
    return TableSpec(
        rows,
        (
            Text("line_number", "Regel"),
            Text("column_name", "Kolom"),
            Text("reason", "Reden"),
            Text("raw_row", "Oorspronkelijke rij"),
        ),
        title=f"Quarantaine batch {batch_id}",
        notes=(
            "Geweigerde rijen zoals ze in het bestand stonden, zonder namen; de gezinssleutel is "
            "gepseudonimiseerd. Verbeter ze in de bron en lees het bestand opnieuw in.",
        ),
        records=True,
        name=f"quarantaine-batch-{batch_id}",
    )
