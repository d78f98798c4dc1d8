"""Plotly figures shared by pages and reports: Dutch labels, nl-BE numbers, basis stated."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from indicators.formatting import MONTH_ABBREVIATIONS
from reports.publish.boundary import PublishedTable

# Colour-blind-safe qualitative palette (Okabe–Ito, then Tableau) for up to 18 regions.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#4E79A7",
    "#F28E2B",
    "#59A14F",
    "#B07AA1",
    "#76B7B2",
    "#EDC948",
    "#FF9DA7",
    "#9C755F",
    "#BAB0AC",
    "#E15759",
)


# Every figure's template, as plotly's default: a default template is built once, a template
# set per figure is copied and validated for each (about 20 ms a figure).
pio.templates.default = "plotly_white"


def layout(title: str, subtitle: str, y_title: str, percent: bool = False) -> dict[str, Any]:
    """The layout every chart shares, as a plain dict: a figure built from dicts in one call is
    validated once, where each update_* call on a figure validates again."""
    return {
        "title": {"text": f"{title}<br><sup>{subtitle}</sup>"},
        "separators": ",.",  # decimal comma, thousands dot (nl-BE)
        # Below the plot: with 16 regions a side legend would take half the chart's width.
        "legend": {
            "title": {"text": ""},
            "orientation": "h",
            "yanchor": "top",
            "y": -0.18,
            "xanchor": "left",
            "x": 0,
        },
        "margin": {"l": 40, "r": 20, "t": 70, "b": 40},
        "height": 520,
        "hovermode": "x unified",
        "yaxis": {"title": {"text": y_title}, "tickformat": ".0%" if percent else ","},
        "xaxis": {"title": {"text": ""}},
    }


def styled(
    fig: go.Figure, title: str, subtitle: str, y_title: str, percent: bool = False
) -> go.Figure:
    """`fig` with the shared layout (for figures built trace by trace)."""
    fig.update_layout(layout(title, subtitle, y_title, percent))
    return fig


def month_ticks(months: Sequence[object]) -> dict[str, Any]:
    """Dutch month labels on a date axis (plotly's own are English), as axis properties."""
    values = sorted({m for m in months if m is not None})
    if not values:
        return {}
    step = max(1, len(values) // 12)
    shown = values[::step]
    return {
        "tickvals": shown,
        "ticktext": [f"{MONTH_ABBREVIATIONS[m.month - 1]} {m.year}" for m in shown],  # type: ignore[attr-defined]
    }


def lines(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    series: str | None,
    title: str,
    subtitle: str,
    y_title: str,
    names: dict[str, str] | None = None,
    percent: bool = False,
    dashed: set[str] | None = None,
) -> go.Figure:
    """One line per series (region) over time."""
    groups = (
        frame.partition_by(series, as_dict=True, maintain_order=True) if series else {("",): frame}
    )
    traces = []
    for i, (key, part) in enumerate(sorted(groups.items(), key=lambda kv: str(kv[0]))):
        code = str(key[0])
        part = part.sort(x)
        traces.append(
            {
                "type": "scatter",
                "x": part[x].to_list(),
                "y": part[y].to_list(),
                "mode": "lines+markers" if part.height < 40 else "lines",
                "name": (names or {}).get(code, code) if series else y_title,
                "line": {
                    "color": PALETTE[i % len(PALETTE)],
                    "dash": "dash" if dashed and code in dashed else "solid",
                },
            }
        )
    spec = layout(title, subtitle, y_title, percent)
    if frame.height and frame.schema[x] == pl.Date:
        spec["xaxis"].update(month_ticks(frame[x].to_list()))
    return go.Figure(data=traces, layout=spec)


def bars(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None,
    title: str,
    subtitle: str,
    y_title: str,
    names: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    percent: bool = False,
    stacked: bool = True,
    horizontal: bool = False,
) -> go.Figure:
    """Bars per x (region or period), optionally split and stacked by `color`."""
    groups = (
        frame.partition_by(color, as_dict=True, maintain_order=True) if color else {("",): frame}
    )
    traces = []
    for i, (key, part) in enumerate(groups.items()):
        code = str(key[0])
        xs = [
            (names or {}).get(str(v), str(v)) if x == "region_code" else v
            for v in part[x].to_list()
        ]
        traces.append(
            {
                "type": "bar",
                "x": part[y].to_list() if horizontal else xs,
                "y": xs if horizontal else part[y].to_list(),
                "orientation": "h" if horizontal else "v",
                "name": (labels or {}).get(code, code) if color else y_title,
                "marker": {"color": PALETTE[i % len(PALETTE)]},
            }
        )
    spec = layout(title, subtitle, y_title, percent)
    spec.update(barmode="stack" if stacked else "group", hovermode="closest")
    if horizontal:
        spec["xaxis"]["tickformat"] = ".0%" if percent else ","
        spec["yaxis"] = {"title": {"text": ""}, "tickformat": ""}
    if frame.height and frame.schema[x] == pl.Date:
        spec["xaxis"].update(month_ticks(frame[x].to_list()))
    return go.Figure(data=traces, layout=spec)


def line_chart(
    table: PublishedTable,
    *,
    x: str,
    y: str,
    series: str | None,
    title: str,
    subtitle: str,
    y_title: str,
    percent: bool = False,
) -> go.Figure:
    """`lines` of a published table's shown values (a hidden value leaves a gap)."""
    return lines(
        table.values.filter(pl.col(y).is_not_null()),
        x=x,
        y=y,
        series=series,
        title=title,
        subtitle=subtitle,
        y_title=y_title,
        names=table.region_names,
        percent=percent,
    )


def bar_chart(
    table: PublishedTable,
    *,
    x: str,
    y: str,
    color: str | None,
    title: str,
    subtitle: str,
    y_title: str,
    labels: dict[str, str] | None = None,
    percent: bool = False,
    stacked: bool = True,
    horizontal: bool = False,
) -> go.Figure:
    """`bars` of a published table's shown values."""
    return bars(
        table.values.filter(pl.col(y).is_not_null()),
        x=x,
        y=y,
        color=color,
        title=title,
        subtitle=subtitle,
        y_title=y_title,
        names=table.region_names,
        labels=labels,
        percent=percent,
        stacked=stacked,
        horizontal=horizontal,
    )
