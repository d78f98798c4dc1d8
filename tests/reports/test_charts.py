"""The shared charts on published tables: built for 17–20 regions, the reader's own standing out."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl
import pytest

from data_access.settings import Settings
from reports import charts
from reports.publish.boundary import PublishedChart, PublishedTable, Thresholds, publish_table
from reports.publish.cells import Count, Rate, Text
from reports.publish.spec import TableSpec
from tests import scopes

REGIONS = [f"R{i:02}" for i in range(1, 18)]  # 17 regions, as in Flanders
NAMES = {code: f"Regio met een lange naam {code}" for code in REGIONS}
MONTHS = [date(2025, m, 1) for m in range(1, 13)] + [date(2026, m, 1) for m in range(1, 7)]
REGION = Text("region_code", "Regio", "region")
CELLS = (
    REGION,
    Count("tijdig", "Tijdig"),
    Count("laat", "Laat"),
    Rate("rate", "Tijdig (%)", numerator=("tijdig",), denominator=("tijdig", "laat")),
)


def _per_region(scope_regions: tuple[str, ...] | None) -> PublishedTable:
    """One row per region, R01 the smallest; counts large enough to be shown anywhere."""
    frame = pl.DataFrame(
        {
            "region_code": REGIONS,
            "tijdig": [100 + 10 * i for i in range(len(REGIONS))],
            "tijdig__noise": [0] * len(REGIONS),
            "laat": [50] * len(REGIONS),
            "laat__noise": [0] * len(REGIONS),
        }
    )
    return _published(frame, CELLS, scope_regions)


def _per_month(scope_regions: tuple[str, ...] | None) -> PublishedTable:
    frame = pl.DataFrame(
        {
            "region_code": [r for r in REGIONS for _ in MONTHS],
            "month": MONTHS * len(REGIONS),
            "tijdig": [60 + i % 7 for i in range(len(REGIONS) * len(MONTHS))],
            "tijdig__noise": [0] * (len(REGIONS) * len(MONTHS)),
            "laat": [20] * (len(REGIONS) * len(MONTHS)),
            "laat__noise": [0] * (len(REGIONS) * len(MONTHS)),
        }
    )
    cells = (*CELLS[:1], Text("month", "Maand", "date"), *CELLS[1:])
    return _published(frame, cells, scope_regions)


def _published(
    frame: pl.DataFrame, cells: tuple[object, ...], scope_regions: tuple[str, ...] | None
) -> PublishedTable:
    scope = scopes.everything() if scope_regions is None else scopes.regions(*scope_regions)
    spec = TableSpec(frame, cells, "Tabel", region_names=NAMES)  # type: ignore[arg-type]
    return publish_table(spec, scope, Thresholds())


def _bars(table: PublishedTable) -> go.Figure:
    figure = charts.bar_chart(
        table,
        x="region_code",
        y="tijdig",
        color=None,
        title="Tijdig opgenomen aanmeldingen per regio, over de hele gekozen periode bekeken",
        subtitle="jan. 2025 – jun. 2026 · Regio's zoals toen georganiseerd",
        y_title="Aanmeldingen",
    )
    assert figure is not None
    return figure


def _lines(table: PublishedTable) -> go.Figure:
    figure = charts.line_chart(
        table,
        x="month",
        y="rate",
        series="region_code",
        title="Tijdige opname per maand",
        subtitle="jan. 2025 – jun. 2026",
        y_title="Binnen de maand",
        percent=True,
    )
    assert figure is not None
    return figure


@pytest.mark.parametrize(
    ("scope_regions", "highlight"),
    [
        (("R05",), {"R05"}),  # a stuurgroep: its own region
        (("R05", "R09", "XXX"), {"R05", "R09"}),  # a critical friend: those in the table
        ((), set()),  # the trekkersgroep: no region of its own
        (None, set()),  # the beheerder: every region in detail, none its own
    ],
)
def test_a_table_tells_charts_the_readers_own_regions(
    scope_regions: tuple[str, ...] | None, highlight: set[str]
) -> None:
    """A published table names the reader's detail regions among its rows."""
    assert _per_region(scope_regions).highlight == highlight


