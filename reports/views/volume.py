"""Volumeafspraken GV/SDJ: agreed versus realised intakes per region, party and whole year."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial

import plotly.graph_objects as go
import polars as pl

from data_access.access.perturbation import noise_of, summed
from data_access.reference.codes import VOLUME_PARTIES
from indicators._sources import MONTHLY_COUNTS, source_over
from indicators.formatting import fmt_pct
from indicators.volume import elapsed_fraction
from reports import charts
from reports.inputs import Inputs
from reports.publish.boundary import PublishedTable
from reports.publish.cells import Computed, Count, Measure, Rate, Text
from reports.publish.spec import ChartSpec, Section, TableSpec, View
from reports.selection import Selection
from reports.series.referrers import monthly_referrer_groups
from reports.views.common import REGION, SOURCE, basis_note, quality_notes


def focus_year(inputs: Inputs, selection: Selection) -> int:
    """The year the charts show: the running year when selected, else the last selected year."""
    return min(selection.end.year, inputs.today.year)


def volume_per_year(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """Per agreement of the selected regions and whole selected years: agreed, realised (GV or
    SDJ intakes received up to today, with perturbation; null when the region reported nothing
    that year), elapsed_fraction, pro_rata_target, source."""
    years = selection.years
    today = inputs.today
    whole_years = replace(selection, start=date(years[0], 1, 1), end=date(years[-1], 12, 31))
    reported = (
        monthly_referrer_groups(inputs, whole_years)
        .filter(pl.col("month") <= today)
        .filter(selection.in_regions())
        .with_columns(pl.col("month").dt.year().cast(pl.Int32).alias("year"))
        .with_columns(source_over("region_code", "year"))
    )
    region_years = reported.select("region_code", "year", "source").unique()
    realised = (
        reported.filter(pl.col("referrer_group").is_in(sorted(VOLUME_PARTIES)))
        .group_by("region_code", "year", pl.col("referrer_group").alias("party"))
        .agg(*summed("intakes"))
        .rename({"intakes": "realised", noise_of("intakes"): noise_of("realised")})
    )
    year = pl.col("year")
    fraction = (
        pl.when(year < today.year)
        .then(pl.lit(1.0))
        .when(year > today.year)
        .then(pl.lit(0.0))
        .otherwise(pl.lit(elapsed_fraction(today.year, today)))
    )
    agreements = inputs.agreements.filter(pl.col("year").is_in(years) & selection.in_regions())
    return (
        agreements.join(region_years, on=["region_code", "year"], how="left")
        .join(realised, on=["region_code", "year", "party"], how="left")
        # A region that reported in the year but had no referral by this party realised 0.
        .with_columns(
            *(
                pl.when(pl.col("source").is_not_null()).then(pl.col(c).fill_null(0)).alias(c)
                for c in ("realised", noise_of("realised"))
            ),
            fraction.alias("elapsed_fraction"),
        )
        .with_columns(
            (pl.col("agreed") * pl.col("elapsed_fraction")).alias("pro_rata_target"),
            pl.col("year").cast(pl.String).alias("year_label"),
        )
        .sort("region_code", "year", "party")
    )


def _projected(frame: pl.DataFrame) -> pl.Series:
    """Realised ÷ elapsed part of the year: the year's end at the pace so far."""
    fraction = pl.col("elapsed_fraction")
    return frame.select(
        pl.when(fraction > 0).then(pl.col("realised") / fraction).alias("projected_year_end")
    ).to_series()


def volume_view(inputs: Inputs, selection: Selection) -> View:
    """Agreed and realised GV/SDJ intakes per region and year, against the pro-rata target."""
    names = inputs.region_names()
    progress = volume_per_year(inputs, selection)
    years = selection.years
    year = focus_year(inputs, selection)
    fraction = elapsed_fraction(year, inputs.today)
    today = inputs.today.strftime("%d/%m/%Y")
    shown_years = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    notes = [
        basis_note(inputs),
        f"Volumeafspraken gelden per kalenderjaar: deze pagina toont de hele jaren {shown_years} "
        f"die de gekozen periode overlappen, met de aanmeldingen tot en met {today}.",
        _pro_rata_note(inputs, years),
        "Gerealiseerd = aanmeldingen van het jaar verwezen door de gemandateerde voorzieningen "
        "(GV: OCJ, VK) of de sociale dienst jeugdrechtbank (SDJ). '–': de regio leverde voor "
        "dat jaar geen gegevens aan.",
    ]
    from_counts = progress.filter(pl.col("source").is_in([MONTHLY_COUNTS, "gemengd"]))
    if from_counts.height:
        listed = ", ".join(
            names.get(c, c) for c in from_counts["region_code"].unique().sort().to_list()
        )
        notes.append(
            f"{listed}: gerealiseerd (deels) uit {MONTHLY_COUNTS} per verwijzersgroep, "
            "zonder dossiers."
        )
    notes += quality_notes(inputs, progress["region_code"])
    table = TableSpec(
        progress,
        (
            REGION,
            Text("year_label", "Jaar"),
            Text("party", "Partij"),
            Measure("agreed", "Afgesproken", "int", additive=True),
            Count("realised", "Gerealiseerd"),
            Rate("progress", "Voortgang (%)", numerator=("realised",), denominator=("agreed",)),
            Measure("pro_rata_target", "Pro-rata doel", "dec1", additive=True),
            Rate(
                "progress_vs_pro_rata",
                "Voortgang t.o.v. pro rata (%)",
                numerator=("realised",),
                denominator=("pro_rata_target",),
            ),
            Computed(
                "projected_year_end",
                "Verwacht jaareinde",
                "dec1",
                from_columns=("realised", "elapsed_fraction"),
                compute=_projected,
            ),
            SOURCE,
        ),
        title="Volumeafspraken GV/SDJ per regio en jaar",
        notes=tuple(notes),
        region_names=names,
        inputs=(Measure("elapsed_fraction", "Verstreken deel"), Text("year", "Jaar")),
        name="volumeafspraken",
    )
    chart_subtitle = f"{year} · stand op {today} · {selection.basis_label}"
    blocks: list[ChartSpec | TableSpec] = []
    of_year = progress.filter(pl.col("year") == year)
    for party in sorted(VOLUME_PARTIES):
        if of_year.filter(pl.col("party") == party).height:
            blocks.append(
                ChartSpec(
                    table,
                    partial(_agreed_vs_realised, year=year, party=party, subtitle=chart_subtitle),
                    f"{party}: afgesproken en gerealiseerd",
                    show_table=False,
                )
            )
    if of_year.height:
        blocks.append(
            ChartSpec(
                table,
                partial(_progress_bars, year=year, fraction=fraction, subtitle=chart_subtitle),
                "Voortgang",
                show_table=False,
            )
        )
    blocks.append(table)
    return View(
        "Volumeafspraken GV/SDJ",
        (Section("Volumeafspraken per regio", tuple(blocks)),),
        notes=tuple(notes),
        main=table,
    )


