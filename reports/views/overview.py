"""Overzicht: Flanders and per-region key figures for the period, against the previous period
and the same period last year."""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import partial
from typing import Final

import plotly.graph_objects as go
import polars as pl

from data_access.access.perturbation import noise_of, summed
from indicators._sources import MIXED, combined_source
from indicators.formatting import month_label
from indicators.periods import month_start, previous_period, same_period_last_year
from reports import charts
from reports.inputs import Inputs
from reports.publish.boundary import PublishedTable
from reports.publish.cells import Count, Difference, Rate, Text
from reports.publish.spec import (
    ChartSpec,
    Metric,
    MetricsSpec,
    Section,
    TableSpec,
    Totals,
    View,
)
from reports.selection import Selection
from reports.series.intakes import monthly_intakes
from reports.series.reach import yearly_families
from reports.series.referrers import monthly_referrer_groups
from reports.series.timeliness import monthly_timeliness, summed_final
from reports.views.common import REGION, SOURCE, basis_note, quality_notes

# The region code of the total row: Flanders, or the chosen regions together.
TOTAL: Final = "_TOTAAL"
# The Flemish total listed beside chosen regions, as their comparison.
FLANDERS: Final = "_VLAANDEREN"

# The comparisons, in the order they are shown: column suffix and Dutch wording.
COMPARISONS: Final = (("prev", "vorige periode"), ("last_year", "zelfde periode vorig jaar"))

COUNTS: Final = (
    "intakes",
    "consults",
    "tijdig",
    "laat",
    # Of the final months only: the rate within the month leaves provisional months out.
    "tijdig_final",
    "laat_final",
    "brede_instap",
    "referred",
    "gv",
    "sdj",
    "families",
)
# Known for some regions only: a total compares like with like (the regions known now).
PARTLY_KNOWN: Final = ("consults", "families")


