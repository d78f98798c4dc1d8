"""Datakwaliteit: the passport per region, failing checks with guidance, records to fix, the
trend over runs, and what every import batch read, accepted, rejected and quarantined.

Counts of defective records are counts of registrations: outside the reader's detail they are
published perturbed like every other count, and the passport's scores are computed at the
boundary from the published counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Final
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import polars as pl
from sqlalchemy import Engine

from data_access.access.perturbation import KEY_SPACE, RecordKeys, noise_of, perturbation
from data_access.access.scope import Scope
from data_access.ingest import lineage
from data_access.ingest.profiles import available_profiles
from data_access.quality import results as quality
from data_access.quality.results import DIMENSION_LABELS, DIMENSIONS
from data_access.reference.codes import UNASSIGNED_LABEL
from data_access.settings import Settings
from indicators.formatting import fmt_pct
from reports import charts
from reports.publish.boundary import PublishedTable
from reports.publish.cells import LOCAL_TIME_ZONE, Computed, Count, Measure, Rate, Text
from reports.publish.spec import ChartSpec, Metric, MetricsSpec, Paragraph, Section, TableSpec, View
from reports.views.common import batches_table, region_choices

# Runs shown in the trend (the newest).
TREND_RUNS: Final = 30
TRIGGERS: Final = {
    "cli": "opdrachtregel",
    "import": "na import",
    "demo": "demo",
    "beheerder": "beheerder",
}
REGION: Final = Text("region_code", "Regio", "region")


def _keyed(results: pl.DataFrame, keys: RecordKeys) -> pl.DataFrame:
    """Results with the perturbations of their counts. A check result is a cell of its own
    (check, region): its perturbation stays the same from run to run, so a new run shows how
    the count changed and never a fresh draw of the same count to average."""
    key = keys.of(pl.lit("quality"), "expectation", pl.col("region_code").fill_null(""))
    return results.with_columns(_key=key).with_columns(
        perturbation(pl.col("unexpected_count"), pl.col("_key")).alias(
            noise_of("unexpected_count")
        ),
        perturbation(pl.col("element_count"), ((pl.col("_key") * 7 + 1) % KEY_SPACE)).alias(
            noise_of("element_count")
        ),
    )


def weakest_checks(results: pl.DataFrame) -> pl.DataFrame:
    """Per region and dimension, the counts of its weakest check (the lowest share in order):
    elements, in_order and unexpected with perturbations, one row per region with a column
    pair per dimension."""
    rated = results.filter(
        pl.col("region_code").is_not_null() & (pl.col("element_count") > 0)
    ).with_columns(
        rate=1 - pl.col("unexpected_count").cast(pl.Float64) / pl.col("element_count"),
        in_order=(pl.col("element_count") - pl.col("unexpected_count")).clip(lower_bound=0),
    )
    weakest = (
        rated.sort("rate", "expectation")
        .group_by("region_code", "dimension", maintain_order=True)
        .first()
        .with_columns(
            (pl.col(noise_of("element_count")) - pl.col(noise_of("unexpected_count"))).alias(
                noise_of("in_order")
            )
        )
    )
    regions = weakest.select("region_code").unique()
    for dimension in DIMENSIONS:
        part = weakest.filter(pl.col("dimension") == dimension).select(
            "region_code",
            pl.col("in_order").alias(f"{dimension}_in_order"),
            pl.col(noise_of("in_order")).alias(noise_of(f"{dimension}_in_order")),
            pl.col("element_count").alias(f"{dimension}_elements"),
            pl.col(noise_of("element_count")).alias(noise_of(f"{dimension}_elements")),
        )
        regions = regions.join(part, on="region_code", how="left")
    return regions.sort("region_code")


def _overall(frame: pl.DataFrame) -> pl.Series:
    """The lowest published dimension score of each region."""
    return frame.select(pl.min_horizontal(*DIMENSIONS).alias("overall")).to_series()


def _below(frame: pl.DataFrame, *, threshold: float) -> pl.Series:
    return frame.select(
        pl.when(pl.col("overall") < threshold)
        .then(pl.lit("ja"))
        .when(pl.col("overall").is_not_null())
        .then(pl.lit("nee"))
        .alias("below")
    ).to_series()


def passport_table(results: pl.DataFrame, threshold: float, names: dict[str, str]) -> TableSpec:
    """The passport per region: per dimension the share in order at the weakest check."""
    frame = weakest_checks(results)
    counts = [
        Count(f"{d}_{part}", f"{DIMENSION_LABELS[d]} ({part})")
        for d in DIMENSIONS
        for part in ("in_order", "elements")
    ]
    for cell in counts:
        if cell.key not in frame.columns:
            frame = frame.with_columns(
                pl.lit(None, pl.Int64).alias(cell.key),
                pl.lit(None, pl.Int64).alias(noise_of(cell.key)),
            )
    return TableSpec(
        frame,
        (
            REGION,
            *(
                Rate(
                    d,
                    DIMENSION_LABELS[d],
                    numerator=(f"{d}_in_order",),
                    denominator=(f"{d}_elements",),
                )
                for d in DIMENSIONS
            ),
            Computed(
                "overall", "Totaal (laagste)", "pct", from_columns=DIMENSIONS, compute=_overall
            ),
            Computed(
                "below",
                "Onder de drempel",
                from_columns=("overall",),
                compute=partial(_below, threshold=threshold),
            ),
        ),
        title="Kwaliteitspaspoort per regio",
        notes=(
            "Per dimensie het aandeel registraties, maanden of kwartalen dat in orde is bij de "
            "zwakste controle van die dimensie; het totaal is de laagste van de vier. '–': "
            "niets te controleren.",
            f"Drempel: {fmt_pct(threshold)}. Een regio onder de drempel krijgt een waarschuwing "
            "bij haar cijfers op de andere pagina's en in de exports.",
        ),
        region_names=names,
        inputs=tuple(counts),
        name="kwaliteitspaspoort",
    )


def failing_table(results: pl.DataFrame, names: dict[str, str]) -> TableSpec:
    """The checks not in order, per region, with what is wrong, why it matters and the fix."""
    failing = (
        results.filter(~pl.col("success"))
        .with_columns(
            region_code=pl.col("region_code").fill_null(UNASSIGNED_LABEL),
            dimension_label=pl.col("dimension").replace_strict(
                DIMENSION_LABELS, default=pl.col("dimension")
            ),
            blocking_label=pl.when(pl.col("blocking")).then(pl.lit("ja")).otherwise(pl.lit("nee")),
            what=pl.when(pl.col("note").is_not_null())
            .then(pl.col("note"))
            .otherwise(pl.col("what")),
        )
        .sort("blocking", "unexpected_count", descending=[True, True])
    )
    return TableSpec(
        failing,
        (
            Text("title", "Controle"),
            Text("dimension_label", "Dimensie"),
            Text("blocking_label", "Blokkerend"),
            REGION,
            Count("unexpected_count", "Aantal"),
            Text("what", "Wat is er mis"),
            Text("why", "Waarom belangrijk"),
            Text("fix", "Hoe oplossen in de bron"),
        ),
        title="Controles die niet in orde zijn",
        notes=(
            "Aantal: registraties, maanden of kwartalen die de controle niet doorstaan. Een "
            "blokkerende fout laat de volledige controle falen: los ze eerst op.",
        ),
        region_names=names,
        name="controles-niet-in-orde",
    )


def offending_table(results: pl.DataFrame, scope: Scope, names: dict[str, str]) -> TableSpec:
    """The record numbers (or months and quarters) to look at, for the reader's detail only."""
    rows = (
        results.filter(~pl.col("success") & (pl.col("sample_ids").list.len() > 0))
        .select("region_code", "title", "sample_ids")
        .explode("sample_ids")
        .rename({"sample_ids": "record"})
        .sort("region_code", "title", "record")
    )
    scope_note = (
        "Alle regio's."
        if scope.detail_regions is None
        else "Alleen de regio's die je in detail mag zien; andere regio's tonen enkel aantallen."
    )
    return TableSpec(
        rows,
        (REGION, Text("title", "Controle"), Text("record", "Dossiernummer of periode in de bron")),
        title="Registraties en periodes om na te kijken",
        notes=(
            f"Per controle en regio de eerste {quality.SAMPLE_SIZE} (dossiernummers zoals in het "
            "bronsysteem, of maanden en kwartalen). " + scope_note,
        ),
        region_names=names,
        records=True,
        name="om-na-te-kijken",
    )


