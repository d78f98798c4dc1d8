"""Volumeafspraken GV/SDJ: agreed versus realised intakes per region, party and whole year."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from data_access.reference.codes import VOLUME_PARTIES
from indicators._sources import MONTHLY_COUNTS
from indicators.formatting import fmt_pct
from indicators.volume import elapsed_fraction, volume_progress
from reports import charts
from reports.inputs import Inputs
from reports.selection import Selection
from reports.tables import Column, Table
from reports.views import View, basis_note, disclosed, disclosure_notes, quality_notes


def focus_year(inputs: Inputs, selection: Selection) -> int:
    """The year the charts show: the running year when selected, else the last selected year."""
    return min(selection.end.year, inputs.today.year)


def volume_per_year(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """indicators.volume.volume_progress for the selected regions and the whole selected years,
    at inputs.today."""
    years = selection.years
    in_years = pl.col("received_date").dt.year().is_in(years)
    registrations = inputs.registrations.filter(in_years & selection.in_regions())
    # Monthly counts carry no municipality: they only count on the 'then' basis.
    aggregates = (
        inputs.aggregates.clear()
        if inputs.basis == "today"
        else inputs.aggregates.filter(
            pl.col("month").dt.year().is_in(years) & selection.in_regions()
        )
    )
    agreements = inputs.agreements.filter(pl.col("year").is_in(years) & selection.in_regions())
    return volume_progress(registrations, aggregates, agreements, inputs.today).with_columns(
        pl.col("year").cast(pl.String).alias("year_label")
    )


def volume_view(inputs: Inputs, selection: Selection) -> View:
    """Agreed and realised GV/SDJ intakes per region and year, against the pro-rata target."""
    names = inputs.region_names()
    progress = disclosed(
        volume_per_year(inputs, selection),
        inputs,
        counts=["realised"],
        derived={
            "progress": "realised",
            "progress_vs_pro_rata": "realised",
            "projected_year_end": "realised",
        },
    )
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
        *disclosure_notes(inputs),
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
    table = Table(
        progress,
        (
            Column("region_code", "Regio", "region"),
            Column("year_label", "Jaar"),
            Column("party", "Partij"),
            Column("agreed", "Afgesproken", "int"),
            Column("realised", "Gerealiseerd", "int"),
            Column("progress", "Voortgang (%)", "pct"),
            Column("pro_rata_target", "Pro-rata doel", "dec1"),
            Column("progress_vs_pro_rata", "Voortgang t.o.v. pro rata (%)", "pct"),
            Column("projected_year_end", "Verwacht jaareinde", "dec1"),
            Column("source", "Bron"),
        ),
        title="Volumeafspraken GV/SDJ per regio en jaar",
        notes=tuple(notes),
        region_names=names,
    )
    subtitle = f"{year} · stand op {today} · {selection.basis_label}"
    of_year = progress.filter(pl.col("year") == year)
    figures: dict[str, go.Figure] = {}
    for party in sorted(VOLUME_PARTIES):
        part = of_year.filter(pl.col("party") == party)
        if part.height:
            figures[party] = _agreed_vs_realised(part, party, subtitle, names)
    if of_year.height:
        figures["progress"] = _progress_bars(of_year, fraction, subtitle, names)
    return View(table, figures, {}, tuple(notes))


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
    frame: pl.DataFrame, party: str, subtitle: str, names: dict[str, str]
) -> go.Figure:
    """Grouped bars agreed and realised per region, the pro-rata target as a marker."""
    frame = frame.sort("region_code")
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
    frame: pl.DataFrame, fraction: float, subtitle: str, names: dict[str, str]
) -> go.Figure:
    """Realised / agreed per region and party, with a line at the elapsed part of the year."""
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
