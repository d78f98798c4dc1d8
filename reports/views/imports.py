"""Importeren: importing an uploaded file, the list of import batches and a batch's quarantine."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Final, Literal

import polars as pl
from sqlalchemy import Engine

from data_access.access.roles import Reader, require_beheerder
from data_access.access.scope import Scope
from data_access.ingest import lineage
from data_access.ingest.pipeline import ImportResult, Progress, import_file
from data_access.ingest.profiles import available_profiles
from data_access.reference import tables
from data_access.settings import Settings
from indicators.formatting import fmt_int
from reports.tables import Column, Table

# Batch times are stored in UTC and shown as the beheerder's wall-clock time.
LOCAL_TIME_ZONE: Final = "Europe/Brussels"

# The common registration format every network moves to (DESIGN §4): offered first.
UNIFORM: Final = "uniform"

# How many batches the page lists (the newest first).
RECENT_BATCHES: Final = 50


def profile_labels(settings: Settings) -> dict[str, str]:
    """Source profile name → its Dutch label; the uniform format (the normal path) first."""
    profiles = available_profiles(settings.profile_dir)
    order = sorted(profiles, key=lambda name: (name != UNIFORM, profiles[name].label))
    return {name: profiles[name].label for name in order}


def needs_region(settings: Settings, source: str) -> bool:
    """Whether files of this source carry no region column, so the region must be chosen."""
    profile = available_profiles(settings.profile_dir).get(source)
    return profile is not None and profile.requires_region


def region_choices(engine: Engine) -> dict[str, str]:
    """Region code → name of every region, past ones included (old files name old networks)."""
    regions = tables.regions(engine).sort("region_name")
    return dict(regions.select("region_code", "region_name").iter_rows())


def import_upload(
    engine: Engine,
    settings: Settings,
    data: bytes,
    file_name: str,
    source: str,
    *,
    reader: Reader,
    region: str | None = None,
    progress: Progress | None = None,
    run_checks: bool = True,
) -> ImportResult:
    """Import uploaded bytes as a file named `file_name` (its extension picks CSV or XLSX).

    The bytes go to a private temporary directory that is removed afterwards; the store keeps
    its own copy of every imported file. Raises FatalImportError or ProfileError (Dutch).
    After a file that changed the store, the quality suites run on the new batch and on the
    whole store (with any batch an interrupted import left unchecked); `check_outcome` shows
    what they found.
    """
    require_beheerder(reader, "bestanden inlezen")
    safe_name = Path(file_name).name or "upload.csv"
    with tempfile.TemporaryDirectory(prefix="1g1p-upload-") as directory:
        path = Path(directory) / safe_name
        path.write_bytes(data)
        result = import_file(
            engine,
            settings,
            path,
            source,
            region=region,
            user=reader.email,
            display_name=file_name,
            progress=progress,
            # What a demo user imports into the demo store stays demo data.
            is_demo=reader.is_demo,
        )
    if run_checks:
        from checks.pending import check_imports

        if progress is not None:
            progress(1.0, "Kwaliteitscontroles uitvoeren")
        # The new batch, and any batch an import killed before its checks left unchecked.
        check_imports(engine, settings, batch_id=result.batch_id)
    return result


def check_outcome(
    engine: Engine, batch_id: int
) -> tuple[Literal["success", "warning", "error"], list[str]] | None:
    """What the quality checks found after importing a batch: the kind of message and its lines
    (Dutch); None when no check ran for the batch."""
    from data_access.quality import results as quality

    batch_run = quality.latest_run_id(engine, batch_id=batch_id)
    if batch_run is None:
        return None
    everything = Scope.everything()
    in_batch = quality.check_results(engine, everything, batch_run).filter(~pl.col("success"))
    lines = [
        f"{'Blokkerend: ' if blocking else ''}{title} ({fmt_int(n)}×)"
        for title, blocking, n in in_batch.group_by("title", "blocking", maintain_order=True)
        .agg(pl.col("unexpected_count").sum())
        .sort("blocking", "title", descending=[True, False])
        .iter_rows()
    ]
    store_run = quality.latest_run_id(engine)
    failing_in_store = (
        quality.check_results(engine, everything, store_run)
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


def outcome(
    result: ImportResult,
) -> tuple[Literal["info", "warning", "success"], list[tuple[str, str]]]:
    """How to show an import's result: the kind of message, and its counts as (label, nl-BE
    number); no counts for a file that was already imported."""
    if result.already_imported_as is not None:
        return "info", []
    counts = [
        ("Gelezen", result.rows_read),
        ("Aanvaard", result.rows_accepted),
        ("Geweigerd", result.rows_rejected),
        ("Dubbel", result.rows_duplicate),
    ]
    kind: Literal["warning", "success"] = "warning" if result.rows_rejected else "success"
    return kind, [(label, fmt_int(value)) for label, value in counts]


_BATCH_COLUMNS: Final = (
    Column("batch_id", "Batch", "text"),
    Column("file_name", "Bestand"),
    Column("source_profile", "Bron"),
    Column("region_code", "Regio", "region"),
    Column("imported_at_local", "Ingelezen op"),
    Column("imported_by", "Door"),
    Column("rows_read", "Gelezen", "int"),
    Column("rows_accepted", "Aanvaard", "int"),
    Column("rows_updated", "Waarvan bijgewerkt", "int"),
    Column("rows_rejected", "Geweigerd", "int"),
    Column("rows_duplicate", "Dubbel", "int"),
    Column("status", "Status"),
)


def batches_table(engine: Engine, scope: Scope, limit: int = RECENT_BATCHES) -> Table:
    """The most recent import batches, newest first, with their row counts and who imported."""
    batches = lineage.import_batches(engine, scope).head(limit)
    frame = batches.with_columns(
        imported_at_local=pl.col("imported_at")
        .dt.convert_time_zone(LOCAL_TIME_ZONE)
        .dt.strftime("%d/%m/%Y %H:%M"),
        # An import killed after its commit left its checks undone (checks.pending).
        status=pl.when(pl.col("checked_at").is_null())
        .then(pl.concat_str(pl.col("status"), pl.lit(", nog niet gecontroleerd")))
        .otherwise(pl.col("status")),
    )
    return Table(
        frame,
        _BATCH_COLUMNS,
        title="Recente importbatches",
        notes=(
            "Per batch geldt: gelezen = aanvaard + geweigerd + dubbel. Geweigerde rijen staan in "
            "quarantaine met regel, kolom en reden.",
        ),
        region_names=region_choices(engine),
    )


def batch_choices(batches: Table) -> dict[int, str]:
    """Batches with rejected rows as selectbox labels: id → "Batch 12 · a.csv (3 geweigerd)"."""
    with_rejects = batches.frame.filter(pl.col("rows_rejected") > 0)
    return {
        row[
            "batch_id"
        ]: f"Batch {row['batch_id']} · {row['file_name']} ({row['rows_rejected']} geweigerd)"
        for row in with_rejects.iter_rows(named=True)
    }


def quarantine_table(engine: Engine, scope: Scope, batch_id: int) -> Table:
    """The rejected rows of one batch: line in the file, column, reason and the raw values."""
    rows = lineage.quarantined_rows(engine, scope, batch_id)
    return Table(
        rows,
        (
            Column("line_number", "Regel", "text"),
            Column("column_name", "Kolom"),
            Column("reason", "Reden"),
            Column("raw_row", "Oorspronkelijke rij"),
        ),
        title=f"Quarantaine batch {batch_id}",
        notes=(
            "Geweigerde rijen zoals ze in het bestand stonden, zonder namen; de gezinssleutel is "
            "gepseudonimiseerd. Verbeter ze in de bron en lees het bestand opnieuw in.",
        ),
    )