def trend_table(engine: Engine, scope: Scope, threshold: float, names: dict[str, str]) -> TableSpec:
    """The overall score per run of the reader's detail regions (a score over runs follows
    every correction of the counts, so it is kept to the regions seen in detail)."""
    history = quality.passport_history(engine, threshold, limit=TREND_RUNS)
    labelled = history.with_columns(
        run_label=pl.format(
            "nr. {} · {}",
            pl.col("run_id"),
            pl.col("finished_at").dt.convert_time_zone(LOCAL_TIME_ZONE).dt.strftime("%d/%m %H:%M"),
        )
    ).select("region_code", "run_label", "overall")
    return TableSpec(
        labelled,
        (REGION, Text("run_label", "Controle"), Text("overall", "Totaalscore", "pct")),
        title="Kwaliteitspaspoort over de controles heen",
        notes=("Alleen de regio's die je in detail mag zien.",),
        region_names=names,
        records=True,
        name="kwaliteit-over-de-controles",
    )


def _trend(table: PublishedTable, *, threshold: float) -> go.Figure | None:
    if table.values.is_empty():
        return None
    return charts.lines(
        table.values,
        x="run_label",
        y="overall",
        series="region_code",
        title="Kwaliteitspaspoort over de controles heen",
        subtitle=f"Totaalscore (laagste dimensie) per regio · drempel {fmt_pct(threshold)}",
        y_title="Totaalscore",
        names=table.region_names,
        highlight=table.highlight,
        percent=True,
    )


