"""Plotly figures shared by pages and reports: Dutch labels, nl-BE numbers, basis stated."""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from indicators.formatting import MONTH_ABBREVIATIONS
from reports.publish.boundary import PublishedTable

# Colour-blind-safe qualitative palette (Okabe–Ito, then Tableau) for the categories a bar is
# split into (a handful); regions are never told apart by colour alone (HIGHLIGHT, OTHER).
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
# The reader's own regions in strong Okabe–Ito colours (a critical friend may have several),
# every other region in one grey: with 17–20 regions, highlight-and-grey reads where 17
# colours do not. Yellow is left out: too light on white.
HIGHLIGHT = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
OTHER = "#B3B3B3"
TOTAL = "#000000"  # the Flemish line, where a table has one
RECEDED = 0.35  # the opacity of other regions' bars where the bars are split into categories
BAR_ROW = 26  # pixels per region on a region axis, so that every name fits, horizontally
WRAP = 60  # characters of a title line: plotly does not wrap titles itself


# Plotly's geo maps ask for a world outline (world_110m.json) even with the base map hidden,
# by default from plotly's CDN: a closed network blocks it, and the map then stays empty. The
# app serves an empty outline instead, from static/ (Streamlit's static serving).
BLANK_TOPOJSON_URL = "app/static/topojson/"  # relative: it works under any base URL path


# The trace types the monitor draws. The template keeps plotly_white's defaults for these only:
# plotly copies the default template into every figure it builds, and sends it along with the
# figure. plotly_white's defaults for two dozen trace types were half of every figure's JSON and
# a third of the time spent building it (BENCHMARKS.md); a figure of these types looks the same.
# Its layout leaves out the axes of 3D, polar and ternary plots, which none of those types draws.
TRACE_TYPES = ("bar", "scatter", "heatmap", "choropleth")
UNUSED_LAYOUT = ("scene", "polar", "ternary")
TEMPLATE = "monitor"
_WHITE = pio.templates["plotly_white"]
pio.templates[TEMPLATE] = go.layout.Template(
    layout={k: v for k, v in _WHITE.layout.to_plotly_json().items() if k not in UNUSED_LAYOUT},
    data={kind: _WHITE.data[kind] for kind in TRACE_TYPES},
)


def figure(data: Any, layout: Any = None) -> go.Figure:
    """A figure on the monitor's template. It is plotly's default template, because a template
    named in a figure's layout is validated again for each figure (3-9 ms a figure, against
    1-2 ms). Streamlit makes its own template the default when it is first imported, which may
    be after this module: every figure is built here, and sets the default back first."""
    if pio.templates.default != TEMPLATE:
        pio.templates.default = TEMPLATE
    return go.Figure(data=data, layout=layout)


