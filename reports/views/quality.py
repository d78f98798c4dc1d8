"""Datakwaliteit: the passport per region, failing checks with guidance, offending records, the
trend over runs, and what every import batch read, accepted, rejected and quarantined."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import polars as pl
from sqlalchemy import Engine

from data_access.access.scope import Scope
from data_access.ingest import lineage
from data_access.quality import results as quality
from data_access.quality.results import DIMENSION_LABELS, DIMENSIONS
from data_access.reference.codes import UNASSIGNED_LABEL
from data_access.settings import Settings
from indicators.formatting import fmt_pct
from reports import charts
from reports.tables import Column, Table
from reports.views.imports import LOCAL_TIME_ZONE, batches_table, region_choices

if TYPE_CHECKING:
    from checks.run import CheckRunSummary

# Runs shown in the trend (the newest).
TREND_RUNS: Final = 30
TRIGGERS: Final = {
    "cli": "opdrachtregel",
    "import": "na import",
    "demo": "demo",
    "beheerder": "beheerder",
}
_SCORE_COLUMNS: Final = tuple(Column(d, DIMENSION_LABELS[d], "pct") for d in DIMENSIONS)


@dataclass(frozen=True)
class Tile:
    """One passport score as a metric tile."""

    label: str
    value: str
    below: bool


@dataclass(frozen=True)
class QualityView:
    """Everything the Datakwaliteit page shows; tables carry their notes into the downloads."""

    run_caption: str | None
    passports: Table
    failing: Table
    offending: Table
    trend: go.Figure | None
    batches: Table
    reasons: Table
    threshold: float

    @property
    def has_run(self) -> bool:
        return self.run_caption is not None

    def tiles(self, region_code: str) -> list[Tile]:
        """The region's four scores and the overall score, as nl-BE percentages."""
        rows = self.passports.frame.filter(pl.col("region_code") == region_code)
        if rows.is_empty():
            return []
        row = rows.row(0, named=True)
        return [
            Tile(
                DIMENSION_LABELS.get(key, "Totaal (laagste)"),
                fmt_pct(row[key]),
                row[key] is not None and row[key] < self.threshold,
            )
            for key in (*DIMENSIONS, "overall")
        ]

    def region_options(self) -> dict[str, str]:
        """Regions with a passport, those below the threshold first."""
        frame = self.passports.frame.sort(
            "below_threshold", "region_code", descending=[True, False]
        )
        names = self.passports.region_names
        return {code: names.get(code, code) for code in frame["region_code"].to_list()}


def quality_view(engine: Engine, scope: Scope, settings: Settings) -> QualityView:
    """The newest run over the whole store, shown for a reader with this scope."""
    names = region_choices(engine)
    threshold = settings.quality_threshold
    run_id = quality.latest_run_id(engine)
    results = (
        quality.check_results(engine, scope, run_id)
        if run_id is not None
        else pl.DataFrame(schema=quality.RESULTS)
    )
    return QualityView(
        run_caption=_run_caption(engine, run_id),
        passports=_passport_table(results, threshold, names),
        failing=_failing_table(results, names),
        offending=_offending_table(results, scope, names),
        trend=_trend(engine, threshold, names),
        batches=batches_table(engine, scope),
        reasons=_reasons_table(engine, scope),
        threshold=threshold,
    )


def run_checks_now(engine: Engine, settings: Settings) -> CheckRunSummary:
    """Run every suite on the whole store now (the beheerder's button)."""
    from checks.run import run_checks

    return run_checks(engine, settings, trigger="beheerder")


def _run_caption(engine: Engine, run_id: int | None) -> str | None:
    if run_id is None:
        return None
    run = quality.check_runs(engine, store_wide=True, limit=1).row(0, named=True)
    finished = run["finished_at"] or run["started_at"]
    local = finished.astimezone(ZoneInfo(LOCAL_TIME_ZONE)).strftime("%d/%m/%Y %H:%M")
    return (
        f"Laatste controle van de hele opslag: run {run['run_id']} op {local} "
        f"({TRIGGERS.get(run['trigger'], run['trigger'])}); {run['failed']} resultaten niet in "
        f"orde, waarvan {run['blocking_failed']} blokkerend."
    )