def test_a_stuurgroep_sees_its_region_in_colour_and_the_others_grey() -> None:
    """Horizontal bars: the own region in the strong colour and bold, the 16 others grey."""
    figure = _bars(_per_region(("R05",)))
    (trace,) = figure.data
    assert trace.orientation == "h"
    colours = dict(zip(trace.y, trace.marker.color, strict=True))
    assert colours.pop(NAMES["R05"]) == charts.HIGHLIGHT[0]
    assert set(colours.values()) == {charts.OTHER}
    ticks = dict(zip(figure.layout.yaxis.tickvals, figure.layout.yaxis.ticktext, strict=True))
    assert ticks[NAMES["R05"]] == f"<b>{NAMES['R05']}</b>"
    assert ticks[NAMES["R06"]] == NAMES["R06"]


def test_region_bars_name_every_region_whole_sorted_by_value() -> None:
    """Every region's full name is a tick, horizontal, the highest value on top, with room
    for each name on its own line."""
    figure = _bars(_per_region(()))
    axis = figure.layout.yaxis
    assert list(axis.tickvals) == [NAMES[c] for c in REGIONS]  # bottom (lowest) to top
    assert list(axis.categoryarray) == list(axis.tickvals)
    assert axis.categoryorder == "array"
    assert figure.layout.height >= len(REGIONS) * charts.BAR_ROW
    assert set(figure.data[0].marker.color) == {charts.HIGHLIGHT[0]}  # no own region: no grey
    assert figure.layout.xaxis.rangemode == "tozero"


def test_charts_speak_nl_be_and_keep_their_title_whole() -> None:
    """Decimal comma and thousands dot; a long title wraps into lines and pushes the margin;
    the legend lies below the plot."""
    figure = _bars(_per_region(()))
    assert figure.layout.separators == ",."
    assert figure.layout.title.automargin is True
    lines = figure.layout.title.text.split("<br>")
    assert len(lines) > 2 and all(len(line) <= charts.WRAP + 20 + 11 for line in lines)
    assert figure.layout.legend.orientation == "h"
    assert figure.layout.legend.yanchor == "bottom" and figure.layout.legend.y == 0


def test_lines_set_the_own_region_apart_and_start_at_zero() -> None:
    """The own region thick and coloured, the others thin and grey behind one legend entry,
    the axis from zero; Dutch month labels, horizontal, at most 12."""
    figure = _lines(_per_month(("R05",)))
    own = [t for t in figure.data if t.name == NAMES["R05"]]
    assert len(own) == 1 and own[0].line.color == charts.HIGHLIGHT[0] and own[0].line.width == 3
    others = [t for t in figure.data if t.name in set(NAMES.values()) - {NAMES["R05"]}]
    assert len(others) == 16
    assert {t.line.color for t in others} == {charts.OTHER}
    assert not any(t.showlegend for t in others)
    assert [t.name for t in figure.data if t.showlegend is not False] == [
        NAMES["R05"],
        "Andere regio's",
    ]
    assert figure.data[-2] is own[0] or figure.data[-1] is own[0]  # drawn over the grey
    assert figure.layout.yaxis.rangemode == "tozero"
    assert figure.layout.separators == ",."
    ticks = figure.layout.xaxis.ticktext
    assert len(ticks) <= 12 and ticks[0] == "jan<br>2025" and "mrt" in ticks
    assert figure.layout.xaxis.tickangle == 0