def reasons_table(engine: Engine, scope: Scope) -> TableSpec:
    """Rejected rows per batch and kind of reason (batches of the reader's detail regions)."""
    batches = lineage.import_batches(engine, scope).filter(pl.col("rows_rejected") > 0)
    frames = [
        lineage.quarantined_rows(engine, scope, batch_id).with_columns(
            file_name=pl.lit(file_name),
            region_code=pl.lit(region, pl.String),
            reason_kind=pl.col("reason").str.split(" '").list.first(),
        )
        for batch_id, file_name, region in batches.select(
            "batch_id", "file_name", "region_code"
        ).iter_rows()
    ]
    schema = {
        "batch_id": pl.Int64,
        "file_name": pl.String,
        "region_code": pl.String,
        "reason_kind": pl.String,
    }
    rows = pl.concat(frames) if frames else pl.DataFrame(schema=schema)
    reasons = (
        rows.group_by("batch_id", "file_name", "region_code", "reason_kind")
        .agg(pl.len().cast(pl.Int64).alias("rows"))
        .sort("batch_id", "rows", descending=[True, True])
    )
    return TableSpec(
        reasons,
        (
            Text("batch_id", "Batch"),
            Text("file_name", "Bestand"),
            Text("reason_kind", "Reden van weigering"),
            Measure("rows", "Rijen", "int"),
        ),
        title="Redenen van quarantaine per batch",
        notes=(
            "Geweigerde rijen per reden; de rijen zelf staan op de pagina Importeren "
            "(quarantaine per batch).",
        ),
        records=True,
        name="redenen-van-quarantaine",
    )


def run_caption(engine: Engine) -> str | None:
    """When the newest run over the whole store finished and what it found; None before any."""
    run_id = quality.latest_run_id(engine)
    if run_id is None:
        return None
    run = quality.check_runs(engine, store_wide=True, limit=1).row(0, named=True)
    finished = run["finished_at"] or run["started_at"]
    local = finished.astimezone(ZoneInfo(LOCAL_TIME_ZONE)).strftime("%d/%m/%Y %H:%M")
    return (
        f"Laatste controle van de hele opslag: nr. {run['run_id']} op {local} "
        f"({TRIGGERS.get(run['trigger'], run['trigger'])}); {run['failed']} resultaten niet in "
        f"orde, waarvan {run['blocking_failed']} blokkerend."
    )