def _passport_table(results: pl.DataFrame, threshold: float, names: dict[str, str]) -> Table:
    scores = quality.passport_scores(results, threshold).with_columns(
        below=pl.when(pl.col("below_threshold")).then(pl.lit("ja")).otherwise(pl.lit("nee"))
    )
    return Table(
        scores,
        (
            Column("region_code", "Regio", "region"),
            *_SCORE_COLUMNS,
            Column("overall", "Totaal (laagste)", "pct"),
            Column("below", "Onder de drempel"),
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
    )


def _failing_table(results: pl.DataFrame, names: dict[str, str]) -> Table:
    failing = (
        results.filter(~pl.col("success"))
        .with_columns(
            region=pl.col("region_code").replace_strict(
                names, default=pl.col("region_code").fill_null(UNASSIGNED_LABEL)
            ),
            dimension_label=pl.col("dimension").replace_strict(
                DIMENSION_LABELS, default=pl.col("dimension")
            ),
        )
        .group_by("expectation", maintain_order=True)
        .agg(
            pl.col("title").first(),
            pl.col("dimension_label").first(),
            pl.col("blocking").first(),
            pl.col("region").sort().str.join(", ").alias("regions"),
            pl.col("unexpected_count").sum(),
            pl.col("what").first(),
            pl.col("why").first(),
            pl.col("fix").first(),
            pl.col("note").drop_nulls().first(),
        )
        .with_columns(
            blocking_label=pl.when(pl.col("blocking")).then(pl.lit("ja")).otherwise(pl.lit("nee")),
            what=pl.when(pl.col("note").is_not_null())
            .then(pl.col("note"))
            .otherwise(pl.col("what")),
        )
        .sort("blocking", "unexpected_count", descending=[True, True])
    )
    return Table(
        failing,
        (
            Column("title", "Controle"),
            Column("dimension_label", "Dimensie"),
            Column("blocking_label", "Blokkerend"),
            Column("regions", "Regio's"),
            Column("unexpected_count", "Aantal", "int"),
            Column("what", "Wat is er mis"),
            Column("why", "Waarom belangrijk"),
            Column("fix", "Hoe oplossen in de bron"),
        ),
        title="Controles die niet in orde zijn",
        notes=(
            "Aantal: registraties, maanden of kwartalen die de controle niet doorstaan. Een "
            "blokkerende fout laat '1g1p check' falen: los ze eerst op.",
        ),
    )


def _offending_table(results: pl.DataFrame, scope: Scope, names: dict[str, str]) -> Table:
    rows = (
        results.filter(~pl.col("success") & (pl.col("sample_ids").list.len() > 0))
        .select("region_code", "title", "unexpected_count", "sample_ids")
        .explode("sample_ids")
        .rename({"sample_ids": "record"})
        .sort("region_code", "title", "record")
    )
    scope_note = (
        "Alle regio's."
        if scope.detail_regions is None
        else "Alleen de regio's die u in detail mag zien; andere regio's tonen enkel aantallen."
    )
    return Table(
        rows,
        (
            Column("region_code", "Regio", "region"),
            Column("title", "Controle"),
            Column("record", "Dossiernummer of periode in de bron"),
        ),
        title="Registraties en periodes om na te kijken",
        notes=(
            f"Per controle en regio de eerste {quality.SAMPLE_SIZE} (dossiernummers zoals in het "
            "bronsysteem, of maanden en kwartalen). " + scope_note,
        ),
        region_names=names,
    )


def _trend(engine: Engine, threshold: float, names: dict[str, str]) -> go.Figure | None:
    history = quality.passport_history(engine, threshold, limit=TREND_RUNS)
    if history.is_empty():
        return None
    labelled = history.with_columns(
        run_label=pl.format(
            "run {} · {}",
            pl.col("run_id"),
            pl.col("finished_at").dt.convert_time_zone(LOCAL_TIME_ZONE).dt.strftime("%d/%m %H:%M"),
        )
    )
    figure = charts.lines(
        labelled,
        x="run_label",
        y="overall",
        series="region_code",
        title="Kwaliteitspaspoort over de controles heen",
        subtitle=f"Totaalscore (laagste dimensie) per regio · drempel {fmt_pct(threshold)}",
        y_title="Totaalscore",
        names=names,
        percent=True,
    )
    # Scores sit close to 100%: whole percents would repeat the same tick label.
    return figure.update_yaxes(tickformat=".1%")


def _reasons_table(engine: Engine, scope: Scope) -> Table:
    batches = lineage.import_batches(engine, scope).filter(pl.col("rows_rejected") > 0)
    frames = [
        lineage.quarantined_rows(engine, scope, batch_id).with_columns(
            file_name=pl.lit(file_name),
            reason_kind=pl.col("reason").str.split(" '").list.first(),
        )
        for batch_id, file_name in batches.select("batch_id", "file_name").iter_rows()
    ]
    schema = {"batch_id": pl.Int64, "file_name": pl.String, "reason_kind": pl.String}
    rows = pl.concat(frames) if frames else pl.DataFrame(schema=schema)
    reasons = (
        rows.group_by("batch_id", "file_name", "reason_kind")
        .agg(pl.len().cast(pl.Int64).alias("rows"))
        .sort("batch_id", "rows", descending=[True, True])
    )
    return Table(
        reasons,
        (
            Column("batch_id", "Batch", "text"),
            Column("file_name", "Bestand"),
            Column("reason_kind", "Reden van weigering"),
            Column("rows", "Rijen", "int"),
        ),
        title="Redenen van quarantaine per batch",
        notes=(
            "Geweigerde rijen per reden; de rijen zelf staan op de pagina Importeren "
            "(quarantaine per batch).",
        ),
    )