def test_a_hidden_value_leaves_a_gap_and_a_hidden_region_keeps_its_name() -> None:
    """A small count hidden outside the reader's detail: no line across it, and the region
    stays on the bar chart's axis without a bar."""
    table = _per_region(("R05",))
    small = _published(
        table.values.select("region_code").with_columns(
            tijdig=pl.when(pl.col("region_code") == "R01").then(3).otherwise(100),
            tijdig__noise=pl.lit(0),
            laat=pl.lit(5),
            laat__noise=pl.lit(0),
        ),
        CELLS,
        ("R05",),
    )
    figure = _bars(small)
    assert NAMES["R01"] in figure.layout.yaxis.tickvals
    months = _per_month(("R05",))
    gap = months.values.with_columns(
        rate=pl.when((pl.col("region_code") == "R02") & (pl.col("month") == MONTHS[3]))
        .then(None)
        .otherwise(pl.col("rate"))
    )
    drawn = charts.lines(
        gap,
        x="month",
        y="rate",
        series="region_code",
        title="t",
        subtitle="s",
        y_title="y",
        names=NAMES,
        highlight=months.highlight,
    )
    (line,) = [t for t in drawn.data if t.name == NAMES["R02"]]
    assert list(line.x) == MONTHS and line.y[3] is None


def test_a_chart_with_every_value_hidden_is_not_drawn() -> None:
    """Nothing shown, nothing drawn: no empty axes from 0 to 400 %."""
    table = _per_month(())
    hidden = _published(
        table.values.select("region_code", "month").with_columns(
            tijdig=pl.lit(2), tijdig__noise=pl.lit(0), laat=pl.lit(1), laat__noise=pl.lit(0)
        ),
        (*CELLS[:1], Text("month", "Maand", "date"), *CELLS[1:]),
        (),
    )
    assert (
        charts.line_chart(
            hidden, x="month", y="rate", series="region_code", title="t", subtitle="s", y_title="y"
        )
        is None
    )


def test_the_template_is_plotly_whites_for_what_the_monitor_draws() -> None:
    """The default template keeps plotly_white's layout and its defaults for the trace types
    the monitor draws: a figure of those types looks as it did under plotly_white."""
    import plotly.io as pio
    import streamlit.elements.plotly_chart  # noqa: F401 (it makes Streamlit's template the default)

    white = pio.templates["plotly_white"].to_plotly_json()
    pio.templates.default = "streamlit"
    # Every figure is built on the monitor's template, whatever was imported last.
    monitor = charts.figure([]).layout.template.to_plotly_json()
    assert set(monitor["data"]) == set(charts.TRACE_TYPES)
    assert all(monitor["data"][kind] == white["data"][kind] for kind in charts.TRACE_TYPES)
    kept = {k: v for k, v in white["layout"].items() if k not in charts.UNUSED_LAYOUT}
    assert monitor["layout"] == kept


@pytest.mark.store
def test_every_published_figure_draws_only_the_templates_trace_types(
    report_settings: Settings,
) -> None:
    """Every chart of every page, for every funnel indicator on Regio's vergelijken, draws
    only trace types whose plotly_white defaults the template kept (and none of the layouts
    it left out)."""
    from data_access.access.roles import operator_reader
    from data_access.store.engine import make_engine
    from reports.choices import FUNNEL_INDICATORS
    from reports.registry import INDICATORS
    from reports.selection import Selection
    from reports.service import Service

    service = Service(make_engine(report_settings), report_settings)
    reader = operator_reader()
    selection = Selection(date(2025, 1, 1), date(2025, 12, 31))
    views = [service.view(reader, spec.name, selection) for spec in INDICATORS]
    views += [service.view(reader, "compare", selection, indicator=i) for i in FUNNEL_INDICATORS]
    figures = [
        block.figure
        for view in views
        for section in view.sections
        for block in section.blocks
        if isinstance(block, PublishedChart)
    ]
    assert len(figures) > 20
    drawn = {trace.type for figure in figures for trace in figure.data}
    assert drawn and drawn <= set(charts.TRACE_TYPES)
    for figure in figures:
        for part in charts.UNUSED_LAYOUT:
            assert not getattr(figure.layout, part).to_plotly_json()
    service.engine.dispose()