def _pro_rata_note(inputs: Inputs, years: list[int]) -> str:
    """How the pro-rata target and the projection are computed, with today's elapsed part."""
    running = inputs.today.year
    if running not in years:
        return "Alle getoonde jaren zijn afgelopen: het pro-rata doel is het afgesproken aantal."
    return (
        "Pro-rata doel = afgesproken aantal × verstreken deel van het jaar "
        f"({fmt_pct(elapsed_fraction(running, inputs.today))} van {running} op "
        f"{inputs.today.strftime('%d/%m/%Y')}; afgelopen jaren 100%). Verwacht jaareinde = "
        "gerealiseerd ÷ verstreken deel van het jaar (lineair doorgetrokken)."
    )


def _agreed_vs_realised(
    table: PublishedTable, *, year: int, party: str, subtitle: str
) -> go.Figure:
    """Grouped bars agreed and realised per region, the pro-rata target as a marker."""
    frame = table.values.filter((pl.col("year") == year) & (pl.col("party") == party)).sort(
        "region_code"
    )
    names = table.region_names
    regions = [names.get(c, c) for c in frame["region_code"].to_list()]
    fig = go.Figure(
        [
            go.Bar(
                x=regions,
                y=frame["agreed"].to_list(),
                name="Afgesproken",
                marker_color=charts.PALETTE[4],
            ),
            go.Bar(
                x=regions,
                y=frame["realised"].to_list(),
                name="Gerealiseerd",
                marker_color=charts.PALETTE[0],
            ),
            go.Scatter(
                x=regions,
                y=frame["pro_rata_target"].to_list(),
                name="Pro-rata doel",
                mode="markers",
                marker={
                    "symbol": "line-ew-open",
                    "size": 28,
                    "color": "#000000",
                    "line": {"width": 3},
                },
            ),
        ]
    )
    fig.update_layout(barmode="group")
    return _layout(
        fig,
        f"{party}: afgesproken en gerealiseerd per regio ({VOLUME_PARTIES[party]})",
        subtitle,
        "Aanmeldingen",
    )


def _progress_bars(
    table: PublishedTable, *, year: int, fraction: float, subtitle: str
) -> go.Figure:
    """Realised / agreed per region and party, with a line at the elapsed part of the year."""
    frame = table.values.filter(pl.col("year") == year)
    names = table.region_names
    fig = go.Figure()
    for i, party in enumerate(sorted(VOLUME_PARTIES)):
        part = frame.filter(pl.col("party") == party).sort("region_code", descending=True)
        fig.add_trace(
            go.Bar(
                y=[names.get(c, c) for c in part["region_code"].to_list()],
                x=part["progress"].to_list(),
                orientation="h",
                name=party,
                marker_color=charts.PALETTE[i],
            )
        )
    fig.update_layout(barmode="group")
    fig.add_vline(
        x=fraction,
        line_dash="dash",
        line_color="#000000",
        annotation_text=f"Pro rata {fmt_pct(fraction)}",
        annotation_position="top",
    )
    _layout(fig, "Voortgang: gerealiseerd ÷ afgesproken", subtitle, "")
    fig.update_xaxes(tickformat=".0%", title_text="Voortgang")
    fig.update_layout(height=max(420, 60 + 36 * frame["region_code"].n_unique()))
    return fig


def _layout(fig: go.Figure, title: str, subtitle: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title={"text": f"{title}<br><sup>{subtitle}</sup>"},
        separators=",.",  # decimal comma, thousands dot (nl-BE)
        legend_title_text="",
        margin={"l": 40, "r": 20, "t": 70, "b": 40},
        height=420,
        hovermode="closest",
    )
    fig.update_yaxes(title_text=y_title)
    return fig
