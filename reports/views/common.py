"""What every view says the same way: the region basis, where figures come from, caveats."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import polars as pl
from sqlalchemy import Engine

from data_access.access.perturbation import noise_of, summed
from data_access.access.scope import Scope
from data_access.ingest import lineage
from data_access.ingest.dry_run import DryRun
from data_access.quality.results import DIMENSION_LABELS, DIMENSIONS
from data_access.reference import tables
from indicators._sources import MONTHLY_COUNTS, ROWS
from indicators.formatting import fmt_pct
from reports.choices import RATE_LABELS, RULES
from reports.inputs import Inputs
from reports.publish.cells import Cell, Count, Difference, Measure, Rank, Rate, Text
from reports.publish.spec import Paragraph, Section, TableSpec, View
from reports.selection import Selection
from reports.series.timeliness import monthly_timeliness

REGION: Final = Text("region_code", "Regio", "region")
PERIOD: Final = Text("period", "Periode", "period")
SOURCE: Final = Text("source", "Bron")


def basis_note(inputs: Inputs) -> str:
    """The basis statement every export carries."""
    label = "zoals toen georganiseerd" if inputs.basis == "then" else "huidige regio's"
    note = f"Regiobasis: {label}."
    if inputs.basis == "today":
        note += (
            " Registraties zonder gemeente staan onder 'Niet toe te wijzen'; maandtotalen "
            "zonder gemeente kunnen niet herverdeeld worden en tellen hier niet mee."
        )
    return note


def unit(selection: Selection) -> str:
    """The period unit in words: 'maand' or 'kwartaal'."""
    return "maand" if selection.granularity == "month" else "kwartaal"


def subtitle(selection: Selection) -> str:
    """The period and basis, stated under every chart's title."""
    return f"{selection.period_label()} · {selection.basis_label}"


def source_notes(frame: pl.DataFrame, inputs: Inputs, what: str) -> list[str]:
    """Say which regions' figures come from monthly counts, never hiding it."""
    if "source" not in frame.columns:
        return []
    from_counts = frame.filter(pl.col("source") != "rijen")["region_code"].unique().sort().to_list()
    if not from_counts:
        return []
    names = inputs.region_names()
    listed = ", ".join(names.get(c, c) for c in from_counts)
    return [
        f"{listed}: cijfers (deels) uit {MONTHLY_COUNTS} zonder dossiers; {what} niet "
        "beschikbaar voor die maanden."
    ]


def quality_notes(inputs: Inputs, region_codes: Iterable[str | None]) -> list[str]:
    """A caveat for each shown region whose data-quality passport is below the threshold. The
    score itself is a rate of counted records: named only for regions in the reader's detail."""
    shown = {code for code in region_codes if code is not None}
    weak = inputs.passports.filter(
        pl.col("below_threshold") & pl.col("region_code").is_in(sorted(shown))
    )
    names = inputs.region_names()
    notes = []
    for row in weak.sort("region_code").iter_rows(named=True):
        code = row["region_code"]
        name = names.get(code, code)
        if not inputs.scope.allows(code):
            notes.append(
                f"Let op: de gegevenskwaliteit van {name} ligt onder de drempel; zie Datakwaliteit."
            )
            continue
        scores = {d: row[d] for d in DIMENSIONS if row[d] is not None}
        weakest = min(scores, key=lambda d: scores[d])
        notes.append(
            f"Let op: de gegevenskwaliteit van {name} ligt onder de drempel "
            f"({DIMENSION_LABELS[weakest].lower()} {fmt_pct(scores[weakest])}, drempel "
            f"{fmt_pct(row['threshold'])}); zie Datakwaliteit."
        )
    return notes


