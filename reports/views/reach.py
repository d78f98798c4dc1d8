"""Bereik en trajecten: families reached against the target, trajectories and their outflow."""

from __future__ import annotations

from functools import partial

import plotly.graph_objects as go
import polars as pl

from data_access.access.perturbation import noise_of, summed
from data_access.reference.codes import CLOSURE_REASONS
from indicators._sources import MIXED, MONTHLY_COUNTS
from indicators.reach import FAMILIES_TARGET_PER_YEAR, SHORT_GUIDANCE_MONTHS
from reports import charts
from reports.inputs import Inputs
from reports.publish.boundary import PublishedTable
from reports.publish.cells import Count, Histogram, Measure, Quantile, Rate, Share, Text
from reports.publish.spec import ChartSpec, Section, TableSpec, View
from reports.selection import Selection
from reports.series.reach import (
    ongoing_date,
    ongoing_on,
    yearly_closures,
    yearly_families,
    yearly_further_care,
    yearly_trajectories,
)
from reports.views.common import REGION, basis_note, quality_notes

# Labels of codes that are not in a code list but stand for a missing value.
UNKNOWN = {"ONBEKEND": "Onbekend"}
YEAR = Text("year_label", "Jaar")


def reach_view(inputs: Inputs, selection: Selection) -> View:
    """Families reached per region and year against the target of 200, trajectories started,
    closed and ongoing, duration, closure reasons and further care."""
    names = inputs.region_names()
    years = selection.years
    shown_years = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    # Ongoing trajectories are counted at the end of the last whole month (series.reach).
    today = ongoing_date(inputs).strftime("%d/%m/%Y")
    families = yearly_families(inputs, selection).filter(selection.in_regions())
    notes = [
        basis_note(inputs),
        f"Het doel is per kalenderjaar: deze pagina toont de hele jaren {shown_years} die de "
        "gekozen periode overlappen; een lopend jaar wordt met het volledige jaardoel vergeleken.",
        f"Bereikt gezin: een gezin met een gestart traject in het jaar (start = eerste contact, "
        f"anders aanmelding). Doel: {FAMILIES_TARGET_PER_YEAR} extra gezinnen per netwerk per "
        "jaar.",
        *_not_available_notes(families, names),
    ]
    without_family = families["trajectories_without_family"].sum()
    if without_family:
        notes.append(
            "1 gestart traject zonder gezinsnummer telt niet als gezin mee."
            if without_family == 1
            else f"{without_family} gestarte trajecten zonder gezinsnummer tellen niet als "
            "gezin mee."
        )
    notes += quality_notes(inputs, families["region_code"])
    table = TableSpec(
        families,
        (
            REGION,
            YEAR,
            Count("families", "Gezinnen bereikt"),
            Measure("target", "Doel", "int"),
            Rate(
                "share_of_target",
                "Aandeel van doel",
                numerator=("families",),
                denominator=("target",),
            ),
        ),
        title="Bereikte gezinnen per regio en jaar",
        notes=tuple(notes),
        region_names=names,
        inputs=(Count("trajectories_without_family", "Zonder gezinsnummer"),),
        name="bereikte-gezinnen",
    )
    rows_only = (
        basis_note(inputs),
        f"Hele jaren {shown_years}. Alleen bronnen met dossiers tonen trajecten; "
        f"{MONTHLY_COUNTS} hebben er geen (niet beschikbaar, niet 0).",
    )
    trajectories = TableSpec(
        yearly_trajectories(inputs, selection).filter(selection.in_regions()),
        (
            REGION,
            YEAR,
            Count("started", "Gestart"),
            Count("closed", "Afgesloten"),
            Quantile("median_days", "Mediane duur (dagen)", "int", histogram="durations"),
            Count("short_closed", "Kortdurende begeleiding afgesloten"),
            Count("short_within", f"Binnen {SHORT_GUIDANCE_MONTHS} maanden"),
            Rate(
                "short_share",
                f"Aandeel binnen {SHORT_GUIDANCE_MONTHS} maanden",
                numerator=("short_within",),
                denominator=("short_closed",),
            ),
        ),
        title="Trajecten per regio en jaar",
        notes=(
            *rows_only,
            "Gestart telt per startjaar, afgesloten en duur per jaar van afsluiting. "
            f"Kortdurende begeleiding hoort binnen {SHORT_GUIDANCE_MONTHS} maanden na de "
            "start afgerond te zijn.",
        ),
        region_names=names,
        inputs=(Histogram("durations", "Duur"),),
        name="trajecten",
    )
    ongoing = TableSpec(
        ongoing_on(inputs).filter(selection.in_regions()),
        (REGION, Count("ongoing", f"Lopende trajecten op {today}")),
        title=f"Lopende trajecten op {today}",
        notes=(basis_note(inputs), "Gestart en nog niet afgesloten op de referentiedatum."),
        region_names=names,
        name="lopende-trajecten",
    )
    reasons = TableSpec(
        yearly_closures(inputs, selection)
        .filter(selection.in_regions())
        .with_columns(
            reason_label=pl.col("closure_reason").replace_strict(
                {**CLOSURE_REASONS, **UNKNOWN}, default=pl.col("closure_reason")
            ),
            year_label=pl.col("year").cast(pl.String),
        )
        .sort("region_code", "year", "closure_reason"),
        (
            REGION,
            YEAR,
            Text("reason_label", "Reden van afsluiting"),
            Count("closed", "Afgesloten"),
            Share("share", "Aandeel", count="closed", within=("region_code", "year_label")),
        ),
        title="Redenen van afsluiting",
        notes=rows_only,
        region_names=names,
        inputs=(Text("closure_reason", "Reden (code)"),),
        name="redenen-van-afsluiting",
    )
    flow = TableSpec(
        yearly_further_care(inputs, selection).filter(selection.in_regions()),
        (
            REGION,
            YEAR,
            Count("closed", "Afgesloten"),
            Count("to_rtj", "Naar RTJ"),
            Count("to_nrtj", "Naar NRTJ"),
            Rate("share_rtj", "Aandeel RTJ", numerator=("to_rtj",), denominator=("closed",)),
            Rate("share_nrtj", "Aandeel NRTJ", numerator=("to_nrtj",), denominator=("closed",)),
        ),
        title="Doorstroom naar verdere hulp (RTJ / NRTJ)",
        notes=(
            *rows_only,
            "RTJ: rechtstreeks toegankelijke jeugdhulp; NRTJ: niet-rechtstreeks toegankelijke "
            "jeugdhulp (via de intersectorale toegangspoort).",
        ),
        region_names=names,
        name="doorstroom",
    )
    totals = TableSpec(
        _trajectory_totals(trajectories.frame, ongoing.frame),
        (
            REGION,
            Count("started", "Gestart"),
            Count("closed", "Afgesloten"),
            Count("ongoing", f"Lopend op {today}"),
        ),
        title="Trajecten per regio",
        notes=rows_only,
        region_names=names,
        name="trajecten-per-regio",
    )
    chart_subtitle = f"{shown_years} · {selection.basis_label}"
    return View(
        "Bereik en trajecten",
        (
            Section(
                "Bereikte gezinnen",
                (
                    ChartSpec(
                        table,
                        partial(_families, subtitle=chart_subtitle),
                        "Bereikte gezinnen per regio en jaar",
                        show_table=False,
                    ),
                    table,
                ),
            ),
            Section(
                "Trajecten",
                (
                    ChartSpec(
                        totals,
                        partial(_trajectory_bars, today=today, subtitle=chart_subtitle),
                        "Trajecten per regio",
                        show_table=False,
                    ),
                    ongoing,
                    trajectories,
                ),
            ),
            Section(
                "Afsluiting en doorstroom",
                (
                    ChartSpec(
                        reasons,
                        partial(_closure_reasons, subtitle=chart_subtitle),
                        "Redenen van afsluiting",
                        show_table=False,
                    ),
                    reasons,
                    flow,
                ),
            ),
        ),
        notes=tuple(notes),
        main=table,
    )