def key_counts(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Per region in the selection's period and regions: the overview's counts with their
    perturbations (consults and families null where a source does not know them), source. A
    region is present when it reported intakes in the period."""
    in_regions = selection.in_regions()
    intakes = (
        monthly_intakes(inputs, selection)
        .filter(in_regions)
        .group_by("region_code")
        .agg(
            *summed("intakes"),
            # A partial consult count would read as a fall: unknown for one month → unknown.
            *(
                pl.when(pl.col(c).null_count() == 0).then(pl.col(c).sum()).alias(c)
                for c in ("consults", noise_of("consults"))
            ),
            combined_source(),
        )
    )
    timely = (
        monthly_timeliness(inputs, selection, "calendar_month")
        .filter(in_regions)
        .group_by("region_code")
        .agg(*summed("tijdig", "laat"), *summed_final("tijdig", "laat"))
    )
    group = pl.col("referrer_group")
    groups = {
        "brede_instap": group == "BREDE_INSTAP",
        "referred": pl.lit(True),
        "gv": group == "GV",
        "sdj": group == "SDJ",
    }
    referred = (
        monthly_referrer_groups(inputs, selection)
        .filter(in_regions)
        .group_by("region_code")
        .agg(
            expr
            for name, where in groups.items()
            for expr in (
                pl.col("intakes").filter(where).sum().alias(name),
                pl.col(noise_of("intakes")).filter(where).sum().alias(noise_of(name)),
            )
        )
    )
    return (
        intakes.join(timely, on="region_code", how="left")
        .join(referred, on="region_code", how="left")
        .join(families_of(inputs, selection), on="region_code", how="left")
        .sort("region_code")
    )


def families_of(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Per region: the families reached in the calendar year the period ends in, exactly as
    Bereik en trajecten shows them (one definition: distinct families with a trajectory
    started in the year, over the months with rows); null where that year's data cannot show
    trajectories. A distinct count over any window of months would be a new, separately
    perturbed cell for every window."""
    year = selection.end.year
    whole_year = dataclasses.replace(selection, start=date(year, 1, 1), end=date(year, 12, 31))
    return (
        yearly_families(inputs, whole_year)
        .filter(selection.in_regions())
        .select("region_code", "families", noise_of("families"), families_source="source")
    )


def compared(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """key_counts of the period beside those of the previous period and of the same period last
    year (columns `<count>_prev`, `<count>_last_year` with their perturbations; null where the
    region did not report then). For consults and families the earlier periods only count the
    regions counted now, so their total compares like with like."""
    current = key_counts(inputs, selection)
    out = current
    windows = {
        "prev": previous_period(selection.start, selection.end),
        "last_year": same_period_last_year(selection.start, selection.end),
    }
    for suffix, (start, end) in windows.items():
        before = key_counts(inputs, dataclasses.replace(selection, start=start, end=end))
        before = before.select(
            "region_code",
            *(pl.col(c).alias(f"{c}_{suffix}") for c in COUNTS),
            *(pl.col(noise_of(c)).alias(noise_of(f"{c}_{suffix}")) for c in COUNTS),
        )
        out = out.join(before, on="region_code", how="left")
        # A region unknown now adds nothing to the earlier total; one known now but unknown
        # then leaves that total unknown (Totals.complete).
        for column in PARTLY_KNOWN:
            known_now = pl.col(column).is_not_null()
            out = out.with_columns(
                pl.when(known_now).then(pl.col(c)).otherwise(0).alias(c)
                for c in (f"{column}_{suffix}", noise_of(f"{column}_{suffix}"))
            )
    return out


def _cells() -> tuple[
    tuple[Text | Count | Rate | Difference, ...], tuple[Count | Rate | Difference, ...]
]:
    """The shown columns of the key-figures table, and the ones computed for the tiles."""
    timely = {"numerator": ("tijdig_final",), "denominator": ("tijdig_final", "laat_final")}
    brede = {"numerator": ("brede_instap",), "denominator": ("referred",)}
    shown = (
        REGION,
        Count("intakes", "Aanmeldingen"),
        Difference(
            "intakes_change_prev",
            "Δ vorige periode",
            "pct",
            of="intakes",
            against="intakes_prev",
            relative=True,
        ),
        Difference(
            "intakes_change_last_year",
            "Δ vorig jaar",
            "pct",
            of="intakes",
            against="intakes_last_year",
            relative=True,
        ),
        Count("consults", "Consultvragen"),
        Rate("within_month", "Binnen de maand (%)", **timely),  # type: ignore[arg-type]
        Difference(
            "within_month_points_prev",
            "Δ ptn vorige periode",
            "dec1",
            of="within_month",
            against="within_month_prev",
            scale=100,
        ),
        Difference(
            "within_month_points_last_year",
            "Δ ptn vorig jaar",
            "dec1",
            of="within_month",
            against="within_month_last_year",
            scale=100,
        ),
        Rate("brede_instap_share", "Brede instap (%)", **brede),  # type: ignore[arg-type]
        Count("gv", "GV"),
        Count("sdj", "SDJ"),
        Count("families", "Gezinnen bereikt (jaar)"),
        SOURCE,
    )
    hidden: list[Count | Rate | Difference] = [
        Count(c, c) for c in COUNTS if c not in {"intakes", "consults", "gv", "sdj", "families"}
    ]
    for suffix, _ in COMPARISONS:
        hidden += [Count(f"{c}_{suffix}", c) for c in COUNTS]
        hidden += [
            Rate(
                f"within_month_{suffix}",
                "",
                numerator=(f"tijdig_final_{suffix}",),
                denominator=(f"tijdig_final_{suffix}", f"laat_final_{suffix}"),
            ),
            Rate(
                f"brede_instap_share_{suffix}",
                "",
                numerator=(f"brede_instap_{suffix}",),
                denominator=(f"referred_{suffix}",),
            ),
        ]
    for suffix, _ in COMPARISONS:
        hidden += [
            Difference(
                f"{c}_change_{suffix}", "", "pct", of=c, against=f"{c}_{suffix}", relative=True
            )
            for c in ("consults", "gv", "sdj", "families")
        ]
        hidden += [
            Difference(f"{c}_change_{suffix}", "", "points", of=c, against=f"{c}_{suffix}")
            for c in ("within_month", "brede_instap_share")
        ]
    return shown, tuple(hidden)


_METRICS: Final = (
    Metric(
        "Aanmeldingen",
        "intakes",
        "Aanmeldingen ontvangen in de periode, uit dossiers en uit maandtotalen; consultvragen "
        "niet meegeteld.",
        changes=tuple((wording, f"intakes_change_{s}") for s, wording in COMPARISONS),
        trend="intakes",
    ),
    Metric(
        "Consultvragen",
        "consults",
        "Alleen regio's waarvan de bron consultvragen registreert; Excel-registers en "
        "maandtotalen kennen geen consultvragen.",
        changes=tuple((wording, f"consults_change_{s}") for s, wording in COMPARISONS),
    ),
    Metric(
        "Binnen de maand opgenomen",
        "within_month",
        "Eerste contact uiterlijk één kalendermaand na de aanmelding (31 jan. → 28/29 feb.), als "
        "aandeel van tijdig + laat; vervallen en lopende aanmeldingen tellen niet mee. Alleen "
        "maanden waarvan de termijn voor elke aanmelding verstreken is: een voorlopige maand "
        "(Tijdige opname) ligt nog te hoog en telt hier niet mee.",
        changes=tuple((wording, f"within_month_change_{s}") for s, wording in COMPARISONS),
        higher_is_better=True,
    ),
    Metric(
        "Brede instap",
        "brede_instap_share",
        "Aandeel aanmeldingen via CLB, Huis van het Kind, CAW, lokaal bestuur, onderwijs of "
        "medische hulp.",
        changes=tuple((wording, f"brede_instap_share_change_{s}") for s, wording in COMPARISONS),
        higher_is_better=True,
    ),
    Metric(
        "Aanmeldingen via GV",
        "gv",
        "Aanmeldingen door de gemandateerde voorzieningen (OCJ, VK).",
        changes=tuple((wording, f"gv_change_{s}") for s, wording in COMPARISONS),
    ),
    Metric(
        "Aanmeldingen via SDJ",
        "sdj",
        "Aanmeldingen door de sociale dienst van de jeugdrechtbank.",
        changes=tuple((wording, f"sdj_change_{s}") for s, wording in COMPARISONS),
    ),
    Metric(
        "Gezinnen bereikt",
        "families",
        "Verschillende gezinnen met een traject gestart in het kalenderjaar waarin de periode "
        "eindigt (zoals op Bereik en trajecten); de vergelijking met het jaar waarin de "
        "vorige periode eindigt. Niet beschikbaar voor maandtotalen.",
        changes=tuple((wording, f"families_change_{s}") for s, wording in COMPARISONS),
        higher_is_better=True,
    ),
)


def overview_view(inputs: Inputs, selection: Selection) -> View:
    """Key figures of the period per region and for the regions together, each with the change
    against the previous period of equal length and the same period last year. With regions
    chosen, Flanders is listed last as their comparison: its total sums every region's
    published row, the others' rows computed but not listed."""
    names = inputs.region_names()
    chosen = selection.regions
    own = names.get(chosen[0], chosen[0]) if len(chosen) == 1 else None
    total_label = own or ("Geselecteerde regio's" if chosen else "Vlaanderen")
    names[TOTAL] = f"{total_label} (totaal)"
    names[FLANDERS] = "Vlaanderen (totaal)"
    everywhere = dataclasses.replace(selection, regions=())
    figures = compared(inputs, everywhere).with_columns(visible=selection.in_regions())
    figures = figures.sort(
        pl.col("region_code").replace_strict(names, default=pl.col("region_code"))
    )
    shown_rows = figures.filter("visible")
    notes = _notes(inputs, selection, shown_rows)
    notes += quality_notes(inputs, shown_rows["region_code"])
    if chosen:
        notes.append(
            "Vlaanderen (totaal) telt elke regio, ook de niet gekozen, en staat ter vergelijking "
            "onderaan de tabel."
        )
    shown, hidden = _cells()
    metrics_shown = _with_coverage(shown_rows)
    if previous_period(selection.start, selection.end) == same_period_last_year(
        selection.start, selection.end
    ):
        # Twelve months back is both comparisons: each change is shown once.
        shown = tuple(c for c in shown if not c.key.endswith("_last_year"))
        metrics_shown = tuple(dataclasses.replace(m, changes=m.changes[:1]) for m in metrics_shown)
    strict = tuple(f"{c}_{s}" for c in PARTLY_KNOWN for s, _ in COMPARISONS)
    # One region is its own total; several get theirs, and Flanders closes the table.
    totals: tuple[Totals, ...] = ()
    if not own:
        totals += (Totals(TOTAL, complete=strict, common=("source",), over="visible"),)
    if chosen:
        totals += (Totals(FLANDERS, complete=strict, common=("source",), first=False),)
    table = TableSpec(
        figures,
        shown,
        title=f"Kerncijfers per regio, {selection.period_label()}",
        notes=tuple(notes),
        region_names=names,
        inputs=hidden,
        totals=totals,
        name="kerncijfers",
        visible="visible",
    )
    tile_row = chosen[0] if own else TOTAL
    trend = TableSpec(
        monthly_intakes(inputs, selection)
        .filter(selection.in_regions())
        .select("region_code", "month", "intakes", noise_of("intakes")),
        (REGION, Text("month", "Maand", "month"), Count("intakes", "Aanmeldingen")),
        title="Aanmeldingen per maand",
        region_names=names,
        totals=() if own else (Totals(TOTAL, by=("month",)),),
        name="aanmeldingen-per-maand",
    )
    now = selection.period_label()
    before = _range(*same_period_last_year(selection.start, selection.end))
    metrics = MetricsSpec(
        table,
        metrics_shown,
        row_value=tile_row,
        trend_table=trend,
        reference_value=FLANDERS if chosen else None,
        reference_label="Vlaanderen",
    )
    return View(
        "Overzicht",
        (
            Section(
                f"{total_label} · {now}",
                (
                    metrics,
                    ChartSpec(
                        table,
                        partial(
                            _intakes_vs_last_year,
                            now=now,
                            before=before,
                            basis=selection.basis_label,
                        ),
                        "Aanmeldingen per regio: deze periode en vorig jaar",
                        show_table=False,
                    ),
                    table,
                ),
            ),
        ),
        notes=tuple(notes),
        main=table,
    )


def _with_coverage(figures: pl.DataFrame) -> tuple[Metric, ...]:
    """The tiles' metrics, the partly known ones saying how many regions their total covers
    (whether a source knows a figure is not a count: it shows as '–' in the table anyway)."""
    if figures.is_empty():
        return _METRICS
    coverage = {
        column: f"Hier: {figures[column].count()} van {figures.height} regio's."
        for column in PARTLY_KNOWN
    }
    return tuple(
        dataclasses.replace(m, help=f"{m.help} {coverage[m.column]}") if m.column in coverage else m
        for m in _METRICS
    )


def _notes(inputs: Inputs, selection: Selection, figures: pl.DataFrame) -> list[str]:
    previous = previous_period(selection.start, selection.end)
    last_year = same_period_last_year(selection.start, selection.end)
    if previous == last_year:
        compared_with = f"de vorige periode, hier dezelfde periode vorig jaar ({_range(*previous)})"
    else:
        compared_with = (
            f"de vorige periode ({_range(*previous)}) en met dezelfde periode vorig jaar "
            f"({_range(*last_year)})"
        )
    notes = [
        f"Vergeleken met {compared_with}. Een verandering staat als '–' wanneer de regio toen "
        "geen gegevens had; percentages veranderen in procentpunten (ptn).",
        basis_note(inputs),
    ]
    if figures["consults"].null_count() or figures["families"].null_count():
        notes.append(
            "Consultvragen en bereikte gezinnen staan als '–' waar de bron ze niet kent "
            "(Excel-registers registreren geen consultvragen, maandtotalen hebben geen dossiers); "
            "het totaal telt de regio's die ze kennen en vergelijkt met dezelfde regio's."
        )
    from reports.views.common import absent_note, final_months_note, source_notes

    notes += absent_note(figures, inputs, selection)

    notes += final_months_note(inputs, selection, "calendar_month")
    notes += source_notes(figures, inputs, "consultvragen en bereikte gezinnen")
    mixed = figures.filter(pl.col("families_source") == MIXED)["region_code"].sort().to_list()
    if mixed:
        names = inputs.region_names()
        notes.append(
            f"{', '.join(names.get(c, c) for c in mixed)}: bereikte gezinnen van "
            f"{selection.end.year} tellen alleen de maanden met dossiers (deels maandtotalen), "
            "zoals op Bereik en trajecten."
        )
    if selection.end >= month_start(inputs.today):
        notes.append(
            f"De periode loopt tot in de lopende maand ({month_label(inputs.today)}): die is "
            "nog onvolledig en drukt de vergelijking met eerdere periodes."
        )
    if inputs.basis == "then":
        notes.append(
            "Zoals toen georganiseerd: netwerken die later samengingen of herbegrensd werden, "
            "hadden vroeger een andere indeling en hebben dan geen vergelijking."
        )
    return notes


def _range(start: date, end: date) -> str:
    return f"{month_label(start)} – {month_label(end)}"


def _intakes_vs_last_year(table: PublishedTable, *, now: str, before: str, basis: str) -> go.Figure:
    """Grouped bars per region: intakes in the period beside the same period last year."""
    regions = table.values.filter(
        pl.col("visible") & ~pl.col("region_code").is_in(sorted(table.totals))
    )
    bars = pl.concat(
        [
            regions.select(
                "region_code",
                pl.lit(before).alias("series"),
                pl.col("intakes_last_year").alias("intakes"),
            ),
            regions.select("region_code", pl.lit(now).alias("series"), "intakes"),
        ]
    )
    return charts.bars(
        bars,
        x="region_code",
        y="intakes",
        color="series",
        title="Aanmeldingen per regio: deze periode en dezelfde periode vorig jaar",
        subtitle=f"{now} · {basis}",
        y_title="Aanmeldingen",
        names=table.region_names,
        highlight=table.highlight,
        stacked=False,
    )