def wrapped(text: str, width: int = WRAP) -> list[str]:
    """`text` in lines of at most `width` characters (a longer word keeps its own line)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def layout(
    title: str, subtitle: str, y_title: str, percent: bool = False, zero: bool = True
) -> dict[str, Any]:
    """The layout every chart shares, as a plain dict: a figure built from dicts in one call is
    validated once, where each update_* call on a figure validates again. `zero`: the value
    axis starts at zero (counts and rates)."""
    lines = [*wrapped(title), *(f"<sup>{line}</sup>" for line in wrapped(subtitle, WRAP + 20))]
    return {
        # Wrapped by hand and pushing the margin: a long title is never cut off.
        "title": {
            "text": "<br>".join(lines),
            "automargin": True,
            "yref": "paper",
            "y": 1,
            "yanchor": "bottom",
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "pad": {"b": 12, "l": 12},
        },
        "separators": ",.",  # decimal comma, thousands dot (nl-BE)
        # Below the plot, under the axis labels: with 16 regions a side legend would take half
        # the chart's width.
        "legend": {
            "title": {"text": ""},
            "orientation": "h",
            "traceorder": "normal",  # as drawn, also for stacked bars
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "xanchor": "left",
            "x": 0,
        },
        "margin": {"l": 40, "r": 20, "t": 40, "b": 70},
        "height": 520,
        "hovermode": "x unified",
        "yaxis": {
            "title": {"text": y_title},
            "tickformat": ".0%" if percent else ",",
            "automargin": True,
            **({"rangemode": "tozero"} if zero else {}),
        },
        "xaxis": {"title": {"text": ""}, "automargin": True, "tickangle": 0},
    }


def month_ticks(months: Sequence[date | None], most: int = 12) -> dict[str, Any]:
    """Dutch month labels on a date axis (plotly's own are English), as axis properties: at
    most `most` (fewer on a small panel), horizontal, the year under January and under the
    first label only, so that they never collide; the hover shows the month as digits."""
    values = sorted({m for m in months if m is not None})
    if not values:
        return {}
    step = next(s for s in (1, 2, 3, 6, 12, len(values)) if len(values) / s <= most)
    shown = values[::step]
    text = [
        MONTH_ABBREVIATIONS[m.month - 1].rstrip(".")
        + (f"<br>{m.year}" if i == 0 or m.month <= step else "")
        for i, m in enumerate(shown)
    ]
    return {"tickvals": shown, "ticktext": text, "tickangle": 0, "hoverformat": "%m/%Y"}


def own_colour(code: str, highlight: Collection[str], other: str = OTHER) -> str:
    """A region's colour where regions are not told apart otherwise: strong for the reader's
    own (or for every region when the reader has none), grey for the others."""
    return HIGHLIGHT[0] if not highlight or code in highlight else other


def _line_styles(
    codes: Sequence[str], highlight: Collection[str], totals: Collection[str]
) -> dict[str, dict[str, Any]]:
    """Each series' line: own regions strong, each in its colour; the Flemish line black;
    the other regions thin and grey. Without a region of one's own, a few regions get a
    colour each, many get one colour (the hover names them)."""
    own = [c for c in codes if c in highlight]
    rest = [c for c in codes if c not in highlight and c not in totals]
    styles: dict[str, dict[str, Any]] = {}
    for i, code in enumerate(own):
        styles[code] = {"color": HIGHLIGHT[i % len(HIGHLIGHT)], "width": 3}
    for code in codes:
        if code in totals:
            styles[code] = {"color": TOTAL, "width": 2.5, "dash": "dash"}
    if own or len(rest) > len(HIGHLIGHT):
        colour = OTHER if own else HIGHLIGHT[0]
        styles.update({c: {"color": colour, "width": 1.2} for c in rest})
    else:
        styles.update({c: {"color": HIGHLIGHT[i], "width": 2} for i, c in enumerate(rest)})
    return styles


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
    highlight: Collection[str] = (),
    totals: Collection[str] = (),
) -> go.Figure:
    """One line per series (region) over time: the reader's own regions (`highlight`) stand
    out, the Flemish line (`totals`) in black, the others recede in grey."""
    names = names or {}
    groups = (
        frame.partition_by(series, as_dict=True, maintain_order=True) if series else {("",): frame}
    )
    parts = {str(key[0]): part for key, part in groups.items()}
    codes = sorted(parts, key=lambda c: names.get(c, c))
    styles = _line_styles(codes, highlight if series else (), totals if series else ())
    grouped = bool(series) and (len(codes) > len(HIGHLIGHT) or any(c in highlight for c in codes))
    everywhere = frame.select(pl.col(x).drop_nulls().unique())
    # Grey lines first, so that the own regions and Flanders are drawn on top of them.
    drawn = sorted(codes, key=lambda c: (c in highlight, c in totals))
    traces: list[dict[str, Any]] = []
    for code in drawn:
        part = parts[code]
        if series:
            # Every x of the chart, a missing one as a gap: a line never runs across a month
            # it has no value for.
            part = everywhere.join(part.select(x, y), on=x, how="left")
        part = part.sort(x)
        strong = code in highlight or code in totals
        trace: dict[str, Any] = {
            "type": "scatter",
            "x": part[x].to_list(),
            "y": part[y].to_list(),
            # Markers also on the grey lines: a value between two hidden ones is a lone point.
            "mode": "lines+markers" if part.height < 40 else "lines",
            "marker": {"size": 7 if strong or not grouped else 4},
            "name": names.get(code, code) if series else y_title,
            "line": {**styles.get(code, {"color": HIGHLIGHT[0], "width": 2})},
            "legendrank": 1 if code in highlight else 2 if code in totals else 3,
        }
        if dashed and code in dashed:
            trace["line"]["dash"] = "dash"
        if grouped and not strong:
            # One legend entry for all of them, below: 17 names would fill a scroll box.
            trace.update(legendgroup="other", showlegend=False)
        traces.append(trace)
    if grouped and any(not (c in highlight or c in totals) for c in codes):
        colour = OTHER if any(c in highlight for c in codes) else HIGHLIGHT[0]
        label = "Andere regio's" if colour == OTHER else "Regio's (naam bij aanwijzen)"
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "lines",
                "name": label,
                "line": {"color": colour, "width": 1.2},
                "legendgroup": "other",
                "legendrank": 4,
                "hoverinfo": "skip",
            }
        )
    spec = layout(title, subtitle, y_title, percent)
    if frame.height and frame.schema[x] == pl.Date:
        spec["xaxis"].update(month_ticks(frame[x].to_list()))
    return figure(traces, spec)


def _region_order(
    frame: pl.DataFrame, x: str, y: str, color: str | None, stacked: bool, percent: bool
) -> list[str]:
    """The regions from the lowest value to the highest (plotly draws the first at the
    bottom): by the value, by the total of a stack, by the first part of a stack of shares,
    by the last series of grouped bars (this period, the latest year)."""
    if color is None or (stacked and not percent):
        key = frame.group_by(x).agg(pl.col(y).sum().alias("_key"))
    else:
        series = frame[color].unique(maintain_order=True).to_list()
        chosen = series[0] if stacked else series[-1]
        key = (
            frame.select(x)
            .unique()
            .join(
                frame.filter(pl.col(color) == chosen).select(x, pl.col(y).alias("_key")),
                on=x,
                how="left",
            )
        )
    ordered = key.with_columns(pl.col(x).cast(pl.String)).sort(
        ["_key", x], descending=[False, True], nulls_last=False
    )
    return ordered[x].to_list()


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
    highlight: Collection[str] = (),
) -> go.Figure:
    """Bars per x (region or period), optionally split and stacked by `color`. Regions are
    compared horizontally, every name whole on its own line, sorted by value; the reader's
    own regions (`highlight`) in bold and in colour, the others grey or faded."""
    names = names or {}
    by_region = x == "region_code"
    horizontal = horizontal or by_region
    groups = (
        frame.partition_by(color, as_dict=True, maintain_order=True) if color else {("",): frame}
    )
    own = {c for c in highlight if by_region}
    traces = []
    for i, (key, part) in enumerate(groups.items()):
        code = str(key[0])
        values = part[x].to_list()
        xs = [names.get(str(v), str(v)) if by_region else v for v in values]
        if not by_region:
            marker: dict[str, Any] = {"color": PALETTE[i % len(PALETTE)]}
        elif color is None:
            marker = {
                "color": [HIGHLIGHT[0] if not own or str(v) in own else OTHER for v in values]
            }
        else:
            marker = {
                "color": PALETTE[i % len(PALETTE)],
                "opacity": [1.0 if not own or str(v) in own else RECEDED for v in values],
            }
        traces.append(
            {
                "type": "bar",
                "x": part[y].to_list() if horizontal else xs,
                "y": xs if horizontal else part[y].to_list(),
                "orientation": "h" if horizontal else "v",
                "name": (labels or {}).get(code, code) if color else y_title,
                "marker": marker,
                "showlegend": color is not None,
            }
        )
    spec = layout(title, subtitle, y_title, percent)
    spec.update(barmode="stack" if stacked else "group", hovermode="closest")
    if horizontal:
        spec["xaxis"].update(tickformat=".0%" if percent else ",", rangemode="tozero")
        spec["xaxis"]["title"] = {"text": y_title}
        spec["yaxis"] = {"title": {"text": ""}, "tickformat": "", "automargin": True}
    if by_region and frame.height:
        order = _region_order(frame, x, y, color, stacked, percent)
        shown = [names.get(c, c) for c in order]
        spec["yaxis"].update(
            categoryorder="array",
            categoryarray=shown,
            tickmode="array",
            tickvals=shown,
            ticktext=[f"<b>{n}</b>" if c in own else n for c, n in zip(order, shown, strict=True)],
        )
        groups_per_row = 1 if stacked or color is None else len(groups)
        rows = len(order) * (BAR_ROW + 8 * (groups_per_row - 1))
        spec["height"] = max(360, rows + 220)
    if frame.height and frame.schema[x] == pl.Date:
        spec["xaxis"].update(month_ticks(frame[x].to_list()))
    return figure(traces, spec)


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
) -> go.Figure | None:
    """`lines` of a published table's shown values (a hidden value leaves a gap, where
    dropping it would draw a line straight across); None when every value is hidden."""
    if table.values[y].is_null().all():
        return None
    return lines(
        table.values,
        x=x,
        y=y,
        series=series,
        title=title,
        subtitle=subtitle,
        y_title=y_title,
        names=table.region_names,
        percent=percent,
        highlight=table.highlight,
        totals=table.totals,
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
) -> go.Figure | None:
    """`bars` of a published table's shown values (a region whose value is hidden keeps its
    name on the axis, without a bar); None when every value is hidden."""
    if table.values[y].is_null().all():
        return None
    return bars(
        table.values,
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
        highlight=table.highlight,
    )