def _not_available_notes(families: pl.DataFrame, names: dict[str, str]) -> list[str]:
    """Say which region-years have no (or only partly) trajectories, never showing them as 0."""
    notes = []
    for source, text in (
        (MONTHLY_COUNTS, "alleen maandtotalen, zonder trajecten: bereik niet beschikbaar ('–')"),
        (MIXED, "deels maandtotalen: bereik telt alleen de maanden met dossiers"),
    ):
        part = families.filter(pl.col("source") == source)
        if part.height:
            listed = ", ".join(
                f"{names.get(r, r)} {y}" for r, y in part.select("region_code", "year").iter_rows()
            )
            notes.append(f"{listed}: {text}.")
    return notes


def _families(table: PublishedTable, *, subtitle: str) -> go.Figure:
    """Families reached per region and year, with a dashed line at the yearly target."""
    fig = charts.bars(
        table.values.filter(pl.col("families").is_not_null()).sort("region_code", "year_label"),
        x="region_code",
        y="families",
        color="year_label",
        title="Bereikte gezinnen per regio en jaar",
        subtitle=subtitle,
        y_title="Gezinnen",
        names=table.region_names,
        stacked=False,
    )
    fig.add_hline(
        y=FAMILIES_TARGET_PER_YEAR,
        line_dash="dash",
        line_color="#000000",
        annotation_text=f"Doel: {FAMILIES_TARGET_PER_YEAR} gezinnen per jaar",
        annotation_position="top left",
    )
    return fig