def rule_comparison(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Per region over the selected period, rows only: tijdig and laat under each rule, and
    n (tijdig + laat) per rule, all with perturbations."""
    frames = []
    for rule in RULES:
        totals = (
            monthly_timeliness(inputs, selection, rule)
            .filter(pl.col("source") == ROWS)
            .filter(selection.in_regions())
            .group_by("region_code")
            .agg(*summed("tijdig", "laat"))
            .select(
                "region_code",
                *(pl.col(c).alias(f"{c}_{rule}") for c in ("tijdig", "laat")),
                *(pl.col(noise_of(c)).alias(noise_of(f"{c}_{rule}")) for c in ("tijdig", "laat")),
                (pl.col("tijdig") + pl.col("laat")).alias(f"n_{rule}"),
                (pl.col(noise_of("tijdig")) + pl.col(noise_of("laat"))).alias(
                    noise_of(f"n_{rule}")
                ),
            )
        )
        frames.append(totals)
    calendar, thirty = frames
    return calendar.join(thirty, on="region_code", how="full", coalesce=True).sort("region_code")


def comparison_table(inputs: Inputs, selection: Selection, title: str, note: str) -> TableSpec:
    """The rate and rank of every region under both rules, side by side."""
    cells = [REGION]
    for rule in RULES:
        cells += [
            Count(f"n_{rule}", f"Beoordeeld ({RULES[rule].lower()})"),
            Rate(
                f"rate_{rule}",
                RATE_LABELS[rule],
                numerator=(f"tijdig_{rule}",),
                denominator=(f"tijdig_{rule}", f"laat_{rule}"),
            ),
            Rank(f"rank_{rule}", f"Rang ({RULES[rule].lower()})", of=f"rate_{rule}"),
        ]
    cells.append(
        Difference(
            "difference",
            "Verschil (procentpunt)",
            "dec1",
            of="rate_30_days",
            against="rate_calendar_month",
            scale=100,
        )
    )
    return TableSpec(
        rule_comparison(inputs, selection),
        tuple(cells),
        title=title,
        notes=(note, basis_note(inputs)),
        region_names=inputs.region_names(),
        inputs=tuple(
            Count(f"{status}_{rule}", status) for rule in RULES for status in ("tijdig", "laat")
        ),
        name="kalendermaand-of-30-dagen",
    )


# How many batches the pages list (the newest first).
RECENT_BATCHES: Final = 50


def region_choices(engine: Engine) -> dict[str, str]:
    """Region code → name of every region, past ones included (old files name old networks)."""
    regions = tables.regions(engine).sort("region_name")
    return dict(regions.select("region_code", "region_name").iter_rows())


def _batch_cells(sources: dict[str, str]) -> tuple[Cell, ...]:
    return (
        Text("batch_id", "Batch"),
        Text("file_name", "Bestand"),
        Text("source_profile", "Bron", codes=sources),
        Text("region_code", "Regio", "region"),
        Text("imported_at", "Ingelezen op", "datetime"),
        Text("imported_by", "Door"),
        Measure("rows_read", "Gelezen", "int"),
        Measure("rows_accepted", "Aanvaard", "int"),
        Measure("rows_updated", "Waarvan bijgewerkt", "int"),
        Measure("rows_rejected", "Geweigerd", "int"),
        Measure("rows_duplicate", "Dubbel", "int"),
        Text("status", "Status"),
    )


def batches_table(
    engine: Engine,
    scope: Scope,
    limit: int = RECENT_BATCHES,
    *,
    sources: dict[str, str] | None = None,
) -> TableSpec:
    """The most recent import batches of the reader's detail regions, newest first, with their
    row counts and who imported; `sources`: the source profiles' Dutch labels."""
    return TableSpec(
        lineage.import_batches(engine, scope).head(limit),
        _batch_cells(sources or {}),
        title="Recente importbatches",
        notes=(
            "Per batch geldt: gelezen = aanvaard + geweigerd + dubbel. Geweigerde rijen staan in "
            "quarantaine met regel, kolom en reden.",
        ),
        region_names=region_choices(engine),
        records=True,
        name="importbatches",
    )


def dry_run_view(run: DryRun) -> View:
    """A dry run (Proefimport, or the mapping screen's preview) as the page shows it: what an
    import would do, for the beheerder who holds the file; never the file's dropped columns."""
    mapping = TableSpec(
        run.mapping,
        (Text("Veld", "Veld"), Text("Kolom", "Kolom in het bestand"), Text("Herkomst", "Herkomst")),
        title="Kolomtoewijzing",
        notes=("Welke kolom elk geharmoniseerd veld vult, en hoe.",),
        name="kolomtoewijzing",
    )
    values = TableSpec(
        run.unmapped_values,
        (Text("header", "Kolom"), Text("value", "Waarde"), Measure("count", "Aantal", "int")),
        title="Waarden zonder code",
        notes=("Rijen met deze waarden zouden geweigerd worden: voeg ze toe aan het profiel.",),
        name="waarden-zonder-code",
    )
    quarantine = TableSpec(
        run.quarantine,
        (Text("_line", "Regel"), Text("column", "Kolom"), Text("reason", "Reden")),
        title="Zou in quarantaine gaan",
        name="zou-in-quarantaine-gaan",
    )
    sample = TableSpec(
        run.sample,
        tuple(Text(c, c) for c in run.sample.columns),
        title="Voorbeeld van geharmoniseerde rijen",
        notes=("De eerste rijen zoals ze opgeslagen zouden worden (zonder gezinspseudoniem).",),
        name="voorbeeld",
    )
    supports = "Cijfers die deze bron levert: " + (", ".join(run.supports) or "geen") + "."
    text = (
        Paragraph(run.headline(), "info"),
        *(Paragraph(note) for note in run.notes()),
        Paragraph(supports),
    )
    return View(
        "Proefimport",
        (
            Section("", text),
            *(Section(t.title, (t,)) for t in (mapping, values, quarantine, sample)),
        ),
    )