@dataclass(frozen=True)
class QualityParts:
    """Datakwaliteit without a region's passport tiles, and the passport table they are read
    from (None before any run): what every region of the picker shares."""

    view: View
    passports: TableSpec | None


def quality_view(
    engine: Engine, scope: Scope, settings: Settings, region: str | None = None
) -> View:
    """The newest run over the whole store, for a reader with this scope; `region`: the one
    whose passport shows as tiles."""
    return with_passport(quality_parts(engine, scope, settings), region)


def with_passport(parts: QualityParts, region: str | None) -> View:
    """The page with `region`'s passport as tiles above the passport table (none: as is)."""
    if region is None or parts.passports is None:
        return parts.view
    tiles = MetricsSpec(
        parts.passports,
        tuple(
            Metric(DIMENSION_LABELS.get(key, "Totaal (laagste)"), key)
            for key in (*DIMENSIONS, "overall")
        ),
        row_value=region,
    )
    sections = tuple(
        replace(section, blocks=(tiles, *section.blocks))
        if any(block is parts.passports for block in section.blocks)
        else section
        for section in parts.view.sections
    )
    return replace(parts.view, sections=sections)


def quality_parts(engine: Engine, scope: Scope, settings: Settings) -> QualityParts:
    """What Datakwaliteit shows a reader with this scope, but for a region's tiles."""
    names = region_choices(engine)
    threshold = settings.quality_threshold
    run_id = quality.latest_run_id(engine)
    if run_id is None:
        return QualityParts(
            View(
                "Datakwaliteit",
                (
                    Section(
                        "",
                        (Paragraph("Er werden nog geen kwaliteitscontroles uitgevoerd.", "info"),),
                    ),
                ),
            ),
            None,
        )
    keys = RecordKeys.from_secret(settings.key_bytes())
    results = _keyed(quality.check_results(engine, scope, run_id), keys)
    passports = passport_table(results, threshold, names)
    failing = failing_table(results, names)
    trend = trend_table(engine, scope, threshold, names)
    caption = run_caption(engine) or ""
    sections = [
        Section("", (Paragraph(caption),)),
        Section(
            "Paspoort per regio",
            (
                passports,
                ChartSpec(
                    trend,
                    partial(_trend, threshold=threshold),
                    "Kwaliteit over de controles",
                    show_table=False,
                ),
            ),
        ),
    ]
    if failing.frame.is_empty():
        sections.append(
            Section(
                "Controles die niet in orde zijn",
                (Paragraph("Alle controles zijn in orde.", "info"),),
            )
        )
    else:
        sections.append(
            Section(
                "Controles die niet in orde zijn",
                (
                    failing,
                    Paragraph("Om na te kijken in de bron", "text"),
                    offending_table(results, scope, names),
                ),
            )
        )
    sections.append(
        Section(
            "Importbatches",
            (
                batches_table(engine, scope, sources=_source_labels(settings)),
                *_reasons_or_none(reasons_table(engine, scope), scope),
            ),
        )
    )
    return QualityParts(View("Datakwaliteit", tuple(sections)), passports)


def _reasons_or_none(reasons: TableSpec, scope: Scope) -> tuple[TableSpec | Paragraph, ...]:
    """The reasons of quarantine, or plainly that there are none (not 'no data'). A reader
    without detail keeps the table, whose empty state says the role may not see it."""
    if reasons.frame.is_empty() and scope.detail_regions != frozenset():
        return (Paragraph("Geen van deze batches heeft geweigerde rijen."),)
    return (reasons,)


def _source_labels(settings: Settings) -> dict[str, str]:
    """Source profile name → its Dutch label, for the batches' Bron column."""
    return {name: p.label for name, p in available_profiles(settings.profile_dir).items()}


def region_options(engine: Engine, settings: Settings) -> dict[str, str]:
    """Regions with a passport, those below the threshold first (for the passport picker)."""
    names = region_choices(engine)
    passports = quality.passports(engine, settings.quality_threshold)
    ordered = passports.sort("below_threshold", "region_code", descending=[True, False])
    return {code: names.get(code, code) for code in ordered["region_code"].to_list()}