def _closure_reasons(table: PublishedTable, *, subtitle: str) -> go.Figure:
    """Shares of closure reasons per region over the shown years (from the published counts)."""
    over_years = (
        table.values.group_by("region_code", "closure_reason")
        .agg(pl.col("closed").sum())
        .with_columns(share=pl.col("closed") / pl.col("closed").sum().over("region_code"))
        .sort("region_code", "closure_reason")
    )
    return charts.bars(
        over_years,
        x="region_code",
        y="share",
        color="closure_reason",
        title="Redenen van afsluiting",
        subtitle=subtitle,
        y_title="Aandeel",
        names=table.region_names,
        labels={**CLOSURE_REASONS, **UNKNOWN},
        percent=True,
        horizontal=True,
    )


def _trajectory_totals(trajectories: pl.DataFrame, ongoing: pl.DataFrame) -> pl.DataFrame:
    """Per region: trajectories started and closed over the shown years, ongoing at the end
    of the last whole month."""
    return (
        trajectories.group_by("region_code")
        .agg(*summed("started", "closed"))
        .join(ongoing, on="region_code", how="left")
        .with_columns(pl.col("ongoing", noise_of("ongoing")).fill_null(0))
        .sort("region_code")
    )


def _trajectory_bars(table: PublishedTable, *, today: str, subtitle: str) -> go.Figure:
    """Grouped bars per region: started and closed in the shown years, ongoing at the end of
    the last whole month."""
    totals = table.values
    names = table.region_names
    regions = [names.get(c, c) for c in totals["region_code"].to_list()]
    fig = go.Figure(
        [
            go.Bar(x=regions, y=totals[column].to_list(), name=label, marker_color=colour)
            for column, label, colour in (
                ("started", "Gestart", charts.PALETTE[0]),
                ("closed", "Afgesloten", charts.PALETTE[1]),
                ("ongoing", f"Lopend op {today}", charts.PALETTE[2]),
            )
        ]
    )
    fig.update_layout(
        barmode="group",
        title={"text": f"Trajecten per regio<br><sup>{subtitle}</sup>"},
        separators=",.",  # decimal comma, thousands dot (nl-BE)
        legend_title_text="",
        margin={"l": 40, "r": 20, "t": 70, "b": 40},
        height=420,
    )
    fig.update_yaxes(title_text="Trajecten", tickformat=",")
    return fig
