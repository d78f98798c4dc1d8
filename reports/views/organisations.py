"""Betrokken organisaties: which organisations and sectors are involved per region and period,
and how sectors work together on the same registrations."""

from __future__ import annotations

from functools import partial

import plotly.graph_objects as go
import polars as pl

from data_access.access.perturbation import summed
from data_access.reference.codes import PARTNER_SECTORS
from reports import charts
from reports.inputs import Inputs
from reports.publish.boundary import PublishedTable
from reports.publish.cells import Count, Text
from reports.publish.spec import ChartSpec, Section, TableSpec, View
from reports.selection import Selection
from reports.series.organisations import (
    UNKNOWN_SECTOR,
    monthly_collaboration,
    organisations_per_period,
    organisations_per_sector,
)
from reports.views.common import PERIOD, REGION, basis_note, quality_notes, subtitle, unit

SECTOR_LABELS = {**PARTNER_SECTORS, UNKNOWN_SECTOR: "Onbekend"}

PARLIAMENT_NOTE = (
    "Het parlement vroeg welke organisaties en hulpverleners betrokken zijn. Organisaties: "
    "verschillende partners bij de aanmeldingen van de periode; betrokkenheden: het aantal keer "
    "dat een partner bij een aanmelding betrokken was. Alleen bronnen die partners registreren."
)


def _sector_label(column: str) -> pl.Expr:
    return pl.col(column).replace_strict(SECTOR_LABELS, default=pl.col(column))


def collaboration(inputs: Inputs, selection: Selection) -> pl.DataFrame:
    """region_code, sector, other_sector (and their labels), registrations (with perturbation)
    over the selected period: the registrations that involve both sectors."""
    return (
        monthly_collaboration(inputs, selection)
        .filter(selection.in_regions())
        .group_by("region_code", "sector", "other_sector")
        .agg(*summed("registrations"))
        .with_columns(
            sector_label=_sector_label("sector"), other_label=_sector_label("other_sector")
        )
        .sort("region_code", "sector", "other_sector")
    )


def organisations_view(inputs: Inputs, selection: Selection) -> View:
    """Distinct organisations and sectors per region and period, organisations per sector over
    the whole selected years, and the collaboration between sectors."""
    names = inputs.region_names()
    per = unit(selection)
    years = selection.years
    shown_years = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    per_period = organisations_per_period(inputs, selection)
    notes = [basis_note(inputs), PARLIAMENT_NOTE]
    notes += quality_notes(inputs, per_period["region_code"])
    table = TableSpec(
        per_period,
        (
            REGION,
            PERIOD,
            Count("organisations", "Organisaties"),
            Count("sectors", "Sectoren"),
            Count("registrations", "Aanmeldingen met partners"),
        ),
        title=f"Betrokken organisaties per regio en {per}",
        notes=tuple(notes),
        region_names=names,
        inputs=(Text("period_start", "Begin"),),
        name="betrokken-organisaties",
    )
    sectors = organisations_per_sector(inputs, selection).with_columns(
        sector_label=_sector_label("sector")
    )
    sector_table = TableSpec(
        sectors,
        (
            REGION,
            Text("sector_label", "Sector"),
            Count("organisations", "Organisaties"),
            Count("involvements", "Betrokkenheden"),
        ),
        title="Betrokken organisaties per sector",
        notes=(
            basis_note(inputs),
            f"Aanmeldingen ontvangen in {shown_years}. Organisaties: verschillende "
            "partners; betrokkenheden: het aantal keer dat een partner bij een aanmelding "
            "betrokken was.",
        ),
        region_names=names,
        inputs=(Text("sector", "Sector (code)"),),
        name="organisaties-per-sector",
    )
    together = TableSpec(
        collaboration(inputs, selection),
        (
            REGION,
            Text("sector_label", "Sector"),
            Text("other_label", "Samen met sector"),
            Count("registrations", "Aanmeldingen"),
        ),
        title="Samenwerking tussen sectoren",
        notes=(
            basis_note(inputs),
            "Aanmeldingen van de periode waarbij beide sectoren betrokken waren; dezelfde sector "
            "twee keer: alle aanmeldingen met die sector.",
        ),
        region_names=names,
        inputs=(Text("sector", "Sector (code)"), Text("other_sector", "Andere sector (code)")),
        name="samenwerking-tussen-sectoren",
    )
    over_time = subtitle(selection)
    return View(
        "Betrokken organisaties",
        (
            Section(
                "Organisaties en sectoren per regio",
                (
                    ChartSpec(
                        table,
                        partial(
                            charts.line_chart,
                            x="period_start",
                            y="organisations",
                            series="region_code",
                            title=f"Betrokken organisaties per {per}",
                            subtitle=over_time,
                            y_title="Organisaties",
                        ),
                        "Betrokken organisaties",
                        show_table=False,
                    ),
                    table,
                ),
            ),
            Section(
                "Organisaties per sector",
                (
                    ChartSpec(
                        sector_table,
                        partial(
                            charts.bar_chart,
                            x="region_code",
                            y="organisations",
                            color="sector",
                            title="Betrokken organisaties per sector",
                            subtitle=f"{shown_years} · {selection.basis_label}",
                            y_title="Organisaties",
                            labels=SECTOR_LABELS,
                            horizontal=True,
                        ),
                        "Betrokken organisaties per sector",
                        show_table=False,
                    ),
                    sector_table,
                ),
            ),
            Section(
                "Samenwerking tussen sectoren",
                (
                    ChartSpec(
                        together,
                        partial(_collaboration_matrix, subtitle=over_time),
                        "Samenwerking tussen sectoren",
                        show_table=False,
                    ),
                    together,
                ),
            ),
        ),
        notes=tuple(notes),
        main=table,
    )


def _collaboration_matrix(table: PublishedTable, *, subtitle: str) -> go.Figure:
    """Sector × sector: the registrations of the shown regions that involve both (the published
    counts added up; a count not shown adds nothing)."""
    pairs = (
        table.values.group_by("sector", "other_sector")
        .agg(pl.col("registrations").sum())
        .filter(pl.col("registrations") > 0)
    )
    mirrored = pl.concat(
        [
            pairs,
            pairs.filter(pl.col("sector") != pl.col("other_sector")).select(
                pl.col("other_sector").alias("sector"),
                pl.col("sector").alias("other_sector"),
                "registrations",
            ),
        ]
    )
    order = [s for s in SECTOR_LABELS if s in set(mirrored["sector"].to_list())]
    labels = [SECTOR_LABELS[s] for s in order]
    lookup = {(a, b): n for a, b, n in mirrored.iter_rows()}
    z = [[lookup.get((a, b)) for b in order] for a in order]
    fig = charts.figure(
        go.Heatmap(
            x=labels,
            y=labels,
            z=z,
            colorscale="Blues",
            hovertemplate="%{y} en %{x}: %{z} aanmeldingen<extra></extra>",
            colorbar={"title": {"text": "Aanmeldingen"}},
        )
    )
    fig.update_layout(
        title={"text": f"Samenwerking tussen sectoren<br><sup>{subtitle}</sup>"},
        separators=",.",
        height=520,
        margin={"l": 40, "r": 20, "t": 70, "b": 40},
    )
    fig.update_yaxes(autorange="reversed")
    return fig
