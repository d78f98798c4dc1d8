"""What every view says the same way: the region basis, where figures come from, caveats."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Final

import polars as pl
from sqlalchemy import Engine

from data_access.access.perturbation import noise_of
from data_access.access.scope import Scope
from data_access.ingest import lineage
from data_access.ingest.dry_run import DryRun
from data_access.quality.results import DIMENSION_LABELS, DIMENSIONS
from data_access.reference import tables
from indicators._sources import MONTHLY_COUNTS, ROWS
from indicators.formatting import fmt_pct, month_label
from indicators.periods import months_between
from indicators.response_time import Rule, final_on, provisional
from reports.choices import RATE_LABELS, RULES
from reports.inputs import Inputs
from reports.publish.cells import Cell, Count, Difference, Measure, Rank, Rate, Text
from reports.publish.spec import Paragraph, Section, TableSpec, View
from reports.selection import Selection
from reports.series import months_with_rows
from reports.series.timeliness import monthly_timeliness, summed_final

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


def active_months(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """region_code, month: every shown region (the selected ones, else all) in every selected
    month it existed: as organised then, between its active_from and active_to; under
    today's regions, every current region in every month."""
    months = pl.DataFrame({"month": months_between(selection.start, selection.end)})
    regions = inputs.regions.select("region_code", "active_from", "active_to")
    if inputs.basis == "today":
        regions = regions.filter(pl.col("active_to").is_null())
    month = pl.col("month")
    active = (pl.col("active_from").is_null() | (pl.col("active_from") <= month.dt.month_end())) & (
        pl.col("active_to").is_null() | (pl.col("active_to") >= month)
    )
    return (
        regions.join(months, how="cross")
        .filter(active & selection.in_regions())
        .select("region_code", "month")
    )


def with_undelivered(
    monthly: pl.DataFrame,
    inputs: Inputs,
    selection: Selection,
    counts: Iterable[str],
    fill: dict[str, pl.Expr] | None = None,
) -> pl.DataFrame:
    """`monthly` (region_code, month, counts with perturbations, source, …) with a row for each
    active month it lacks of a region it holds (active_months): 0 where registration rows
    came in that month but none counted here, null ('–') where the region delivered nothing
    it could be counted from. A region without any month in `monthly` stays out (the page
    says "no data", absent_note names it). `fill`: expressions for other columns of the added
    rows."""
    keys = ["region_code", "month"]
    present = monthly["region_code"].unique().implode()
    with_rows = months_with_rows(inputs).with_columns(_rows=pl.lit(True))
    missing = (
        active_months(inputs, selection)
        .filter(pl.col("region_code").is_in(present))
        .join(monthly.select(keys), on=keys, how="anti")
        .join(with_rows, on=keys, how="left")
        .with_columns(pl.col("_rows").fill_null(False))
    )
    if missing.is_empty():
        return monthly
    delivered = pl.col("_rows")
    added = missing.with_columns(
        *(
            pl.when(delivered).then(pl.lit(0, pl.Int64)).otherwise(None).alias(c)
            for name in counts
            for c in (name, noise_of(name))
        ),
        pl.when(delivered).then(pl.lit(ROWS)).otherwise(None).alias("source"),
        *(expr.alias(column) for column, expr in (fill or {}).items()),
    ).drop("_rows")
    return pl.concat([monthly, added], how="diagonal_relaxed").sort(keys)


def undelivered_note(per_period: pl.DataFrame, inputs: Inputs) -> list[str]:
    """Say which regions have periods without any delivery, shown as '–' and never 0."""
    if "source" not in per_period.columns:
        return []
    codes = per_period.filter(pl.col("source").is_null())["region_code"].unique().sort()
    if codes.is_empty():
        return []
    names = inputs.region_names()
    listed = ", ".join(names.get(c, c) for c in codes.to_list())
    return [
        f"{listed}: '–' in een periode waarin de regio niets aanleverde (geen 0). Een 0 staat "
        "er waar de bron wel registraties leverde, maar geen die hier meetelt."
    ]


def absent_note(per_period: pl.DataFrame, inputs: Inputs, selection: Selection) -> list[str]:
    """Name the shown regions that existed in the period but delivered nothing in it: they
    are not in the table, which is not the same as 0."""
    if per_period.is_empty():
        return []
    absent = (
        active_months(inputs, selection)
        .filter(~pl.col("region_code").is_in(per_period["region_code"].unique().implode()))[
            "region_code"
        ]
        .unique()
        .sort()
    )
    if absent.is_empty():
        return []
    names = inputs.region_names()
    listed = ", ".join(names.get(c, c) for c in absent.to_list())
    return [f"Geen gegevens aangeleverd in deze periode (niet 0, maar onbekend): {listed}."]


def provisional_months(inputs: Inputs, selection: Selection, *rules: Rule) -> list[date]:
    """The selected months still provisional on the inputs' today under any of `rules`
    (indicators.response_time.final_on)."""
    return [
        month
        for month in months_between(selection.start, selection.end)
        if any(final_on(month, rule) > inputs.today for rule in rules)
    ]


def final_months_note(inputs: Inputs, selection: Selection, *rules: Rule) -> list[str]:
    """Say plainly that a rate within the deadline leaves the provisional months out."""
    months = provisional_months(inputs, selection, *rules)
    if not months:
        return []
    if len(months) == len(months_between(selection.start, selection.end)):
        return [
            "Binnen de termijn: geen enkele maand van de periode is al definitief (de termijn "
            "loopt nog), dus '–'; zie Tijdige opname voor de voorlopige cijfers."
        ]
    listed = ", ".join(month_label(m) for m in months)
    return [
        f"Binnen de termijn: alleen de definitieve maanden tellen mee, ook in de vergelijking. "
        f"Voorlopig en niet meegeteld: {listed} (de termijn loopt nog, het percentage zou te "
        "hoog liggen)."
    ]


def rule_comparison(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Per region over the selected period, rows only: tijdig and laat under each rule, and
    n (tijdig + laat) per rule, all with perturbations, of the months final under both rules
    (the same registrations under both; null when no month is final yet)."""
    frames = []
    final = ~pl.any_horizontal(provisional(pl.col("month"), inputs.today, r) for r in RULES)
    for rule in RULES:
        totals = (
            monthly_timeliness(inputs, selection, rule)
            .filter(pl.col("source") == ROWS)
            .filter(selection.in_regions())
            .group_by("region_code")
            .agg(*summed_final("tijdig", "laat", final=final))
            .select(
                "region_code",
                *(pl.col(f"{c}_final").alias(f"{c}_{rule}") for c in ("tijdig", "laat")),
                *(
                    pl.col(noise_of(f"{c}_final")).alias(noise_of(f"{c}_{rule}"))
                    for c in ("tijdig", "laat")
                ),
                (pl.col("tijdig_final") + pl.col("laat_final")).alias(f"n_{rule}"),
                (pl.col(noise_of("tijdig_final")) + pl.col(noise_of("laat_final"))).alias(
                    noise_of(f"n_{rule}")
                ),
            )
        )
        frames.append(totals)
    calendar, thirty = frames
    return calendar.join(thirty, on="region_code", how="full", coalesce=True).sort("region_code")


def comparison_table(inputs: Inputs, selection: Selection, title: str, note: str) -> TableSpec:
    """The rate and rank of every region under both rules, side by side."""
    cells: list[Cell] = [REGION]
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
        notes=(note, basis_note(inputs), *final_months_note(inputs, selection, *RULES)),
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
    batches = lineage.import_batches(engine, scope).head(limit)
    # An import killed after its commit left its checks undone (checks.pending).
    batches = batches.with_columns(
        status=pl.when(pl.col("checked_at").is_null())
        .then(pl.concat_str(pl.col("status"), pl.lit(", nog niet gecontroleerd")))
        .otherwise(pl.col("status"))
    )
    return TableSpec(
        batches,
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
